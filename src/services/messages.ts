import type { MessagePayload } from '../storage/outbox.js';
import type { OrgReport, TeamReport } from './report-types.js';

/**
 * How services word what they send. Implemented by slack/views (pure Block Kit builders) and
 * injected, so services stay free of Slack types.
 */
export interface MessageBuilder {
  checkIn(input: { teamName: string; roundId: number; closesAt: string; reminder: number }): MessagePayload;
  /** What the check-in DM says once its member has answered (with a button to edit the answers). */
  /** `teamNames`: every team the answers were recorded for, when one check-in covered several. */
  thanks(input: {
    teamName: string;
    teamNames?: readonly string[];
    roundId: number;
    closesAt: string;
  }): MessagePayload;
  teamDigest(report: TeamReport): MessagePayload;
  /** For `all` subscriptions: the org table and the ratio frontier. */
  orgDigest(report: OrgReport, title?: string): MessagePayload;
  /** The rounds that closed in a weekly or monthly period, for one team or the whole org. */
  periodDigest(input: {
    scopeName: string;
    cadence: 'weekly' | 'monthly';
    periodStart: string;
    periodEnd: string;
    reports: TeamReport[];
  }): MessagePayload;
  /** A DM to a subscription's creator: Slack refused a digest in the channel, and the fix. */
  channelProblem(input: { channelId: string; error: string; scopeName: string | null }): MessagePayload;
  /** Posted in a channel the app was just added to: which digests will arrive there. */
  channelReady(input: {
    channelId: string;
    scopes: Array<{ scopeName: string | null; cadence: string }>;
    homeOf: string[];
  }): MessagePayload;
}
