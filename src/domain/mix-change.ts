// What the last change did (SPEC section 4, "Mix change"; issue 13, 1b): when a team's ratio or
// tail mix changed between rounds, its median productive share over up to three shown rounds
// before the change against up to three after, so a leader sees whether the last hire moved
// anything. It states what changed and what followed; it does not guess at a cause.
import { median, round1 } from './aggregate.js';
import type { RoundFigures, TailMix } from './types.js';

/** Rounds compared on each side of a change, at most. */
export const CHANGE_WINDOW = 3;

export interface Shape {
  tooth: number;
  tail: number;
  tailMix: TailMix;
}

export interface ChangeSide {
  /** Shown rounds counted (0 to CHANGE_WINDOW). */
  rounds: number;
  /** Median of their median productive shares, rounded; null with no shown round. */
  medianProductivePct: number | null;
}

export interface ChangeEffect {
  /** When the first round with the new shape closed. */
  changedAt: string;
  from: Shape;
  to: Shape;
  before: ChangeSide;
  after: ChangeSide;
  /** after − before, when both exist. */
  delta: number | null;
}

export interface HistoryPoint {
  closedAt: string;
  figures: Pick<RoundFigures, 'tooth' | 'tail' | 'tailMix' | 'medianProductivePct'>;
}

const MIX_KEYS = ['ml', 'data', 'infra', 'app', 'unspecified'] as const;

export function sameShape(a: Shape, b: Shape): boolean {
  return (
    a.tooth === b.tooth && a.tail === b.tail && MIX_KEYS.every((key) => a.tailMix[key] === b.tailMix[key])
  );
}

const shapeOf = (p: HistoryPoint): Shape => ({
  tooth: p.figures.tooth,
  tail: p.figures.tail,
  tailMix: p.figures.tailMix,
});

function side(points: readonly HistoryPoint[]): ChangeSide {
  const shown = points
    .map((p) => p.figures.medianProductivePct)
    .filter((v): v is number => v !== null)
    .slice(0, CHANGE_WINDOW);
  const m = median(shown);
  return { rounds: shown.length, medianProductivePct: m === null ? null : round1(m) };
}

/**
 * The latest change of shape in `history` (oldest first) and what followed. "Before" is the up
 * to three shown rounds just before the change, no further back than the previous change; "after"
 * the up to three shown rounds from the change on. Figures withheld under today's k must
 * already be null. Null when the shape never changed.
 */
export function lastChange(history: readonly HistoryPoint[]): ChangeEffect | null {
  let at = -1;
  for (let i = history.length - 1; i >= 1; i--) {
    if (!sameShape(shapeOf(history[i] as HistoryPoint), shapeOf(history[i - 1] as HistoryPoint))) {
      at = i;
      break;
    }
  }
  if (at === -1) return null;
  const from = shapeOf(history[at - 1] as HistoryPoint);
  let start = at - 1;
  while (start > 0 && sameShape(shapeOf(history[start - 1] as HistoryPoint), from)) start -= 1;
  const before = side(history.slice(start, at).reverse());
  const after = side(history.slice(at));
  return {
    changedAt: (history[at] as HistoryPoint).closedAt,
    from,
    to: shapeOf(history[at] as HistoryPoint),
    before,
    after,
    delta:
      before.medianProductivePct === null || after.medianProductivePct === null
        ? null
        : round1(after.medianProductivePct - before.medianProductivePct),
  };
}

const utcDate = (iso: string): string => new Date(iso).toISOString().slice(0, 10);

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "+1 infra, −1 app": how the tail's mix moved. */
export function mixDelta(from: TailMix, to: TailMix): string {
  const parts = MIX_KEYS.flatMap((key) => {
    const d = to[key] - from[key];
    const name = key === 'unspecified' ? 'engineer (no specialty)' : key;
    return d === 0 ? [] : [`${d > 0 ? '+' : '−'}${Math.abs(d)} ${name}`];
  });
  return parts.join(', ');
}

/**
 * The change and what followed, in words (no mrkdwn). `dayOf` words the day of the change: the
 * UTC date by default; Slack views pass their date token, so each reader sees their own day.
 */
export function describeChange(c: ChangeEffect, dayOf: (iso: string) => string = utcDate): string {
  const ratio = (s: Shape) =>
    `${count(s.tail, 'engineer', 'engineers')} : ${count(s.tooth, 'data scientist', 'data scientists')}`;
  const moved = mixDelta(c.from.tailMix, c.to.tailMix);
  const what = `${ratio(c.from)} → ${ratio(c.to)}${moved ? ` (tail ${moved})` : ''}`;
  const sidePhrase = (s: ChangeSide, where: string) =>
    s.medianProductivePct === null
      ? `no shown round ${where}`
      : `${s.medianProductivePct}% over ${count(s.rounds, 'round', 'rounds')} ${where}`;
  const delta =
    c.delta === null ? '' : ` (${c.delta > 0 ? '+' : c.delta < 0 ? '−' : '±'}${Math.abs(c.delta)} points)`;
  return `Last change, ${dayOf(c.changedAt)}: ${what}. Median productive share ${sidePhrase(c.before, 'before')}, ${sidePhrase(c.after, 'since')}${delta}.`;
}
