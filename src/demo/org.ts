// The demo's seeded organisation: six teams in different health, about fifty people.
import type { SandboxChannel, SandboxUser } from '../sandbox/sandbox.js';

export type Health = 'handmaid' | 'full-stack' | 'healthy' | 'below-k';

export interface DemoTeam {
  name: string;
  health: Health;
  /** The verdict the digests should reach, so the demo doubles as a smoke test. */
  expected: string;
  channel: SandboxChannel | null;
  dataScientists: SandboxUser[];
  engineers: Array<{ user: SandboxUser; specialty: 'ml' | 'data' | 'infra' | 'app' }>;
  /**
   * An engineer who joins halfway through the demo: the team's ratio moves up a band, its
   * data scientists' answers follow `healthAfter`, and the digests say what the change did.
   */
  joinsHalfway?: { user: SandboxUser; specialty: 'ml' | 'data' | 'infra' | 'app'; healthAfter: Health };
}

const ZONES = [
  'Europe/London',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Kolkata',
  'Australia/Sydney',
];

let next = 0;
const person = (name: string): SandboxUser => {
  next += 1;
  return { id: `U0DEMO${String(next).padStart(3, '0')}`, name, tz: ZONES[next % ZONES.length] as string };
};
const people = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => person(`${prefix}${i + 1}`));

export const ADMIN: SandboxUser = {
  id: 'U0DEMOADM',
  name: 'head-of-data',
  tz: 'Europe/London',
  isAdmin: true,
};
export const LEADS: SandboxChannel = { id: 'C0MLLEADS', name: 'ml-leads' };
/** Private, as a leadership channel usually is: the app cannot join it, so the head of data invites it. */
export const LEADERSHIP: SandboxChannel = { id: 'C0DATALDR', name: 'data-leadership', isPrivate: true };
export const FRAUD_CHANNEL: SandboxChannel = { id: 'C0FRAUDML', name: 'fraud-ml' };

export const TEAMS: DemoTeam[] = [
  {
    name: 'Fraud ML',
    health: 'handmaid',
    expected: 'Handmaid',
    channel: FRAUD_CHANNEL,
    dataScientists: people('fraud-ds', 8),
    engineers: people('fraud-eng', 3).map((user) => ({ user, specialty: 'ml' as const })),
  },
  {
    // 2 engineers : 6 data scientists (0.33), until an infra engineer joins halfway (0.5).
    name: 'Search Ranking',
    health: 'full-stack',
    expected: 'Healthy',
    channel: null,
    dataScientists: people('search-ds', 6),
    engineers: [
      { user: person('search-eng1'), specialty: 'app' as const },
      { user: person('search-eng2'), specialty: 'data' as const },
    ],
    joinsHalfway: { user: person('search-eng-infra'), specialty: 'infra', healthAfter: 'healthy' },
  },
  {
    name: 'Recommendations',
    health: 'healthy',
    expected: 'Healthy',
    channel: null,
    dataScientists: people('recs-ds', 6),
    engineers: (['ml', 'data', 'infra', 'app'] as const).map((specialty, i) => ({
      user: person(`recs-eng${i + 1}`),
      specialty,
    })),
  },
  {
    name: 'Pricing',
    health: 'healthy',
    expected: 'Healthy',
    channel: null,
    dataScientists: people('pricing-ds', 5),
    engineers: (['ml', 'data', 'infra'] as const).map((specialty, i) => ({
      user: person(`pricing-eng${i + 1}`),
      specialty,
    })),
  },
  {
    // 2 engineers : 5 data scientists (0.4) and no infra engineer: full-stack throughout, so
    // the digests recommend a headcount from the org's own frontier.
    name: 'Marketing Science',
    health: 'full-stack',
    expected: 'Full-stack',
    channel: null,
    dataScientists: people('marketing-ds', 5),
    engineers: [
      { user: person('marketing-eng1'), specialty: 'app' as const },
      { user: person('marketing-eng2'), specialty: 'ml' as const },
    ],
  },
  {
    name: 'Forecasting',
    health: 'below-k',
    expected: 'Not enough answers',
    channel: null,
    dataScientists: people('forecast-ds', 3),
    engineers: people('forecast-eng', 1).map((user) => ({ user, specialty: 'data' as const })),
  },
];

export const ALL_USERS: SandboxUser[] = [
  ADMIN,
  ...TEAMS.flatMap((t) => [
    ...t.dataScientists,
    ...t.engineers.map((e) => e.user),
    ...(t.joinsHalfway ? [t.joinsHalfway.user] : []),
  ]),
];

/** A small seeded PRNG (mulberry32), so every demo run tells the same story. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, values: readonly T[]): T =>
  values[Math.floor(rand() * values.length)] as T;

/** Modal answers (block_id → option value) that a member of a team in this health would give. */
export function answersFor(
  health: Health,
  role: 'data-scientist' | 'engineer',
  rand: () => number,
): Record<string, string> {
  if (role === 'engineer') {
    const profile = {
      handmaid: { rewrite: [30, 50], support: [20, 30], platform: [0, 5] },
      'full-stack': { rewrite: [0, 5], support: [30, 50], platform: [10, 20] },
      healthy: { rewrite: [0, 5, 10], support: [5, 10], platform: [50, 70] },
      'below-k': { rewrite: [10, 20], support: [10, 20], platform: [20, 30] },
    }[health];
    return {
      rewrite_pct: String(pick(rand, profile.rewrite)),
      support_pct: String(pick(rand, profile.support)),
      platform_pct: String(pick(rand, profile.platform)),
    };
  }
  const profile = {
    handmaid: {
      waiting: [20, 30, 50],
      infra: [0, 5, 10],
      path: ['rewrite', 'rewrite', 'paired', 'not-shipped'],
    },
    'full-stack': {
      waiting: [0, 5, 10],
      infra: [30, 50, 70],
      path: ['diy-infra', 'diy-infra', 'self-serve'],
    },
    healthy: { waiting: [0, 5, 10], infra: [5, 10], path: ['self-serve', 'self-serve', 'paired', 'n/a'] },
    'below-k': { waiting: [10, 20], infra: [10, 20], path: ['paired', 'self-serve'] },
  }[health];
  return {
    waiting_pct: String(pick(rand, profile.waiting)),
    infra_pct: String(pick(rand, profile.infra)),
    path_to_prod: pick(rand, profile.path),
  };
}
