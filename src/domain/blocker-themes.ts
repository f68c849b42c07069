// Blocker themes (SPEC section 5, issue 12 item 6): free-text blockers grouped by plain keyword
// rules, so that an org can see what slows people down without anyone's words leaving the app.
// Pure: the rules, the matching, and the k rule.

/**
 * The themes and their keywords, in the README's words. A keyword of four letters or more matches
 * any word that starts with it ("deploy" matches "deploys", "deployment"); a shorter one ("ci",
 * "k8s") matches only the whole word; a keyword with a space matches those words in a row. A
 * blocker may fall under several themes.
 */
export const BLOCKER_THEMES: ReadonlyArray<{ theme: string; keywords: readonly string[] }> = [
  {
    theme: 'Access and permissions',
    keywords: ['access', 'permission', 'credential', 'iam', 'grant', 'approval', 'vpn', 'secret', 'token'],
  },
  {
    theme: 'Deploys, CI and releases',
    keywords: ['deploy', 'release', 'ci', 'build', 'merge', 'rollout', 'staging'],
  },
  {
    theme: 'Data pipelines and data quality',
    keywords: [
      'pipeline',
      'airflow',
      'dag',
      'etl',
      'backfill',
      'schema',
      'dataset',
      'data quality',
      'label',
      'stale',
    ],
  },
  {
    theme: 'Rewrites and hand-offs',
    keywords: [
      'rewrite',
      'rewrote',
      'reimplement',
      'port',
      'pyspark',
      'hand-off',
      'handoff',
      'hand off',
      'translat',
      'productioni',
    ],
  },
  {
    theme: 'Infrastructure and environments',
    keywords: [
      'infra',
      'terraform',
      'kubernetes',
      'k8s',
      'cluster',
      'docker',
      'network',
      'cloud',
      'gpu',
      'environment',
      'dependenc',
      'provision',
    ],
  },
  {
    theme: 'Waiting on reviews and other teams',
    keywords: ['waiting', 'waited', 'review', 'blocked on', 'ticket', 'queue'],
  },
  {
    theme: 'Meetings, interruptions and support',
    keywords: ['meeting', 'interrupt', 'context switch', 'on-call', 'oncall', 'incident', 'support'],
  },
];

const words = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}-]+/u)
    .filter(Boolean);

function matches(textWords: readonly string[], keyword: string): boolean {
  const parts = keyword.split(' ');
  const last = parts.length - 1;
  const fits = (word: string | undefined, part: string, i: number): boolean =>
    word !== undefined &&
    // Only the last word of a phrase, and only a keyword of four letters or more, may be a prefix.
    (i === last && part.length >= 4 ? word.startsWith(part) : word === part);
  return textWords.some((_, start) => parts.every((part, i) => fits(textWords[start + i], part, i)));
}

/** The themes one blocker falls under, in BLOCKER_THEMES order. */
export function themesOf(text: string): string[] {
  const w = words(text);
  return BLOCKER_THEMES.filter(({ keywords }) => keywords.some((k) => matches(w, k))).map((t) => t.theme);
}

export interface Blocker {
  userId: string;
  text: string;
}

export interface BlockerTheme {
  theme: string;
  /** Different people whose blockers fall under it: a person counts once however often they wrote. */
  people: number;
}

/**
 * The themes at least `k` different people named, in random order (`shuffle`), with nothing but
 * the theme and its head count: no words, no names, no team, no role.
 */
export function blockerThemes(
  blockers: readonly Blocker[],
  k: number,
  shuffle: <T>(items: T[]) => T[],
): BlockerTheme[] {
  const people = new Map<string, Set<string>>();
  for (const blocker of blockers) {
    for (const theme of themesOf(blocker.text)) {
      const set = people.get(theme) ?? new Set<string>();
      set.add(blocker.userId);
      people.set(theme, set);
    }
  }
  return shuffle(
    [...people.entries()]
      .filter(([, who]) => who.size >= k)
      .map(([theme, who]) => ({ theme, people: who.size })),
  );
}
