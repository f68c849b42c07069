import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args.js';

describe('parseCliArgs', () => {
  it.each([
    [['report'], { kind: 'report', team: null, format: 'table', workspace: null }],
    [
      ['report', '--team', 'Fraud ML', '--format', 'csv'],
      { kind: 'report', team: 'Fraud ML', format: 'csv', workspace: null },
    ],
    [
      ['report', '--format=json', '--team=Search', '--workspace', 'T01'],
      { kind: 'report', team: 'Search', format: 'json', workspace: 'T01' },
    ],
    [['--help'], { kind: 'help' }],
    [['-h'], { kind: 'help' }],
    [['report', '--help'], { kind: 'help' }],
    [['help'], { kind: 'help' }],
  ])('%j', (argv, expected) => {
    expect(parseCliArgs(argv)).toEqual(expected);
  });

  it.each([
    [[], 'missing command: try `report` or `backup <file>`'],
    [['summary'], 'unknown command “summary”'],
    [['report', '--bogus'], 'unknown option --bogus'],
    [['report', '-x'], 'unknown option -x'],
    [['report', '--team'], '--team <value>: argument missing'],
    [['report', '--format', 'xml'], '--format must be one of table, csv, json; got “xml”'],
    [['report', '--team', '  '], '--team needs a team name'],
    [['report', 'Fraud', 'ML'], 'unexpected argument “Fraud” (quote a team name with spaces)'],
  ])('%j is a usage error', (argv, message) => {
    expect(parseCliArgs(argv)).toEqual({ kind: 'usage-error', message });
  });
});
