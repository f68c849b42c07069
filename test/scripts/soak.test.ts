// A few seconds of `npm run soak`, so the tool cannot rot unnoticed: its traffic must still get
// the replies the app gives (in the ack or at the response_url), with no errors. Nothing here is
// timed and memory is not judged: that is the long run's job, by hand.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { soak } from '../../scripts/soak.js';

describe('npm run soak', () => {
  it('runs its traffic against the app for a few seconds without an error, and the app stops cleanly', async () => {
    // Eight people a team, not twenty: enough for k = 3 and every kind of request, without a
    // burst of clicks that a busy CI machine might not serve within Slack's 3 s trigger window.
    const result = await soak({ minutes: 0.1, sampleEveryMs: 1000, membersPerTeam: 8 });
    try {
      expect(result.counters.errors).toEqual([]);
      expect(result.counters.rounds).toBeGreaterThanOrEqual(1);
      expect(result.counters.requests).toBeGreaterThan(20);
      expect(result.samples.length).toBeGreaterThanOrEqual(2);
      expect(result.samples.every((s) => s.rssMb > 0 && s.fds > 0)).toBe(true);
      expect(result.exitCode).toBe(0);
    } finally {
      fs.rmSync(result.dir, { recursive: true, force: true });
    }
  }, 120_000);
});
