import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { type Db, SQLITE_DRIVER } from './database.js';

export interface CheckpointLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** What a checkpoint of the worker's did (SQLite's wal_checkpoint: busy, log, checkpointed). */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

type WorkerMessage = { ready?: true; ok?: boolean; result?: CheckpointResult; error?: string };

/** SQLite's own default: a commit that leaves the WAL over this many pages checkpoints. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

// The worker's code, as text: a worker started from a file would need that file compiled, and
// the app also runs from src/ (tsx, the tests). It is handed the driver's resolved path.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try {
    parentPort.postMessage({ ok: true, result: db.pragma('wal_checkpoint(PASSIVE)')[0] });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String((error && error.message) || error) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
parentPort.postMessage({ ready: true });
`;

/**
 * Moves SQLite's checkpoints off the thread that answers Slack. In WAL mode SQLite copies the
 * WAL back into the database file from inside whichever commit takes the WAL past 1,000 pages,
 * and waits for the disk there: measured here, such a commit takes from a few to 35 ms instead of
 * a tenth of one, and with better-sqlite3 every request in the process waits behind it (a burst
 * of check-in submissions meets one every hundred or so). So the app's connection does not
 * checkpoint (`wal_autocheckpoint = 0`), and a worker thread with a connection of its own runs a
 * PASSIVE checkpoint every `intervalMs`: it copies what no reader still needs and never waits for,
 * or blocks, the app's readers and writer.
 *
 * If the worker cannot start or stops, the connection checkpoints itself again (SQLite's default),
 * so the WAL never grows without bound; that is logged once.
 */
export class Checkpointer {
  private worker: Worker | null = null;
  private stopping = false;
  private fellBack = false;
  private lastError: string | null = null;
  private readonly listeners = new Set<(result: CheckpointResult) => void>();

  private constructor(
    private readonly db: Db,
    private readonly logger: CheckpointLogger,
  ) {}

  /** Starts the worker for the database file `file`, which `db` has open. */
  static start(
    db: Db,
    file: string,
    logger: CheckpointLogger,
    options: { intervalMs?: number; driver?: string } = {},
  ): Checkpointer {
    const checkpointer = new Checkpointer(db, logger);
    if (file === ':memory:' || db.readonly) return checkpointer;
    try {
      const driver = options.driver ?? createRequire(import.meta.url).resolve(SQLITE_DRIVER);
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { driver, file, intervalMs: options.intervalMs ?? 1000 },
      });
      worker.unref();
      checkpointer.worker = worker;
      db.pragma('wal_autocheckpoint = 0');
      worker.on('message', (message: WorkerMessage) => checkpointer.heard(message));
      worker.once('error', (error) => checkpointer.fallBack(error.message));
      worker.once('exit', (code) => {
        if (!checkpointer.stopping) checkpointer.fallBack(`the worker exited with code ${code}`);
      });
    } catch (error) {
      checkpointer.fallBack((error as Error).message);
    }
    return checkpointer;
  }

  /** Whether the worker checkpoints (false: the connection does, as SQLite does by default). */
  get running(): boolean {
    return this.worker !== null;
  }

  /** Calls `listener` after each of the worker's checkpoints (tests wait on it). */
  onCheckpoint(listener: (result: CheckpointResult) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.stopping = true;
    this.worker = null;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('stop');
    // A worker stuck in a checkpoint is not waited for long: the connection's close checkpoints.
    const timer = setTimeout(() => void worker.terminate(), 2000);
    await exited;
    clearTimeout(timer);
  }

  private heard(message: WorkerMessage): void {
    if (message.ready) return;
    if (message.ok && message.result) {
      if (this.lastError !== null) this.logger.info('checkpoints of the database work again');
      this.lastError = null;
      for (const listener of this.listeners) listener(message.result);
      return;
    }
    // A failed checkpoint (the disk, a lock) is tried again at the next interval; said once.
    const error = message.error ?? 'unknown error';
    if (this.lastError === null)
      this.logger.warn(`a checkpoint of the database failed (${error}); it is tried again every interval`);
    this.lastError = error;
  }

  private fallBack(reason: string): void {
    // A worker that fails says so twice ('error', then 'exit'): once is enough.
    if (this.stopping || this.fellBack) return;
    this.fellBack = true;
    this.worker = null;
    try {
      this.db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
    } catch {
      // The connection is closed: nothing is written through it any more.
    }
    this.logger.warn(
      `the database's checkpoint worker stopped (${reason.split('\n')[0]}); the app's own commits checkpoint again`,
    );
  }
}
