import { describe, expect, it } from 'vitest';
import { blockerThemes, themesOf } from '../../src/domain/blocker-themes.js';
import { shuffle } from '../../src/services/blocker-themes.js';

const keep = <T>(items: T[]): T[] => items;

describe('themesOf', () => {
  it('matches keywords of four letters or more as word prefixes, shorter ones as whole words', () => {
    expect(themesOf('Deployments kept failing')).toEqual(['Deploys, CI and releases']);
    expect(themesOf('CI was red all week')).toEqual(['Deploys, CI and releases']);
    // "ci" inside another word is not CI.
    expect(themesOf('a circular discussion')).toEqual([]);
    expect(themesOf('blocked on the platform team')).toEqual(['Waiting on reviews and other teams']);
    expect(themesOf('nothing blocked me')).toEqual([]);
    expect(themesOf('waiting for access to k8s')).toEqual([
      'Access and permissions',
      'Infrastructure and environments',
      'Waiting on reviews and other teams',
    ]);
  });
});

describe('blockerThemes', () => {
  const b = (userId: string, text: string) => ({ userId, text });

  it('lists only themes at least k different people named, with their head count', () => {
    const themes = blockerThemes(
      [
        b('U1', 'no access'),
        b('U2', 'access request pending'),
        b('U3', 'IAM permissions'),
        b('U1', 'deploy broke'),
        b('U2', 'deploy broke again'),
      ],
      3,
      keep,
    );
    expect(themes).toEqual([{ theme: 'Access and permissions', people: 3 }]);
  });

  it('counts a person once however many of their blockers fall under a theme', () => {
    const same = [b('U1', 'access'), b('U1', 'permissions'), b('U2', 'access'), b('U2', 'vpn access')];
    expect(blockerThemes(same, 3, keep)).toEqual([]);
    expect(blockerThemes([...same, b('U3', 'credentials')], 3, keep)).toEqual([
      { theme: 'Access and permissions', people: 3 },
    ]);
  });

  it('hands the list to the shuffle, and the shuffle keeps every theme', () => {
    const blockers = ['U1', 'U2', 'U3'].flatMap((u) => [b(u, 'access'), b(u, 'deploy'), b(u, 'meeting')]);
    const reversed = blockerThemes(blockers, 3, (items) => [...items].reverse());
    expect(reversed.map((t) => t.theme)).toEqual([
      'Meetings, interruptions and support',
      'Deploys, CI and releases',
      'Access and permissions',
    ]);
    const shuffled = blockerThemes(blockers, 3, shuffle);
    expect([...shuffled].sort((x, y) => x.theme.localeCompare(y.theme))).toEqual(
      [...reversed].sort((x, y) => x.theme.localeCompare(y.theme)),
    );
  });
});
