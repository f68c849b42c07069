// What the chart renderers take and give back. Plain data: callers need no charting types.
import type { RoundFigures } from '../domain/types.js';

/** A rendered chart, ready to upload to Slack (files upload v2 takes the PNG and alt text). */
export interface ChartImage {
  png: Buffer;
  width: number;
  height: number;
  /** The chart's figures in words, at most 1000 characters; withheld figures read "withheld". */
  altText: string;
  filename: string;
  title: string;
}

/** One closed round of a team, as the trend chart plots it. */
export interface TrendPoint {
  roundId: number;
  /** ISO 8601 time the round closed. */
  closedAt: string;
  figures: RoundFigures;
}
