import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/domain/parse-command.js';
import { desiredRoster, parseUsergroupMention, rosterChanges } from '../../src/domain/roster-sync.js';

describe('parseUsergroupMention', () => {
  it('reads escaped mentions, with or without a label, and typed handles', () => {
    expect(parseUsergroupMention('<!subteam^S0123ABC|@fraud-ml>')).toEqual({
      id: 'S0123ABC',
      handle: 'fraud-ml',
    });
    expect(parseUsergroupMention('<!subteam^S0123ABC>')).toEqual({ id: 'S0123ABC' });
    expect(parseUsergroupMention('@Fraud-ML')).toEqual({ handle: 'fraud-ml' });
    expect(parseUsergroupMention('<@U123>')).toBeUndefined();
    expect(parseUsergroupMention('fraud')).toBeUndefined();
  });
});

describe('roster sync grammar', () => {
  it('reads a team, a group and a role', () => {
    expect(parseCommand('roster sync "Fraud ML" <!subteam^S1|@fraud-ml> as engineer:infra')).toEqual({
      kind: 'roster-sync',
      team: 'Fraud ML',
      group: { id: 'S1', handle: 'fraud-ml' },
      role: { role: 'engineer', specialty: 'infra' },
    });
    expect(parseCommand('roster unsync Fraud @fraud-ml')).toEqual({
      kind: 'roster-unsync',
      team: 'Fraud',
      group: { handle: 'fraud-ml' },
    });
  });

  it('says what is missing', () => {
    const message = (text: string) => {
      const result = parseCommand(text);
      return result.kind === 'usage-error' ? result.message : '';
    };
    expect(message('roster sync Fraud')).toMatch(/needs a Slack user group/);
    expect(message('roster sync @fraud-ml as engineer')).toMatch(/needs a team name/);
    expect(message('roster sync Fraud <@U1> as engineer')).toMatch(/is a person/);
    expect(message('roster sync Fraud @fraud-ml as wizard')).toMatch(/not a role/);
    expect(message('roster unsync Fraud @fraud-ml extra')).toMatch(/Unexpected/);
    expect(message('blockers maybe')).toMatch(/Unexpected/);
  });
});

describe('desiredRoster and rosterChanges', () => {
  it('puts a person in two groups in the role of the group synced first', () => {
    const desired = desiredRoster([
      { role: 'data-scientist', specialty: null, userIds: ['U1', 'U2'] },
      { role: 'engineer', specialty: 'ml', userIds: ['U2', 'U3'] },
    ]);
    expect(desired).toEqual([
      { userId: 'U1', role: 'data-scientist', specialty: null },
      { userId: 'U2', role: 'data-scientist', specialty: null },
      { userId: 'U3', role: 'engineer', specialty: 'ml' },
    ]);
  });

  it('changes only what differs', () => {
    const changes = rosterChanges(
      [
        { userId: 'U1', role: 'data-scientist', specialty: null },
        { userId: 'U3', role: 'engineer', specialty: 'infra' },
        { userId: 'U9', role: 'engineer', specialty: null },
      ],
      desiredRoster([
        { role: 'data-scientist', specialty: null, userIds: ['U1', 'U2'] },
        { role: 'engineer', specialty: 'ml', userIds: ['U3'] },
      ]),
    );
    expect(changes).toEqual({
      upsert: [
        { userId: 'U2', role: 'data-scientist', specialty: null },
        { userId: 'U3', role: 'engineer', specialty: 'ml' },
      ],
      remove: ['U9'],
    });
  });
});
