import { randomBytes, randomInt } from 'node:crypto';

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** Slack-looking object ids: `V0ABC123XYZ` for views, `F…` for files. */
export function slackId(prefix: string): string {
  return `${prefix}0${randomString(UPPER_ALNUM, 9)}`;
}

/** Shaped like Slack's: `398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c`. */
export function newTriggerId(): string {
  return `${randomInt(1e11, 1e12)}.${randomInt(1e10, 1e11)}.${randomBytes(16).toString('hex')}`;
}

/** A view hash: Slack's look like `1712345678.AbCdEfGh`. */
export function newViewHash(nowMs: number): string {
  return `${Math.floor(nowMs / 1000)}.${randomString(MIXED_ALNUM, 8)}`;
}

/** Slack generates a short block_id for blocks that have none. */
export function newBlockId(): string {
  return randomString(MIXED_ALNUM, 5);
}

export function newSecret(): string {
  return randomBytes(12).toString('hex');
}

/**
 * Message timestamps: `seconds.micros` from the sandbox clock, strictly increasing so that two
 * messages posted in the same microsecond (or under a frozen test clock) still get distinct ts.
 */
export class MessageClock {
  private lastMicros = 0n;

  constructor(private readonly now: () => number) {}

  next(): string {
    const micros = BigInt(Math.floor(this.now() * 1000));
    this.lastMicros = micros > this.lastMicros ? micros : this.lastMicros + 1n;
    const seconds = this.lastMicros / 1_000_000n;
    const fraction = (this.lastMicros % 1_000_000n).toString().padStart(6, '0');
    return `${seconds}.${fraction}`;
  }
}

/** 32 hex characters, for response_url paths and Socket Mode tickets. */
export function randomUUIDShort(): string {
  return randomBytes(16).toString('hex');
}
