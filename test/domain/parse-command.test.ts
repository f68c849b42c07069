import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParseResult } from '../../src/domain/command.js';
import { helpText, parseCommand, USAGE } from '../../src/domain/parse-command.js';

const ROLES = 'Roles: data-scientist, engineer, engineer:ml, engineer:data, engineer:infra, engineer:app.';

describe('parseCommand: happy paths', () => {
  it.each<[string, ParseResult]>([
    ['', { kind: 'help' }],
    ['   \t\n ', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['HELP', { kind: 'help' }],
    ['summary', { kind: 'summary', team: null, post: false }],
    ['summary post', { kind: 'summary', team: null, post: true }],
    ['summary Fraud ML', { kind: 'summary', team: 'Fraud ML', post: false }],
    ['Summary Fraud ML POST', { kind: 'summary', team: 'Fraud ML', post: true }],
    ['summary "post"', { kind: 'summary', team: 'post', post: false }],
    ['summary Post Office', { kind: 'summary', team: 'Post Office', post: false }],
    ['ratio', { kind: 'ratio' }],
    ['teams', { kind: 'teams' }],
    ['team add Fraud', { kind: 'team-add', team: 'Fraud', channel: null, timezone: null }],
    [
      'team add "Fraud ML" #ml',
      { kind: 'team-add', team: 'Fraud ML', channel: { name: 'ml' }, timezone: null },
    ],
    [
      'team add Fraud ML #ml tz Europe/London',
      { kind: 'team-add', team: 'Fraud ML', channel: { name: 'ml' }, timezone: 'Europe/London' },
    ],
    [
      'TEAM ADD fraud ml <#C0123ABC|fraud-ml> TZ europe/london',
      {
        kind: 'team-add',
        team: 'fraud ml',
        channel: { id: 'C0123ABC', name: 'fraud-ml' },
        timezone: 'Europe/London',
      },
    ],
    [
      'team add “Fraud ML” tz America/New_York <#G42>',
      { kind: 'team-add', team: 'Fraud ML', channel: { id: 'G42' }, timezone: 'America/New_York' },
    ],
    ["team add 'Fraud ML'", { kind: 'team-add', team: 'Fraud ML', channel: null, timezone: null }],
    ['team add ‘Fraud ML’', { kind: 'team-add', team: 'Fraud ML', channel: null, timezone: null }],
    ["team add O'Brien's team", { kind: 'team-add', team: "O'Brien's team", channel: null, timezone: null }],
    ['team add R&amp;D &lt;3', { kind: 'team-add', team: 'R&D <3', channel: null, timezone: null }],
    ['team add "Fraud    ML"', { kind: 'team-add', team: 'Fraud ML', channel: null, timezone: null }],
    ['team\u00a0add\tFraud\u3000ML', { kind: 'team-add', team: 'Fraud ML', channel: null, timezone: null }],
    ['team add 🦷 Tooth', { kind: 'team-add', team: '🦷 Tooth', channel: null, timezone: null }],
    ['team remove Fraud ML', { kind: 'team-remove', team: 'Fraud ML' }],
    [
      'roster add Fraud ML <@U123|ana> <@W456> @bo as engineer:ml',
      {
        kind: 'roster-add',
        team: 'Fraud ML',
        users: [{ id: 'U123', name: 'ana' }, { id: 'W456' }, { name: 'bo' }],
        role: { role: 'engineer', specialty: 'ml' },
      },
    ],
    [
      'roster add "Fraud ML" <@U1>, <@U2>, <@U1> AS Data-Scientist',
      {
        kind: 'roster-add',
        team: 'Fraud ML',
        users: [{ id: 'U1' }, { id: 'U2' }],
        role: { role: 'data-scientist', specialty: null },
      },
    ],
    [
      'roster add Fraud @ana as ds',
      {
        kind: 'roster-add',
        team: 'Fraud',
        users: [{ name: 'ana' }],
        role: { role: 'data-scientist', specialty: null },
      },
    ],
    [
      'roster add Fraud <@U1|ana smith> as engineer',
      {
        kind: 'roster-add',
        team: 'Fraud',
        users: [{ id: 'U1', name: 'ana smith' }],
        role: { role: 'engineer', specialty: null },
      },
    ],
    [
      'roster remove Fraud ML <@U123> @bo',
      { kind: 'roster-remove', team: 'Fraud ML', users: [{ id: 'U123' }, { name: 'bo' }] },
    ],
    [
      'lead add Fraud ML <@U123|ana>, @bo',
      { kind: 'lead-add', team: 'Fraud ML', users: [{ id: 'U123', name: 'ana' }, { name: 'bo' }] },
    ],
    ['LEAD REMOVE Fraud <@U1>', { kind: 'lead-remove', team: 'Fraud', users: [{ id: 'U1' }] }],
    ['ratio access LEADS', { kind: 'ratio-access', visibility: 'leads' }],
    ['ratio access everyone', { kind: 'ratio-access', visibility: 'everyone' }],
    [
      'join Fraud ML as engineer:INFRA',
      { kind: 'join', team: 'Fraud ML', role: { role: 'engineer', specialty: 'infra' } },
    ],
    [
      'join Data as a Service as engineer:app',
      { kind: 'join', team: 'Data as a Service', role: { role: 'engineer', specialty: 'app' } },
    ],
    [
      'join "as" as engineer:data',
      { kind: 'join', team: 'as', role: { role: 'engineer', specialty: 'data' } },
    ],
    ['leave Fraud ML', { kind: 'leave', team: 'Fraud ML' }],
    [
      'schedule Fraud 0 10 * * MON tz Europe/London open 3d',
      { kind: 'schedule', team: 'Fraud', cron: '0 10 * * MON', timezone: 'Europe/London', openDays: 3 },
    ],
    [
      'schedule "Fraud ML" "0 10 * * MON" tz Europe/London open 3d',
      { kind: 'schedule', team: 'Fraud ML', cron: '0 10 * * MON', timezone: 'Europe/London', openDays: 3 },
    ],
    [
      'SCHEDULE Fraud */15 9-17 1,15 * 1-5 OPEN 28D',
      { kind: 'schedule', team: 'Fraud', cron: '*/15 9-17 1,15 * 1-5', timezone: null, openDays: 28 },
    ],
    [
      'schedule Fraud 0 10 * * MON open 1d tz UTC',
      { kind: 'schedule', team: 'Fraud', cron: '0 10 * * MON', timezone: 'UTC', openDays: 1 },
    ],
    ['survey now Fraud ML', { kind: 'survey-now', team: 'Fraud ML' }],
    ['survey CLOSE "Fraud ML"', { kind: 'survey-close', team: 'Fraud ML' }],
    ['subscribe', { kind: 'subscribe', channel: null, scope: null, cadence: null, cadenceSlip: null }],
    [
      'subscribe #ml-leads all weekly',
      {
        kind: 'subscribe',
        channel: { name: 'ml-leads' },
        scope: { kind: 'all' },
        cadence: 'weekly',
        cadenceSlip: null,
      },
    ],
    [
      'subscribe <#C1|ml> Fraud ML each-round',
      {
        kind: 'subscribe',
        channel: { id: 'C1', name: 'ml' },
        scope: { kind: 'team', team: 'Fraud ML' },
        cadence: 'each-round',
        cadenceSlip: null,
      },
    ],
    [
      'subscribe MONTHLY Fraud',
      {
        kind: 'subscribe',
        channel: null,
        scope: { kind: 'team', team: 'Fraud' },
        cadence: 'monthly',
        cadenceSlip: null,
      },
    ],
    [
      'subscribe ALL',
      { kind: 'subscribe', channel: null, scope: { kind: 'all' }, cadence: null, cadenceSlip: null },
    ],
    [
      'subscribe "all"',
      {
        kind: 'subscribe',
        channel: null,
        scope: { kind: 'team', team: 'all' },
        cadence: null,
        cadenceSlip: null,
      },
    ],
    // Which reading is meant needs the team list: the parser offers both, the lookup decides.
    [
      'subscribe #ml Recommendations sometimes',
      {
        kind: 'subscribe',
        channel: { name: 'ml' },
        scope: { kind: 'team', team: 'Recommendations sometimes' },
        cadence: null,
        cadenceSlip: { team: 'Recommendations', word: 'sometimes' },
      },
    ],
    [
      'subscribe "Fraud ML" now-and-then',
      {
        kind: 'subscribe',
        channel: null,
        scope: { kind: 'team', team: 'Fraud ML now-and-then' },
        cadence: null,
        cadenceSlip: { team: 'Fraud ML', word: 'now-and-then' },
      },
    ],
    [
      'subscribe Fraud "ML sometimes"',
      {
        kind: 'subscribe',
        channel: null,
        scope: { kind: 'team', team: 'Fraud ML sometimes' },
        cadence: null,
        cadenceSlip: null,
      },
    ],
    [
      'subscribe Fraud ML weekly',
      {
        kind: 'subscribe',
        channel: null,
        scope: { kind: 'team', team: 'Fraud ML' },
        cadence: 'weekly',
        cadenceSlip: null,
      },
    ],
    [
      'subscribe sometimes',
      {
        kind: 'subscribe',
        channel: null,
        scope: { kind: 'team', team: 'sometimes' },
        cadence: null,
        cadenceSlip: null,
      },
    ],
    ['unsubscribe', { kind: 'unsubscribe', channel: null, scope: null }],
    ['unsubscribe <#D9> all', { kind: 'unsubscribe', channel: { id: 'D9' }, scope: { kind: 'all' } }],
    [
      'unsubscribe #ml Fraud ML',
      { kind: 'unsubscribe', channel: { name: 'ml' }, scope: { kind: 'team', team: 'Fraud ML' } },
    ],
    ['subscriptions', { kind: 'subscriptions' }],
    ['export', { kind: 'export', team: null }],
    ['export Fraud ML', { kind: 'export', team: 'Fraud ML' }],
    ['forget-me', { kind: 'forget-me' }],
    ['FORGET-ME', { kind: 'forget-me' }],
  ])('%j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it('spells a time zone properly when only its case differs, and keeps valid aliases as typed', () => {
    expect(parseCommand('team add A tz america/new_york')).toMatchObject({ timezone: 'America/New_York' });
    expect(parseCommand('team add A tz EST')).toMatchObject({ timezone: 'EST' });
  });
});

describe('parseCommand: unhappy twins', () => {
  it.each<[string, string, string]>([
    ['frobnicate', 'Unknown command “frobnicate”.', 'help'],
    ['"help"', 'Unknown command “help”.', 'help'],
    ['summary <@U1>', 'Unexpected “&lt;@U1&gt;”: a team name cannot be a mention.', 'summary'],
    ['ratio now', '`ratio` takes no arguments; remove “now”.', 'ratio'],
    ['teams all', '`teams` takes no arguments; remove “all”.', 'teams'],
    ['subscriptions x', '`subscriptions` takes no arguments; remove “x”.', 'subscriptions'],
    ['forget-me please', '`forget-me` takes no arguments; remove “please”.', 'forget-me'],
    ['team add', '`team add` needs a team name.', 'team add'],
    ['team add #ml', '`team add` needs a team name.', 'team add'],
    ['team add all', '“all” means the whole organisation; choose another team name.', 'team add'],
    ['team add Fraud <#X1>', '“&lt;#X1&gt;” is not a valid #channel.', 'team add'],
    ['team add Fraud #', '“#” is not a valid #channel.', 'team add'],
    ['team add Fraud #a #b', '`team add` takes one #channel.', 'team add'],
    ['team add Fraud tz', '`tz` needs an IANA time zone, like `tz Europe/London`.', 'team add'],
    [
      'team add Fraud tz Mars/Olympus',
      '“Mars/Olympus” is not an IANA time zone (e.g. Europe/London, America/New_York, UTC).',
      'team add',
    ],
    [
      'team add Fraud tz +05:00',
      '“+05:00” is not an IANA time zone (e.g. Europe/London, America/New_York, UTC).',
      'team add',
    ],
    ['team add Fraud tz UTC tz UTC', '`tz` is given twice.', 'team add'],
    ['team add Fraud <@U1>', 'Unexpected “&lt;@U1&gt;” in `team add`.', 'team add'],
    ['team add Fraud #ml extra', 'Unexpected “extra” in `team add`.', 'team add'],
    [
      `team add ${'x'.repeat(81)}`,
      `A team name is at most 80 characters; “${'x'.repeat(60)}…” is longer.`,
      'team add',
    ],
    ['team add a\u0001b', 'A team name cannot contain control characters.', 'team add'],
    ['team add a\u202eb', 'A team name cannot contain control characters.', 'team add'],
    ['team add ""', '`team add` needs a team name.', 'team add'],
    ['team add "Fraud ML', 'A quote is never closed: “"Fraud ML”. Close it, or remove it.', 'team add'],
    ['team remove', '`team remove` needs a team name.', 'team remove'],
    ['roster add Fraud ML as engineer', '`roster add` needs at least one @person.', 'roster add'],
    ['roster add <@U1> as engineer', '`roster add` needs a team name before the people.', 'roster add'],
    [
      'roster add Fraud <@U1>',
      `\`roster add\` needs \`as &lt;role&gt;\` after the people. ${ROLES}`,
      'roster add',
    ],
    ['roster add Fraud <@U1> as', `\`roster add\` needs a role after \`as\`. ${ROLES}`, 'roster add'],
    [
      'roster add Fraud <@U1> as engineer:quantum',
      `“engineer:quantum” is not a role. ${ROLES}`,
      'roster add',
    ],
    ['roster add Fraud <@U1> as engineer extra', `“engineer extra” is not a role. ${ROLES}`, 'roster add'],
    ['roster add Fraud <@u1> as ds', '“&lt;@u1&gt;” is not a valid @mention of a person.', 'roster add'],
    ['roster add Fraud <@C1> as ds', '“&lt;@C1&gt;” is not a valid @mention of a person.', 'roster add'],
    ['roster add Fraud <@U1 as ds', '“&lt;@U1” is not a valid @mention of a person.', 'roster add'],
    ['roster add Fraud @ as ds', '“@” is not a valid @mention of a person.', 'roster add'],
    ['roster add Fraud <@U1> <#C1> as ds', '“&lt;#C1&gt;” is a channel, not a person.', 'roster add'],
    ['roster add Fraud <@U1> bob as ds', '“bob” is not an @mention of a person.', 'roster add'],
    ['roster remove Fraud', '`roster remove` needs at least one @person.', 'roster remove'],
    ['roster remove Fraud <@U1> as ds', '“as” is not an @mention of a person.', 'roster remove'],
    ['join Fraud', '`join` needs `as &lt;role&gt;`, like `join Fraud ML as data-scientist`.', 'join'],
    ['join as ds', '`join` needs a team name.', 'join'],
    ['join Fraud as', `\`join\` needs a role after \`as\`. ${ROLES}`, 'join'],
    ['join Fraud as data scientist', `“data scientist” is not a role. ${ROLES}`, 'join'],
    ['join Fraud as boss', `“boss” is not a role. ${ROLES}`, 'join'],
    ['join Fraud as "ds"', `“ds” is not a role. ${ROLES}`, 'join'],
    ['leave', '`leave` needs a team name.', 'leave'],
    ['leave #ml', 'Unexpected “#ml”: a team name cannot be a mention.', 'leave'],
    ['schedule', '`schedule` needs a team name and a cron expression.', 'schedule'],
    [
      'schedule Fraud',
      '`schedule` needs a cron expression (minute hour day-of-month month day-of-week) after the team.',
      'schedule',
    ],
    [
      'schedule Fraud 0 10 * *',
      'A cron expression has 5 fields (minute hour day-of-month month day-of-week); got 4: “0 10 * *”.',
      'schedule',
    ],
    [
      'schedule Fraud ML 0 10 * * MON',
      'A cron expression has 5 fields (minute hour day-of-month month day-of-week); got 6: “ML 0 10 * * MON”. If the team name has spaces, quote it: `schedule "Fraud ML" 0 10 * * MON`.',
      'schedule',
    ],
    [
      'schedule Fraud "0 10 * * MON *"',
      'A cron expression has 5 fields (minute hour day-of-month month day-of-week); got 6: “0 10 * * MON *”.',
      'schedule',
    ],
    [
      'schedule Fraud 0 10 * * MON open 30d',
      '`open` takes a number of days from 1 to 28, like `open 3d`; got “30d”.',
      'schedule',
    ],
    [
      'schedule Fraud 0 10 * * MON open 0d',
      '`open` takes a number of days from 1 to 28, like `open 3d`; got “0d”.',
      'schedule',
    ],
    [
      'schedule Fraud 0 10 * * MON open 3',
      '`open` takes a number of days from 1 to 28, like `open 3d`; got “3”.',
      'schedule',
    ],
    [
      'schedule Fraud 0 10 * * MON open -2d',
      '`open` takes a number of days from 1 to 28, like `open 3d`; got “-2d”.',
      'schedule',
    ],
    [
      'schedule Fraud 0 10 * * MON open 1.5d',
      '`open` takes a number of days from 1 to 28, like `open 3d`; got “1.5d”.',
      'schedule',
    ],
    ['schedule Fraud 0 10 * * MON open', '`open` needs a number of days, like `open 3d`.', 'schedule'],
    ['schedule Fraud 0 10 * * MON open 2d open 3d', '`open` is given twice.', 'schedule'],
    ['schedule Fraud "0 10 * * MON" weekly', 'Unexpected “weekly” in `schedule`.', 'schedule'],
    ['survey now', '`survey now` needs a team name.', 'survey now'],
    ['survey close', '`survey close` needs a team name.', 'survey close'],
    ['lead add Fraud', '`lead add` needs at least one @person.', 'lead add'],
    ['lead remove <@U1>', '`lead remove` needs a team name before the people.', 'lead remove'],
    ['lead add Fraud <@U1> as engineer', '“as” is not an @mention of a person.', 'lead add'],
    ['ratio access', '`ratio access` takes `everyone` or `leads`.', 'ratio access'],
    ['ratio access members', '`ratio access` takes `everyone` or `leads`.', 'ratio access'],
    ['ratio everyone', '`ratio` takes no arguments; remove “everyone”.', 'ratio'],
    ['subscribe weekly monthly', 'Give one cadence: weekly, monthly or each-round.', 'subscribe'],
    ['subscribe Fraud #ml', 'Put the #channel first: “#ml” comes after the team.', 'subscribe'],
    ['subscribe <#Z1>', '“&lt;#Z1&gt;” is not a valid #channel.', 'subscribe'],
    ['subscribe #ml <@U1>', 'Unexpected “&lt;@U1&gt;”: a team name cannot be a mention.', 'subscribe'],
    ['unsubscribe all #ml', 'Put the #channel first: “#ml” comes after the team.', 'unsubscribe'],
    ['export <#C1>', 'Unexpected “&lt;#C1&gt;”: a team name cannot be a mention.', 'export'],
  ])('%j', (text, message, usageKey) => {
    expect(parseCommand(text)).toEqual({
      kind: 'usage-error',
      message,
      usage: usageKey === 'help' ? helpText() : USAGE[usageKey],
    });
  });

  it.each([
    ['team', 'Unknown', 2],
    ['team frob Fraud', 'Unknown `team` action “frob”: use `team add` or `team remove`.', 2],
    [
      'roster',
      '`roster` needs an action: use `roster add`, `roster remove`, `roster sync` or `roster unsync`.',
      4,
    ],
    [
      'survey later Fraud',
      'Unknown `survey` action “later”: use `survey now &lt;team&gt;` or `survey close &lt;team&gt;`.',
      2,
    ],
  ])('%j names the missing or unknown action', (text, message, lines) => {
    const result = parseCommand(text);
    expect(result.kind).toBe('usage-error');
    if (result.kind !== 'usage-error') return;
    if (message !== 'Unknown') expect(result.message).toBe(message);
    expect(result.usage.split('\n')).toHaveLength(lines);
  });

  it('refuses input over 4,000 characters before reading it', () => {
    expect(parseCommand(`team add ${'x'.repeat(3992)}`)).toEqual({
      kind: 'usage-error',
      message: 'That command is too long (4001 characters; the limit is 4000).',
      usage: helpText(),
    });
  });

  it('reads input of exactly 4,000 characters', () => {
    expect(parseCommand(`export ${' '.repeat(3993)}`)).toEqual({ kind: 'export', team: null });
  });

  it('does not treat object keys as commands', () => {
    for (const text of ['constructor', '__proto__', 'toString', 'hasOwnProperty x']) {
      const result = parseCommand(text);
      expect(result.kind).toBe('usage-error');
      if (result.kind === 'usage-error') expect(typeof result.usage).toBe('string');
    }
  });

  it('echoes input escaped for Slack and shortened', () => {
    const result = parseCommand(`<!channel>${'y'.repeat(100)}`);
    expect(result).toMatchObject({
      kind: 'usage-error',
      message: `Unknown command “&lt;!channel&gt;${'y'.repeat(50)}…”.`,
    });
  });
});

describe('help and usage', () => {
  it('fits in one Slack section with room to spare', () => {
    expect(helpText().length).toBeLessThan(3000);
  });

  it('lists every subcommand, escaped for Slack', () => {
    for (const line of Object.values(USAGE)) {
      expect(line).toMatch(/^`\/tooth-tail [^<>]+`$/);
    }
    for (const key of Object.keys(USAGE).filter((k) => k !== 'help')) {
      expect(helpText()).toContain(USAGE[key]);
    }
  });
});

describe('parseCommand never throws', () => {
  const isWellFormed = (result: ParseResult) =>
    result.kind === 'usage-error'
      ? result.message.length > 0 && result.usage.length > 0
      : typeof result.kind === 'string';

  it('for arbitrary strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })),
        (text) => {
          expect(isWellFormed(parseCommand(text))).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('for strings built from the grammar’s own words', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        'help',
        'summary',
        'post',
        'team',
        'add',
        'remove',
        'roster',
        'as',
        'join',
        'leave',
        'schedule',
        'tz',
        'open',
        'survey',
        'now',
        'close',
        'subscribe',
        'unsubscribe',
        'subscriptions',
        'export',
        'forget-me',
        'ratio',
        'teams',
        'all',
        'weekly',
        'each-round',
        'data-scientist',
        'ds',
        'engineer:ml',
        'engineer:',
        'Europe/London',
        '3d',
        '0',
        '*',
        'MON',
        '<@U123|ana>',
        '<@W1>',
        '<@',
        '<@U1',
        '@bo',
        '@',
        '<#C1|ml>',
        '<#C1>',
        '#ml',
        '#',
        '<!here>',
        '"',
        "'",
        '“',
        '”',
        '‘',
        '’',
        '"Fraud ML"',
        '&amp;',
        '&lt;',
        ',',
        '\u0000',
        '\u202e',
        '\u00a0',
        '\n',
        'constructor',
        '__proto__',
      ),
      fc.string({ maxLength: 6 }),
    );
    const text = fc
      .tuple(fc.array(piece, { maxLength: 14 }), fc.constantFrom(' ', '', '\t', '  '))
      .map(([pieces, sep]) => pieces.join(sep));
    fc.assert(
      fc.property(text, (input) => {
        expect(isWellFormed(parseCommand(input))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('for long and pathological input, quickly', () => {
    const inputs = [
      '<'.repeat(4000),
      '<@'.repeat(2000),
      '"'.repeat(4000),
      `team add ${'“'.repeat(3990)}`,
      `roster add Fraud ${'<@U1> '.repeat(660)}as ds`,
      `team add ${'a '.repeat(1995)}`,
      '\u0000'.repeat(4000),
      '🦷'.repeat(2000),
    ];
    const started = performance.now();
    for (const input of inputs) expect(isWellFormed(parseCommand(input))).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
