// Blocker themes (issue 12, item 6) through the real app: off by default; once an admin turns
// them on, `all` channels get a weekly list of themes at least k people named, and nothing else:
// no one's words, names, teams or roles. Blockers written before the switch never count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerCheckIn, DS_ANSWERS } from '../helpers/check-in.js';
import { type Harness, startHarness } from '../helpers/harness.js';

const ADMIN = 'UADMIN';
const ORG = 'C0ORG';
const LEADS = 'C0LEADS';
const A = ['U0A1', 'U0A2', 'U0A3', 'U0A4'];
const B = ['U0B1', 'U0B2', 'U0B3'];
const BLOCKERS: Record<string, string> = {
  U0A1: 'Still no access to the warehouse', // written before the switch: never counts
  U0A2: 'waiting for an access approval from security',
  U0A3: 'no permissions on the bucket, Zed said to wait',
  U0A4: 'the deploy pipeline broke twice',
  U0B1: 'the IAM grant took four days',
  U0B2: 'deploy freeze all week',
};
const MONDAY = Date.parse('2026-03-02T08:00:00.000Z');
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

let now = MONDAY;
let h: Harness;

const posted = () => h.sandbox.messages(ORG);
const answerWithBlocker = (id: string) =>
  answerCheckIn(h, id, BLOCKERS[id] ? { ...DS_ANSWERS, blocker: BLOCKERS[id] } : DS_ANSWERS);

beforeAll(async () => {
  h = await startHarness({
    users: [ADMIN, ...A, ...B].map((id) => ({ id, name: `name-${id.toLowerCase()}`, tz: 'UTC' })),
    channels: [
      { id: ORG, name: 'data-leadership' },
      { id: LEADS, name: 'fraud-leads' },
    ],
    adminUserIds: [ADMIN],
    anonymityThreshold: 3,
    clock: () => new Date(now),
  });
  for (const [team, people] of [
    ['Fraud', A],
    ['Pricing', B],
  ] as const) {
    await h.run(ADMIN, `team add ${team}`);
    await h.run(ADMIN, `roster add ${team} ${people.map((id) => `<@${id}>`).join(' ')} as data-scientist`);
    // Rounds are opened by command here; the default Monday schedule would open its own.
    await h.run(ADMIN, `schedule ${team} 0 0 1 1 *`);
  }
  await h.run(ADMIN, `subscribe <#${ORG}> all weekly`);
  await h.run(ADMIN, `subscribe <#${LEADS}> Fraud each-round`);
});
afterAll(async () => {
  await h?.stop();
});

describe('blocker themes', () => {
  it('are off until an admin turns them on', async () => {
    expect((await h.run(ADMIN, 'blockers')).text).toMatch(/Blocker themes are \*off\*/);
    now = MONDAY + 10 * 60_000;
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    await answerWithBlocker('U0A1');
    now = MONDAY + 20 * 60_000;
    expect((await h.run(ADMIN, 'blockers on')).text).toMatch(/Blocker themes are \*on\*/);
    expect((await h.run(ADMIN, 'blockers')).text).toMatch(/\*on\*/);
  });

  it('post the week’s themes that at least k people named, with nothing that points at anyone', async () => {
    for (const id of A.slice(1)) await answerWithBlocker(id);
    await h.run(ADMIN, 'survey now Pricing');
    await h.settle();
    for (const id of B) await answerWithBlocker(id);
    now = MONDAY + DAY_MS + 2 * HOUR_MS;
    await h.run(ADMIN, 'survey close Fraud');
    await h.run(ADMIN, 'survey close Pricing');
    await h.settle();
    // The weekly `all` digest goes out on its own; the blocker list is a message of its own.
    now = MONDAY + 7 * DAY_MS + HOUR_MS + 60_000;
    await h.app.scheduler.tick();
    await h.settle();
    const lists = posted().filter((m) => m.text.startsWith('Blocker themes this week'));
    expect(lists).toHaveLength(1);
    const list = lists[0];
    const shown = `${list?.text} ${JSON.stringify(list?.blocks)}`;
    // Access: U0A2, U0A3, U0B1 (U0A1 wrote theirs before the switch). Deploys: only 2 < k.
    expect(shown).toContain('Access and permissions: 3 people');
    expect(shown).not.toMatch(/Deploys/);
    expect(shown).not.toMatch(/Waiting on reviews|Data pipelines/);
    expect(shown).toMatch(/at least 3 people/);

    // The privacy scan: no id, name, team, role, or word of anyone's blocker.
    for (const id of [...A, ...B]) {
      expect(shown).not.toContain(id);
      expect(shown).not.toContain(`name-${id.toLowerCase()}`);
    }
    for (const word of ['Fraud', 'Pricing', 'data-scientist', 'data scientist', 'engineer']) {
      expect(shown).not.toContain(word);
    }
    for (const text of Object.values(BLOCKERS)) expect(shown).not.toContain(text);
    // Words only someone's blocker has (theme names share some words with blockers, by design).
    for (const word of ['warehouse', 'security', 'bucket', 'Zed', 'broke', 'twice', 'four days', 'freeze']) {
      expect(shown).not.toContain(word);
    }
    // Only `all` channels get it.
    expect(h.sandbox.messages(LEADS).some((m) => m.text.startsWith('Blocker themes'))).toBe(false);

    // The same week is never posted twice.
    await h.app.scheduler.tick();
    await h.settle();
    expect(posted().filter((m) => m.text.startsWith('Blocker themes'))).toHaveLength(1);
  });

  it('post nothing once turned off', async () => {
    expect((await h.run(ADMIN, 'blockers off')).text).toMatch(/\*off\*/);
    now += DAY_MS;
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    for (const id of A.slice(1)) await answerWithBlocker(id);
    await h.run(ADMIN, 'survey close Fraud');
    now += 7 * DAY_MS;
    await h.app.scheduler.tick();
    await h.settle();
    expect(posted().filter((m) => m.text.startsWith('Blocker themes'))).toHaveLength(1);
  });
});
