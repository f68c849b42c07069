// A second process writing to the database as fast as it can, for tests that need write load
// (the backup under load): `node --import tsx test/helpers/write-load.ts <database>`. Each delivery
// `load:<n>` is queued in its own transaction, n = 1, 2, 3, … so the rows committed at any moment
// are exactly load:1 … load:N. It prints "ready" after the first commit and runs until killed.
import { openDatabase } from '../../src/storage/database.js';
import { OutboxRepository } from '../../src/storage/outbox.js';

const file = process.argv[2];
if (!file) throw new Error('usage: write-load.ts <database>');
const outbox = new OutboxRepository(openDatabase(file));
let n = 0;
const writeSome = () => {
  for (let i = 0; i < 20; i++) {
    n += 1;
    outbox.enqueue(
      [
        {
          workspaceId: 'T0LOAD',
          kind: 'digest',
          dedupeKey: `load:${n}`,
          channel: 'C0LOAD',
          payload: { text: `row ${n} ${'x'.repeat(200)}` },
          notBefore: '2999-01-01T00:00:00.000Z',
        },
      ],
      new Date().toISOString(),
    );
  }
  if (n === 20) process.stdout.write('ready\n');
  setImmediate(writeSome);
};
writeSome();
