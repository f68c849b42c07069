// The `/tooth-tail` grammar (SPEC section 6): text in, a Command or a usage error out.
//
// Reading rules:
// - Words are split on any whitespace (tabs, newlines, non-breaking and other Unicode spaces).
// - A quote at the start of a word ("…", '…', “…”, ‘…’) opens a quoted string that ends at the
//   next quote of the same kind followed by whitespace or the end, so apostrophes inside words
//   (O'Brien's) stay literal. A quote that is never closed is a usage error. Quoted strings
//   are never keywords or mentions: `join "as" as engineer` joins the team "as".
// - `<…>` markup from Slack (escaped mentions) is one word even if it holds spaces, and the
//   `&amp;`, `&lt;`, `&gt;` escapes Slack applies to typed text are undone in names.
// - Keywords are case-insensitive; team names keep their case, with runs of spaces collapsed.
//
// Every message and usage string is Slack mrkdwn, already escaped: send it as it is.
import type {
  CadenceSlip,
  ChannelRef,
  Command,
  ParseResult,
  RoleSpec,
  Scope,
  UsageError,
  UserRef,
} from './command.js';
import { parseUsergroupMention } from './roster-sync.js';
import { CADENCES, type Cadence, SPECIALTIES, type Specialty } from './types.js';

/** Longer input is refused before any work is done on it. */
export const MAX_INPUT_LENGTH = 4000;
export const MAX_TEAM_NAME_LENGTH = 80;
export const MAX_OPEN_DAYS = 28;

const ROLE_LIST = 'data-scientist, engineer, engineer:ml, engineer:data, engineer:infra, engineer:app';
const USER_ID = /^[UW][A-Z0-9]+$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]+$/;
const CHANNEL_NAME = /^[\p{L}\p{N}\p{M}_.-]{1,80}$/u;
const TIME_ZONE_SHAPE = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;
const UNSAFE_CHARS = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;
const SPACE = /[\s\u200b]/u;

function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Usage lines, keyed by subcommand ('team add', 'survey now', …). */
export const USAGE: Record<string, string> = Object.fromEntries(
  Object.entries({
    help: '/tooth-tail help',
    summary: '/tooth-tail summary [team] [post]',
    ratio: '/tooth-tail ratio',
    'ratio access': '/tooth-tail ratio access <everyone|leads>',
    teams: '/tooth-tail teams',
    'team add': '/tooth-tail team add <name> [#channel] [tz <IANA zone>]',
    'team remove': '/tooth-tail team remove <name>',
    'roster add': '/tooth-tail roster add <team> <@person …> as <role>',
    'roster remove': '/tooth-tail roster remove <team> <@person …>',
    'roster sync': '/tooth-tail roster sync <team> <@usergroup> as <role>',
    'roster unsync': '/tooth-tail roster unsync <team> <@usergroup>',
    blockers: '/tooth-tail blockers [on|off]',
    'lead add': '/tooth-tail lead add <team> <@person …>',
    'lead remove': '/tooth-tail lead remove <team> <@person …>',
    join: '/tooth-tail join <team> as <role>',
    leave: '/tooth-tail leave <team>',
    schedule: '/tooth-tail schedule <team> <minute hour day month weekday> [tz <IANA zone>] [open <days>d]',
    'survey now': '/tooth-tail survey now <team>',
    'survey close': '/tooth-tail survey close <team>',
    subscribe: '/tooth-tail subscribe [#channel] [team|all] [weekly|monthly|each-round]',
    unsubscribe: '/tooth-tail unsubscribe [#channel] [team|all]',
    subscriptions: '/tooth-tail subscriptions',
    export: '/tooth-tail export [team]',
    'forget-me': '/tooth-tail forget-me',
  }).map(([key, line]) => [key, `\`${escapeMrkdwn(line)}\``]),
);

/** A usage line by key; own keys only, so input like "constructor" finds nothing. */
function usageLine(key: string): string | undefined {
  return Object.hasOwn(USAGE, key) ? USAGE[key] : undefined;
}

function usageOf(key: string): string {
  return usageLine(key) ?? helpText();
}

const HELP_SECTIONS: Array<[string, Array<[string, string]>]> = [
  [
    'Everyone',
    [
      ['summary', 'latest closed round of a team, or of each team you are on or lead; `post` shares it here'],
      ['ratio', 'the org table: ratio, verdict, productive share, trend, and the ratio frontier'],
      ['teams', 'teams, their leads and headcount by role'],
      ['join', 'ask to join a team; its leads (or an admin) approve'],
      ['leave', 'take yourself off a team'],
      ['subscriptions', "this workspace's digests"],
      ['export', 'round summaries as a CSV in your DM'],
      ['forget-me', 'delete your own answers'],
    ],
  ],
  [
    "A team's leads, and admins",
    [
      ['roster add', 'add people to a team'],
      ['roster remove', 'take people off a team'],
      ['roster sync', 'keep a team’s roster equal to a Slack user group'],
      ['roster unsync', 'stop following a user group (the roster stays as it is)'],
      [
        'schedule',
        'when check-ins open (five cron fields, in the team’s zone); a team name with spaces needs quotes',
      ],
      ['survey now', 'open a round now'],
      ['survey close', 'close the open round now'],
      ['subscribe', 'digests for a team in a channel (default: this channel); `all`: admins only'],
      ['unsubscribe', 'stop those digests'],
    ],
  ],
  [
    'Admins',
    [
      ['team add', 'create a team'],
      ['team remove', 'remove a team (its history is kept)'],
      ['lead add', 'make people leads of a team'],
      ['lead remove', 'stop people leading a team'],
      ['ratio access', 'who may read `ratio`'],
      ['blockers', 'weekly blocker themes in `all` channels (off until turned on)'],
    ],
  ],
];

let help: string | undefined;

/**
 * The full command reference, Slack mrkdwn (well under Slack's 3,000-character block limit); the
 * same every time, so it is composed once.
 */
export function helpText(): string {
  help ??= composeHelp();
  return help;
}

function composeHelp(): string {
  const sections = HELP_SECTIONS.map(
    ([title, lines]) =>
      `*${title}*\n${lines.map(([key, what]) => `• ${USAGE[key] ?? ''}: ${what}`).join('\n')}`,
  );
  return [
    '*tooth-tail* shows how many engineers support each data scientist, and which failure mode a team is sliding into.',
    ...sections,
    `Roles: \`data-scientist\` (or \`ds\`), \`engineer\`, \`engineer:ml|data|infra|app\`.`,
    `Names with spaces can be quoted: ${escapeMrkdwn('`/tooth-tail schedule "Fraud ML" 0 10 * * MON tz Europe/London open 3d`')}`,
  ].join('\n\n');
}

/** Raised inside the parser to abandon the input; parseCommand turns it into a UsageError. */
class CommandSyntaxError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

function fail(message: string, usageKey: string): never {
  throw new CommandSyntaxError(message, usageOf(usageKey));
}

/** User input echoed in a message: shortened, control characters dropped, escaped, in quotes. */
function show(text: string): string {
  const clean = Array.from(text.replace(new RegExp(UNSAFE_CHARS.source, 'gu'), ''));
  const short = clean.length > 60 ? `${clean.slice(0, 60).join('')}…` : clean.join('');
  return `“${escapeMrkdwn(short)}”`;
}

// --- Words ---------------------------------------------------------------------------------

interface Word {
  /** As typed; mentions are read from this. */
  raw: string;
  /** Slack's HTML escapes undone, whitespace collapsed. */
  text: string;
  quoted: boolean;
}

const QUOTE_KIND: Record<string, 'double' | 'single'> = {
  '"': 'double',
  '“': 'double',
  '”': 'double',
  '„': 'double',
  "'": 'single',
  '‘': 'single',
  '’': 'single',
};

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

function unescapeSlack(text: string): string {
  return text.replace(/&(?:amp|lt|gt);/g, (entity) => ENTITIES[entity] ?? entity);
}

function collapse(text: string): string {
  return text.split(SPACE).filter(Boolean).join(' ');
}

function isSpace(ch: string | undefined): boolean {
  return ch === undefined || SPACE.test(ch);
}

function closingQuote(input: string, open: number): number {
  const kind = QUOTE_KIND[input[open] as string];
  for (let i = open + 1; i < input.length; i++) {
    if (QUOTE_KIND[input[i] as string] === kind && isSpace(input[i + 1])) return i;
  }
  return -1;
}

/** Splits input into words; returns the unclosed quote's offset when a quote never closes. */
function tokenise(input: string): Word[] | { unclosedAt: number } {
  const words: Word[] = [];
  let noMoreClosingBracket = false;
  let i = 0;
  while (i < input.length) {
    if (isSpace(input[i])) {
      i++;
      continue;
    }
    if (QUOTE_KIND[input[i] as string] !== undefined) {
      const close = closingQuote(input, i);
      if (close === -1) return { unclosedAt: i };
      const raw = input.slice(i + 1, close);
      words.push({ raw, text: collapse(unescapeSlack(raw)), quoted: true });
      i = close + 1;
      continue;
    }
    let raw = '';
    while (i < input.length && !isSpace(input[i])) {
      const next = input[i + 1];
      if (input[i] === '<' && !noMoreClosingBracket && (next === '@' || next === '#' || next === '!')) {
        const close = input.indexOf('>', i);
        if (close === -1) noMoreClosingBracket = true;
        else {
          raw += input.slice(i, close + 1);
          i = close + 1;
          continue;
        }
      }
      raw += input[i];
      i++;
    }
    words.push({ raw, text: collapse(unescapeSlack(raw)), quoted: false });
  }
  return words;
}

/** The keyword a word spells, lower-cased; quoted words are never keywords. */
function keyword(word: Word | undefined): string | null {
  return word === undefined || word.quoted ? null : word.text.toLowerCase();
}

function isKeyword(word: Word | undefined, ...keywords: string[]): boolean {
  const k = keyword(word);
  return k !== null && keywords.includes(k);
}

function isMentionLike(word: Word): boolean {
  return !word.quoted && /^[<@#]/.test(word.raw);
}

function isUserLike(word: Word): boolean {
  return !word.quoted && (word.raw.startsWith('<@') || word.raw.startsWith('@'));
}

function isChannelLike(word: Word): boolean {
  return !word.quoted && (word.raw.startsWith('<#') || word.raw.startsWith('#'));
}

// --- Values --------------------------------------------------------------------------------

function teamName(words: readonly Word[], usageKey: string): string {
  const stray = words.find(isMentionLike);
  if (stray) fail(`Unexpected ${show(stray.raw)}: a team name cannot be a mention.`, usageKey);
  const name = collapse(words.map((w) => w.text).join(' '));
  if (name.length === 0) fail(`\`${usageKey}\` needs a team name.`, usageKey);
  if (UNSAFE_CHARS.test(name)) fail('A team name cannot contain control characters.', usageKey);
  if (Array.from(name).length > MAX_TEAM_NAME_LENGTH) {
    fail(`A team name is at most ${MAX_TEAM_NAME_LENGTH} characters; ${show(name)} is longer.`, usageKey);
  }
  return name;
}

function optionalTeam(words: readonly Word[], usageKey: string): string | null {
  return words.length === 0 ? null : teamName(words, usageKey);
}

const MENTION = /^<([@#])([^|>]*)(?:\|([^>]*))?>$/;

function userRef(word: Word, usageKey: string): UserRef {
  const raw = word.raw;
  if (raw.startsWith('<#')) fail(`${show(raw)} is a channel, not a person.`, usageKey);
  const escaped = MENTION.exec(raw);
  if (escaped && escaped[1] === '@' && USER_ID.test(escaped[2] ?? '')) {
    const name = unescapeSlack(escaped[3] ?? '');
    return name ? { id: escaped[2] as string, name } : { id: escaped[2] as string };
  }
  const plain = /^@([^<>@#]{1,80})$/u.exec(raw);
  if (!raw.startsWith('<') && plain && !UNSAFE_CHARS.test(plain[1] as string)) {
    return { name: unescapeSlack(plain[1] as string) };
  }
  fail(`${show(raw)} is not a valid @mention of a person.`, usageKey);
}

function channelRef(word: Word, usageKey: string): ChannelRef {
  const raw = word.raw;
  const escaped = MENTION.exec(raw);
  if (escaped && escaped[1] === '#' && CHANNEL_ID.test(escaped[2] ?? '')) {
    const name = unescapeSlack(escaped[3] ?? '');
    return name ? { id: escaped[2] as string, name } : { id: escaped[2] as string };
  }
  const plain = raw.startsWith('#') ? raw.slice(1) : null;
  if (plain !== null && CHANNEL_NAME.test(plain)) return { name: plain.toLowerCase() };
  fail(`${show(raw)} is not a valid #channel.`, usageKey);
}

function roleSpec(words: readonly Word[], usageKey: string): RoleSpec {
  if (words.length === 0) fail(`\`${usageKey}\` needs a role after \`as\`. Roles: ${ROLE_LIST}.`, usageKey);
  const typed = words.map((w) => w.text).join(' ');
  const value = words.length === 1 ? keyword(words[0]) : null;
  if (value === 'data-scientist' || value === 'ds') return { role: 'data-scientist', specialty: null };
  if (value === 'engineer') return { role: 'engineer', specialty: null };
  const specialty = value?.startsWith('engineer:') ? value.slice('engineer:'.length) : null;
  if (specialty !== null && (SPECIALTIES as readonly string[]).includes(specialty)) {
    return { role: 'engineer', specialty: specialty as Specialty };
  }
  fail(`${show(typed)} is not a role. Roles: ${ROLE_LIST}.`, usageKey);
}

/**
 * A zone the runtime's Intl knows. A zone differing only in letter case is given its proper
 * spelling ("europe/london" → "Europe/London"); other aliases are kept as typed.
 */
function timeZone(word: Word | undefined, usageKey: string): string {
  if (word === undefined) fail('`tz` needs an IANA time zone, like `tz Europe/London`.', usageKey);
  const zone = word.text;
  const canonical = TIME_ZONE_SHAPE.test(zone) ? resolvedZone(zone) : null;
  if (canonical === null) {
    fail(`${show(zone)} is not an IANA time zone (e.g. Europe/London, America/New_York, UTC).`, usageKey);
  }
  return canonical.toLowerCase() === zone.toLowerCase() ? canonical : zone;
}

function resolvedZone(zone: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    // Intl throws RangeError for a zone it does not know; that is the answer, not a failure.
    return null;
  }
}

function openDays(word: Word | undefined, usageKey: string): number {
  if (word === undefined) fail('`open` needs a number of days, like `open 3d`.', usageKey);
  const match = /^(\d{1,4})d$/i.exec(word.text);
  const days = match ? Number(match[1]) : Number.NaN;
  if (!(days >= 1 && days <= MAX_OPEN_DAYS)) {
    fail(
      `\`open\` takes a number of days from 1 to ${MAX_OPEN_DAYS}, like \`open 3d\`; got ${show(word.text)}.`,
      usageKey,
    );
  }
  return days;
}

function noArguments(words: readonly Word[], usageKey: string): void {
  const first = words[0];
  if (first) fail(`\`${usageKey}\` takes no arguments; remove ${show(first.raw)}.`, usageKey);
}

function unexpected(word: Word, usageKey: string): never {
  fail(`Unexpected ${show(word.raw)} in \`${usageKey}\`.`, usageKey);
}

// --- Commands ------------------------------------------------------------------------------

function summary(args: readonly Word[]): Command {
  const post = isKeyword(args.at(-1), 'post');
  return { kind: 'summary', team: optionalTeam(post ? args.slice(0, -1) : args, 'summary'), post };
}

function teamAdd(args: readonly Word[]): Command {
  const key = 'team add';
  let end = args.findIndex((w) => isKeyword(w, 'tz') || isMentionLike(w));
  if (end === -1) end = args.length;
  const team = teamName(args.slice(0, end), key);
  if (team.toLowerCase() === 'all')
    fail('“all” means the whole organisation; choose another team name.', key);
  let channel: ChannelRef | null = null;
  let timezone: string | null = null;
  for (let i = end; i < args.length; i++) {
    const word = args[i] as Word;
    if (isKeyword(word, 'tz')) {
      if (timezone !== null) fail('`tz` is given twice.', key);
      timezone = timeZone(args[++i], key);
    } else if (isChannelLike(word)) {
      if (channel !== null) fail('`team add` takes one #channel.', key);
      channel = channelRef(word, key);
    } else unexpected(word, key);
  }
  return { kind: 'team-add', team, channel, timezone };
}

/** `<team> <@person …>`, stopping at `as` when `withRole`; returns where it stopped. */
function teamAndPeople(
  args: readonly Word[],
  key: string,
  withRole: boolean,
): { team: string; users: UserRef[]; end: number } {
  const first = args.findIndex(isUserLike);
  if (first === -1) fail(`\`${key}\` needs at least one @person.`, key);
  if (first === 0) fail(`\`${key}\` needs a team name before the people.`, key);
  const team = teamName(args.slice(0, first), key);
  const users: UserRef[] = [];
  let i = first;
  for (; i < args.length && !(withRole && isKeyword(args[i], 'as')); i++) {
    const word = args[i] as Word;
    // "@ana, @bo" reads naturally; the commas carry nothing.
    const raw = word.quoted ? word.raw : word.raw.replace(/,+$/, '');
    if (raw === '') continue;
    if (word.quoted || !/^[<@#]/.test(raw)) fail(`${show(word.raw)} is not an @mention of a person.`, key);
    const ref = userRef({ ...word, raw }, key);
    if (!users.some((u) => (ref.id ? u.id === ref.id : u.id === undefined && u.name === ref.name))) {
      users.push(ref);
    }
  }
  return { team, users, end: i };
}

/** `<team> <@person …>` and, for `roster add`, `as <role>`. */
function roster(args: readonly Word[], action: 'add' | 'remove'): Command {
  const key = `roster ${action}`;
  const { team, users, end } = teamAndPeople(args, key, action === 'add');
  if (action === 'remove') return { kind: 'roster-remove', team, users };
  if (end >= args.length)
    fail(`\`${key}\` needs \`as &lt;role&gt;\` after the people. Roles: ${ROLE_LIST}.`, key);
  return { kind: 'roster-add', team, users, role: roleSpec(args.slice(end + 1), key) };
}

/** `lead add|remove <team> <@person …>`: leads are not on the roster, so there is no role. */
function lead(args: readonly Word[], action: 'add' | 'remove'): Command {
  const { team, users } = teamAndPeople(args, `lead ${action}`, false);
  return { kind: action === 'add' ? 'lead-add' : 'lead-remove', team, users };
}

function ratioAccess(args: readonly Word[]): Command {
  const key = 'ratio access';
  const value = args.length === 1 ? keyword(args[0]) : null;
  if (value === 'everyone' || value === 'leads') return { kind: 'ratio-access', visibility: value };
  fail('`ratio access` takes `everyone` or `leads`.', key);
}

/** `<team> <@usergroup>` and, for `roster sync`, `as <role>`. */
function rosterSync(args: readonly Word[], action: 'sync' | 'unsync'): Command {
  const key = `roster ${action}`;
  const at = args.findIndex(isMentionLike);
  if (at === -1) fail(`\`${key}\` needs a Slack user group, like \`@fraud-ml\`.`, key);
  if (at === 0) fail(`\`${key}\` needs a team name before the user group.`, key);
  const team = teamName(args.slice(0, at), key);
  const word = args[at] as Word;
  if (word.raw.startsWith('<@')) fail(`${show(word.raw)} is a person; \`${key}\` takes a user group.`, key);
  const group = parseUsergroupMention(word.raw);
  if (group === undefined) fail(`${show(word.raw)} is not a Slack user group.`, key);
  const rest = args.slice(at + 1);
  if (action === 'unsync') {
    if (rest[0]) unexpected(rest[0], key);
    return { kind: 'roster-unsync', team, group };
  }
  if (!isKeyword(rest[0], 'as'))
    fail(`\`${key}\` needs \`as &lt;role&gt;\` after the user group. Roles: ${ROLE_LIST}.`, key);
  return { kind: 'roster-sync', team, group, role: roleSpec(rest.slice(1), key) };
}

function blockers(args: readonly Word[]): Command {
  const [first, second] = args;
  if (second) unexpected(second, 'blockers');
  if (first === undefined) return { kind: 'blocker-themes', turn: null };
  if (isKeyword(first, 'on', 'off')) return { kind: 'blocker-themes', turn: keyword(first) as 'on' | 'off' };
  return unexpected(first, 'blockers');
}

function join(args: readonly Word[]): Command {
  let as = -1;
  args.forEach((w, i) => {
    if (isKeyword(w, 'as')) as = i;
  });
  if (as === -1) fail('`join` needs `as &lt;role&gt;`, like `join Fraud ML as data-scientist`.', 'join');
  return {
    kind: 'join',
    team: teamName(args.slice(0, as), 'join'),
    role: roleSpec(args.slice(as + 1), 'join'),
  };
}

const CRON_FIELDS = 'minute hour day-of-month month day-of-week';

function schedule(args: readonly Word[]): Command {
  const key = 'schedule';
  const teamWord = args[0];
  if (teamWord === undefined) fail('`schedule` needs a team name and a cron expression.', key);
  const team = teamName([teamWord], key);
  let i = 1;
  let fields: string[];
  const quotedCron = args[1]?.quoted === true;
  if (quotedCron) {
    fields = (args[1] as Word).text.split(' ').filter(Boolean);
    i = 2;
  } else {
    fields = [];
    for (; i < args.length && !isKeyword(args[i], 'tz', 'open'); i++) fields.push((args[i] as Word).text);
  }
  if (fields.length === 0) fail(`\`schedule\` needs a cron expression (${CRON_FIELDS}) after the team.`, key);
  if (fields.length !== 5) {
    const hint =
      fields.length > 5 && !teamWord.quoted && !quotedCron
        ? ` If the team name has spaces, quote it: ${escapeMrkdwn('`schedule "Fraud ML" 0 10 * * MON`')}.`
        : '';
    fail(
      `A cron expression has 5 fields (${CRON_FIELDS}); got ${fields.length}: ${show(fields.join(' '))}.${hint}`,
      key,
    );
  }
  let timezone: string | null = null;
  let days: number | null = null;
  for (; i < args.length; i++) {
    const word = args[i] as Word;
    if (isKeyword(word, 'tz')) {
      if (timezone !== null) fail('`tz` is given twice.', key);
      timezone = timeZone(args[++i], key);
    } else if (isKeyword(word, 'open')) {
      if (days !== null) fail('`open` is given twice.', key);
      days = openDays(args[++i], key);
    } else unexpected(word, key);
  }
  return { kind: 'schedule', team, cron: fields.join(' '), timezone, openDays: days };
}

/** `[#channel] [team|all]`: the channel, when given, comes first. */
function channelAndScope(
  args: readonly Word[],
  key: string,
): { channel: ChannelRef | null; scope: Scope | null } {
  const first = args[0];
  const channel = first && isChannelLike(first) ? channelRef(first, key) : null;
  const rest = channel ? args.slice(1) : args;
  const stray = rest.find(isChannelLike);
  if (stray) fail(`Put the #channel first: ${show(stray.raw)} comes after the team.`, key);
  if (rest.length === 0) return { channel, scope: null };
  if (rest.length === 1 && isKeyword(rest[0], 'all')) return { channel, scope: { kind: 'all' } };
  return { channel, scope: { kind: 'team', team: teamName(rest, key) } };
}

/**
 * Words people type for a cadence the app does not have. Read as cadences, not as the end of a
 * team name, so `subscribe daily` (no team at all) and `subscribe Nowhere daily` say what is
 * wrong; a team whose name ends in one of them can be quoted. Any other word is settled against
 * the team list where the team is looked up (see `cadenceSlip`).
 */
const CADENCE_LIKE: ReadonlySet<string> = new Set([
  'hourly',
  'daily',
  'nightly',
  'biweekly',
  'bi-weekly',
  'fortnightly',
  'quarterly',
  'yearly',
  'annually',
  'each-day',
  'each-week',
  'each-month',
  'every-round',
  'per-round',
]);

/** What `subscribe` answers a cadence it does not have, here and where the team is looked up. */
export const unknownCadenceMessage = (word: string): string =>
  `Unknown cadence ${show(word)}. Cadences: weekly, monthly, each-round.`;

function subscribe(args: readonly Word[]): Command {
  const last = keyword(args.at(-1));
  if (last !== null && CADENCE_LIKE.has(last)) {
    fail(`${unknownCadenceMessage(last)} (A team of that name? Quote it.)`, 'subscribe');
  }
  const cadences = args.filter((w) => isKeyword(w, ...CADENCES));
  if (cadences.length > 1) fail('Give one cadence: weekly, monthly or each-round.', 'subscribe');
  const cadence = (cadences[0] ? keyword(cadences[0]) : null) as Cadence | null;
  const rest = args.filter((w) => !cadences.includes(w));
  const target = channelAndScope(rest, 'subscribe');
  return {
    kind: 'subscribe',
    ...target,
    cadence,
    cadenceSlip: cadence === null && target.scope?.kind === 'team' ? cadenceSlip(rest) : null,
  };
}

/**
 * The other reading of `[#channel] <team>` when the name is two words or more and its last one
 * was typed unquoted: a shorter team name and a cadence. A quoted last word is part of the name.
 */
function cadenceSlip(args: readonly Word[]): CadenceSlip | null {
  const words = args[0] && isChannelLike(args[0]) ? args.slice(1) : args;
  const last = words.at(-1);
  if (words.length < 2 || last === undefined || last.quoted) return null;
  const shorter = words.slice(0, -1);
  if (shorter.length === 1 && isKeyword(shorter[0], 'all')) return { team: null, word: last.text };
  return { team: teamName(shorter, 'subscribe'), word: last.text };
}

/**
 * The grammar, by key: a key is the command's first word, or its first two for the families
 * with actions (`team add`). Each reads the words after its key. The command modules in
 * src/slack/commands declare the same keys, so a command's permission can be checked before
 * these run.
 */
const GRAMMAR: Record<string, (args: readonly Word[]) => Command> = {
  help: () => ({ kind: 'help' }),
  summary,
  ratio: (args) => bare('ratio', args),
  'ratio access': ratioAccess,
  teams: (args) => bare('teams', args),
  'team add': teamAdd,
  'team remove': (args) => ({ kind: 'team-remove', team: teamName(args, 'team remove') }),
  'roster add': (args) => roster(args, 'add'),
  'roster remove': (args) => roster(args, 'remove'),
  'roster sync': (args) => rosterSync(args, 'sync'),
  'roster unsync': (args) => rosterSync(args, 'unsync'),
  blockers,
  'lead add': (args) => lead(args, 'add'),
  'lead remove': (args) => lead(args, 'remove'),
  join,
  leave: (args) => ({ kind: 'leave', team: teamName(args, 'leave') }),
  schedule,
  'survey now': (args) => ({ kind: 'survey-now', team: teamName(args, 'survey now') }),
  'survey close': (args) => ({ kind: 'survey-close', team: teamName(args, 'survey close') }),
  subscribe,
  unsubscribe: (args) => ({ kind: 'unsubscribe', ...channelAndScope(args, 'unsubscribe') }),
  subscriptions: (args) => bare('subscriptions', args),
  export: (args) => ({ kind: 'export', team: optionalTeam(args, 'export') }),
  'forget-me': (args) => bare('forget-me', args),
};

/** Every grammar key, so the command modules can be checked against the grammar. */
export const GRAMMAR_KEYS: readonly string[] = Object.keys(GRAMMAR);

/** Families whose second word is an action; an unknown action gets that family's usage. */
const FAMILIES: Record<string, (args: readonly Word[]) => never> = {
  team: (args) =>
    unknownAction('team', args, 'use `team add` or `team remove`.', ['team add', 'team remove']),
  roster: (args) =>
    unknownAction('roster', args, 'use `roster add`, `roster remove`, `roster sync` or `roster unsync`.', [
      'roster add',
      'roster remove',
      'roster sync',
      'roster unsync',
    ]),
  lead: (args) =>
    unknownAction('lead', args, 'use `lead add` or `lead remove`.', ['lead add', 'lead remove']),
  survey: (args) =>
    unknownAction('survey', args, 'use `survey now &lt;team&gt;` or `survey close &lt;team&gt;`.', [
      'survey now',
      'survey close',
    ]),
};

function bare<K extends 'ratio' | 'teams' | 'subscriptions' | 'forget-me'>(kind: K, args: readonly Word[]) {
  noArguments(args, kind);
  return { kind };
}

function unknownAction(group: string, args: readonly Word[], hint: string, keys: string[]): never {
  const what = args[0] ? `Unknown \`${group}\` action ${show(args[0].raw)}` : `\`${group}\` needs an action`;
  throw new CommandSyntaxError(`${what}: ${hint}`, keys.map((k) => USAGE[k]).join('\n'));
}

function hasOwn<T>(table: Record<string, T>, key: string | null): key is string {
  return key !== null && Object.hasOwn(table, key);
}

/** Input read into words; `key` is the grammar key they start with, when there is one. */
export interface CommandWords {
  key: string | null;
  head: Word | undefined;
  args: readonly Word[];
}

/**
 * Splits `/tooth-tail` text into words and finds its grammar key, without reading any
 * argument: what a permission check needs. A UsageError when the text cannot even be split.
 */
export function readCommand(text: string): CommandWords | UsageError {
  const input = typeof text === 'string' ? text : '';
  if (input.length > MAX_INPUT_LENGTH) {
    return {
      kind: 'usage-error',
      message: `That command is too long (${input.length} characters; the limit is ${MAX_INPUT_LENGTH}).`,
      usage: helpText(),
    };
  }
  const words = tokenise(input);
  if (!Array.isArray(words)) {
    return {
      kind: 'usage-error',
      message: `A quote is never closed: ${show(input.slice(words.unclosedAt, words.unclosedAt + 30))}. Close it, or remove it.`,
      usage: usageForText(input),
    };
  }
  const [head, ...rest] = words;
  if (head === undefined) return { key: 'help', head, args: [] };
  const first = keyword(head);
  const pair = first === null ? null : `${first} ${keyword(rest[0]) ?? ''}`;
  if (hasOwn(GRAMMAR, pair)) return { key: pair, head, args: rest.slice(1) };
  if (hasOwn(GRAMMAR, first)) return { key: first, head, args: rest };
  return { key: null, head, args: rest };
}

/** Reads the arguments of words `readCommand` split. Never throws. */
export function parseWords(words: CommandWords): ParseResult {
  try {
    if (hasOwn(GRAMMAR, words.key))
      return (GRAMMAR[words.key] as (args: readonly Word[]) => Command)(words.args);
    const head = words.head as Word;
    const family = keyword(head);
    if (hasOwn(FAMILIES, family)) (FAMILIES[family] as (args: readonly Word[]) => never)(words.args);
    throw new CommandSyntaxError(`Unknown command ${show(head.raw)}.`, helpText());
  } catch (error) {
    if (error instanceof CommandSyntaxError) {
      return { kind: 'usage-error', message: error.message, usage: error.usage };
    }
    throw error;
  }
}

/** The usage for the subcommand `input` starts with, or the full help. */
function usageForText(input: string): string {
  const [first = '', second = ''] = collapse(input).toLowerCase().split(' ');
  return usageLine(`${first} ${second}`) ?? usageLine(first) ?? helpText();
}

/**
 * Reads `/tooth-tail` text. Never throws: anything it cannot read comes back as a UsageError
 * saying what was wrong and how to write that subcommand.
 */
export function parseCommand(text: string): ParseResult {
  const words = readCommand(text);
  return 'kind' in words ? words : parseWords(words);
}
