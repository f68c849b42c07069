import { adviceLines } from '../../domain/advice.js';
import { deepFreeze } from '../../domain/deep-freeze.js';
import { describeChange, mixDelta, sameShape } from '../../domain/mix-change.js';
import { describeSignal, recommendationFor } from '../../domain/recommend.js';
import type { RoundFigures } from '../../domain/types.js';
import type { TeamReport } from '../../services/report-types.js';
import type { MessagePayload } from '../../storage/outbox.js';
import {
  capacityText,
  escapeText,
  headcountText,
  mixText,
  pct,
  rate,
  ratioText,
  slackDay,
  utcDay,
  VERDICT_LABEL,
  WITHHELD,
  withTrend,
} from './format.js';

const field = (label: string, value: string) => ({ type: 'mrkdwn', text: `*${label}*\n${value}` });

/** "Capacity lost: about 2.4 data scientists' worth of time went to waiting…", when shown. */
function capacityLine(report: TeamReport): string[] {
  const f = report.summary.figures;
  const text = capacityText(f.waitingFte, f.infraFte);
  if (text === null) return [];
  return [
    `:hourglass: *Capacity lost*: ${text} (mean waiting ${pct(f.meanWaitingPct)} and infra ${pct(f.meanInfraPct)} of ${f.tooth} data scientists’ time).`,
  ];
}

/**
 * What the last change of ratio or tail mix did (issue 13, 1b); without that history, at least
 * that the tail changed since the previous round, with what changed and no guess at a cause.
 */
function changeLine(report: TeamReport): string[] {
  if (report.change) return [`:arrows_counterclockwise: ${describeChange(report.change, slackDay)}`];
  const f = report.summary.figures;
  const p = report.previous?.figures;
  if (p === undefined || sameShape(p, f)) return [];
  const moved = mixDelta(p.tailMix, f.tailMix);
  return [
    `:arrows_counterclockwise: Changed since the previous round: ${headcountText(p)} → ${headcountText(f)}${moved ? ` (tail ${moved})` : ''}.`,
  ];
}

/**
 * A team's latest closed round as Block Kit: ratio, verdict with its signals and recommendation,
 * productive share, trends and response rate. Only team-level figures, only where k was met.
 */
export function teamDigestBlocks(report: TeamReport): unknown[] {
  const f = report.summary.figures;
  const p = report.previous?.figures;
  const team = escapeText(report.teamName);
  const withheld = (n: number) => (n < f.k ? ` (fewer than ${f.k} answered, so withheld)` : '');
  const signals = f.signals.map((s) => `• ${describeSignal(s, f)}`).join('\n');
  const lines = [
    `*${VERDICT_LABEL[f.failureMode]}*${signals ? `\n${signals}` : ''}`,
    `_${report.advice?.rule ?? recommendationFor(f)}_`,
    ...(report.advice ? adviceLines(report.advice).map((line) => `:bulb: ${line}`) : []),
    ...capacityLine(report),
    ...changeLine(report),
  ];
  return [
    {
      type: 'header',
      text: { type: 'plain_text', text: `${report.teamName.slice(0, 120)}: tooth-to-tail check-in` },
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: lines.join('\n'),
      },
    },
    {
      type: 'section',
      fields: [
        field('Engineers : data scientists', ratioText(f)),
        field('Tail mix', mixText(f.tailMix)),
        field('Productive share (median)', withTrend(f.medianProductivePct, p?.medianProductivePct)),
        field('Waiting on engineers (median)', withTrend(f.medianWaitingPct, p?.medianWaitingPct)),
        field('Doing infra themselves (median)', withTrend(f.medianInfraPct, p?.medianInfraPct)),
        field('Engineers’ handmaid load (mean)', withTrend(f.meanHandmaidLoad, p?.meanHandmaidLoad)),
        field(
          'Responses',
          `Data scientists ${rate(f.toothResponses, f.tooth)}${withheld(f.toothResponses)}\nEngineers ${rate(f.tailResponses, f.tail)}${withheld(f.tailResponses)}`,
        ),
      ],
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${team} · round ${report.roundNumber ?? report.summary.roundId} · ${slackDay(report.summary.openedAt)} to ${slackDay(report.summary.closedAt)} · figures are shown only when at least ${f.k} people in a group answered (${WITHHELD} = withheld); arrows compare with the previous round.`,
        },
      ],
    },
  ];
}

/**
 * The message's top-level `text`: what notifications show and what screen readers read instead of
 * the blocks, so it carries the verdict, the signals behind it and the recommendation, not just a
 * title. The team name is escaped here as in the blocks.
 */
export function teamDigestText(report: TeamReport): string {
  const f = report.summary.figures;
  const verdict = VERDICT_LABEL[f.failureMode].replace(/^:[a-z_]+: /, '');
  const signals =
    f.signals.length > 0 ? ` Signals: ${f.signals.map((s) => describeSignal(s, f)).join('; ')}.` : '';
  return `${escapeText(report.teamName)}: ${verdict}.${signals} ${report.advice?.rule ?? recommendationFor(f)} ${headcountText(f)}, productive share ${pct(f.medianProductivePct)}.`;
}

/**
 * A team's digest, rendered once per closed round as long as what it shows is the same: closed
 * rounds never change, and `summary` shows the same ones over and over. A hit needs the same
 * round (id and dates), previous round and team name, and the very same figures objects (the summaries store
 * shares one frozen object per stored summary; a different k withholds into a new one), so a
 * rename, a change of k or a newer round renders afresh. The payload is frozen: it is shared.
 */
export function teamDigest(report: TeamReport): MessagePayload {
  const { roundId, openedAt, closedAt } = report.summary;
  const key = `${roundId}:${openedAt}:${closedAt}:${report.previous?.roundId ?? ''}:${report.teamName}`;
  const figures = report.summary.figures;
  const previous = report.previous?.figures ?? null;
  // The evidence and the last change come from other rounds and other teams, which move on
  // while this round stays the same, so they are part of what a hit must match.
  const extra = JSON.stringify([report.change ?? null, report.advice ?? null]);
  const hit = renderedDigests.get(key);
  if (hit && hit.figures === figures && hit.previous === previous && hit.extra === extra) return hit.payload;
  const payload = deepFreeze({ text: teamDigestText(report), blocks: teamDigestBlocks(report) });
  if (renderedDigests.size >= MAX_RENDERED_DIGESTS) renderedDigests.clear();
  renderedDigests.set(key, { figures, previous, extra, payload });
  return payload;
}

const renderedDigests = new Map<
  string,
  { figures: RoundFigures; previous: RoundFigures | null; extra: string; payload: MessagePayload }
>();
const MAX_RENDERED_DIGESTS = 2_000;

/** Slack allows 50 blocks per message: a team digest is four, so ten teams and a footer fit. */
const MAX_TEAMS_PER_DIGEST = 10;

export function periodDigest(input: {
  scopeName: string;
  cadence: 'weekly' | 'monthly';
  periodStart: string;
  periodEnd: string;
  reports: TeamReport[];
}): MessagePayload {
  const title = `${input.cadence === 'weekly' ? 'Weekly' : 'Monthly'} tooth-tail digest: ${input.scopeName}`;
  const shown = input.reports.slice(0, MAX_TEAMS_PER_DIGEST);
  const rest = input.reports.length - shown.length;
  return {
    text: `${escapeText(title)} (${utcDay(input.periodStart)} to ${utcDay(input.periodEnd)} UTC): ${input.reports.length} round${input.reports.length === 1 ? '' : 's'} closed. ${shown.map(teamDigestText).join(' ')}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Rounds closed ${slackDay(input.periodStart)} to ${slackDay(input.periodEnd)}.`,
          },
        ],
      },
      ...shown.flatMap((report) => teamDigestBlocks(report).slice(1)),
      ...(rest > 0
        ? [
            {
              type: 'context',
              elements: [{ type: 'mrkdwn', text: `…and ${rest} more rounds: see \`/tooth-tail ratio\`.` }],
            },
          ]
        : []),
    ],
  };
}
