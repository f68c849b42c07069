import { immediateTransaction, withBusyTimeout } from './database.js';
import { Repository } from './repository.js';

/** A named lease in the database: who holds it, and until when. */
export interface Lease {
  name: string;
  holder: string;
  acquiredAt: string;
  renewedAt: string;
  expiresAt: string;
}

interface LeaseRow {
  name: string;
  holder: string;
  acquired_at: string;
  renewed_at: string;
  expires_at: string;
}

const toLease = (r: LeaseRow): Lease => ({
  name: r.name,
  holder: r.holder,
  acquiredAt: r.acquired_at,
  renewedAt: r.renewed_at,
  expiresAt: r.expires_at,
});

export interface AcquireResult {
  /** Whether `holder` holds the lease now. */
  held: boolean;
  /** The lease as it stood before this call (another holder's, an expired one, or ours). */
  previous: Lease | undefined;
  /** The lease as it stands after this call. */
  current: Lease;
}

export class LeaseRepository extends Repository {
  private readonly byName = this.db.prepare<[string], LeaseRow>('SELECT * FROM leases WHERE name = ?');
  private readonly upsert = this.db.prepare(
    `INSERT INTO leases (name, holder, acquired_at, renewed_at, expires_at)
     VALUES (@name, @holder, @now, @now, @expiresAt)
     ON CONFLICT (name) DO UPDATE SET
       acquired_at = CASE WHEN holder = excluded.holder THEN acquired_at ELSE excluded.acquired_at END,
       holder = excluded.holder, renewed_at = excluded.renewed_at, expires_at = excluded.expires_at`,
  );
  private readonly expire = this.db.prepare(
    'UPDATE leases SET expires_at = @now, renewed_at = @now WHERE name = @name AND holder = @holder',
  );

  /**
   * Takes the lease for `holder` until `expiresAt` when it is free, expired or already theirs
   * (a renewal); otherwise leaves it with its holder. The decision is made in one immediate
   * transaction, so two processes asking at once are served one after the other and exactly one
   * of them gets it. A lease plainly held by another is answered from a read alone, so the
   * processes waiting for it do not take the write lock every time they ask.
   */
  acquire(
    name: string,
    holder: string,
    now: string,
    expiresAt: string,
    options: { waitMs?: number } = {},
  ): AcquireResult {
    const seen = this.get(name);
    if (seen && seen.holder !== holder && seen.expiresAt > now)
      return { held: false, previous: seen, current: seen };
    const decide = () =>
      immediateTransaction(this.db, (): AcquireResult => {
        const previous = this.get(name);
        if (previous && previous.holder !== holder && previous.expiresAt > now)
          return { held: false, previous, current: previous };
        this.upsert.run({ name, holder, now, expiresAt });
        return { held: true, previous, current: this.get(name) as Lease };
      });
    return options.waitMs === undefined ? decide() : withBusyTimeout(this.db, options.waitMs, decide);
  }

  /** Gives the lease up at once (it expires now), so another process need not wait it out. */
  release(name: string, holder: string, now: string): boolean {
    return this.expire.run({ name, holder, now }).changes > 0;
  }

  get(name: string): Lease | undefined {
    const row = this.byName.get(name);
    return row && toLease(row);
  }
}
