import { randomInt } from 'node:crypto';
import { type BlockerTheme, blockerThemes } from '../domain/blocker-themes.js';
import { digestPeriodEnd, digestPeriodStart } from '../domain/schedule.js';
import { type Db, immediateTransaction } from '../storage/database.js';
import type { OrgSettings, OrgSettingsRepository } from '../storage/org-settings.js';
import type { MessagePayload, NewDelivery, OutboxRepository } from '../storage/outbox.js';
import type { RoundRepository } from '../storage/rounds.js';
import type { SubscriptionRepository } from '../storage/subscriptions.js';
import type { Clock } from './ports.js';

/** Fisher–Yates with a cryptographic source, so the order of themes says nothing about anyone. */
export function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Words the weekly post in `all` channels, from themes only: no quote, name, team or role. */
export function blockerThemesMessage(input: {
  themes: BlockerTheme[];
  k: number;
  weekEnd: string;
}): MessagePayload {
  const lines = input.themes.map((t) => `• ${t.theme}: ${t.people} people`);
  const intro = `*Blocker themes this week*: what slowed people down, grouped by keyword across the whole org. A theme is listed only when at least ${input.k} people named it; nobody's words, name, team or role are shown, and the order is random.`;
  return {
    text: `Blocker themes this week: ${input.themes.map((t) => `${t.theme} (${t.people})`).join(', ')}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: intro } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
    ],
  };
}

/**
 * The weekly list of blocker themes (off until an admin turns it on): on the first tick after
 * each weekly boundary (Mondays 09:00 in DEFAULT_TIMEZONE), the blockers of rounds that closed in
 * the week before are grouped by the keyword rules, and each theme at least k different people
 * named is posted, unattributed and shuffled, to every `all` subscription. Only blockers written
 * or changed after the switch was turned on count: people wrote earlier ones under the promise
 * that blockers are never posted.
 */
export class BlockerThemeService {
  constructor(
    private readonly deps: {
      db: Db;
      settings: OrgSettingsRepository;
      rounds: RoundRepository;
      subscriptions: SubscriptionRepository;
      outbox: OutboxRepository;
      clock: Clock;
      defaultTimezone: string;
      anonymityThreshold: number;
      shuffle?: <T>(items: T[]) => T[];
      onQueued?: () => void;
    },
  ) {}

  settings(workspaceId: string): OrgSettings {
    return this.deps.settings.get(workspaceId);
  }

  turn(workspaceId: string, on: boolean, by: string): OrgSettings {
    const now = this.deps.clock();
    immediateTransaction(this.deps.db, () => {
      this.deps.settings.setBlockerThemes(workspaceId, on, by, now.toISOString());
      // A week that ended before the switch is never posted.
      if (on)
        this.deps.settings.markBlockerWeek(
          workspaceId,
          digestPeriodEnd('weekly', this.deps.defaultTimezone, now).toISOString(),
        );
    });
    return this.settings(workspaceId);
  }

  /** Queues the last finished week's themes for every workspace that turned them on. */
  queueDue(): number {
    const now = this.deps.clock();
    const weekEnd = digestPeriodEnd('weekly', this.deps.defaultTimezone, now);
    const weekStart = digestPeriodStart('weekly', this.deps.defaultTimezone, weekEnd);
    let queued = 0;
    for (const org of this.deps.settings.withBlockerThemes()) {
      queued += immediateTransaction(this.deps.db, () => {
        if (!this.deps.settings.markBlockerWeek(org.workspaceId, weekEnd.toISOString())) return 0;
        const blockers = this.deps.rounds.blockersClosedBetween(
          org.workspaceId,
          weekStart.toISOString(),
          weekEnd.toISOString(),
          org.changedAt ?? weekEnd.toISOString(),
        );
        const k = this.deps.anonymityThreshold;
        const themes = blockerThemes(blockers, k, this.deps.shuffle ?? shuffle);
        if (themes.length === 0) return 0;
        const payload = blockerThemesMessage({ themes, k, weekEnd: weekEnd.toISOString() });
        const rows: NewDelivery[] = this.deps.subscriptions
          .list(org.workspaceId)
          .filter((sub) => sub.teamId === null)
          .map((sub) => ({
            workspaceId: org.workspaceId,
            kind: 'digest',
            dedupeKey: `blockers:${sub.id}:${weekEnd.toISOString()}`,
            channel: sub.channelId,
            payload,
            notBefore: now.toISOString(),
          }));
        return this.deps.outbox.enqueue(rows, now.toISOString());
      });
    }
    if (queued > 0) this.deps.onQueued?.();
    return queued;
  }
}
