import { describe, expect, it } from 'vitest';
import { GRAMMAR_KEYS, USAGE } from '../../../src/domain/parse-command.js';
import { COMMAND_MODULES } from '../../../src/slack/commands/index.js';

describe('command modules', () => {
  it('declare each grammar key exactly once, and only keys the grammar reads', () => {
    const keys = COMMAND_MODULES.map((m) => m.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual([...GRAMMAR_KEYS].sort());
  });

  it('each have a usage line', () => {
    for (const module of COMMAND_MODULES) expect(USAGE[module.key]).toMatch(/^`\/tooth-tail /);
  });
});
