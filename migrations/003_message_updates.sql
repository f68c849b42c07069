-- A delivery may now edit a message already sent (chat.update): the check-in DM's "Thanks,
-- recorded" waits in the outbox like any other message instead of on the submission's request
-- path. SQLite cannot change a CHECK constraint in place, so the table is rebuilt with the same
-- columns, rows and indexes.
CREATE TABLE deliveries_next (
  id INTEGER PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('prompt', 'reminder', 'digest', 'file', 'update')),
  dedupe_key TEXT NOT NULL,
  channel TEXT NOT NULL,
  payload TEXT NOT NULL,
  round_id INTEGER REFERENCES rounds (id),
  user_id TEXT,
  not_before TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
  attempts INTEGER NOT NULL DEFAULT 0,
  message_channel TEXT,
  message_ts TEXT,
  error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (workspace_id, dedupe_key)
);
INSERT INTO deliveries_next (id, workspace_id, kind, dedupe_key, channel, payload, round_id, user_id, not_before,
  status, attempts, message_channel, message_ts, error, created_at, updated_at)
SELECT id, workspace_id, kind, dedupe_key, channel, payload, round_id, user_id, not_before,
  status, attempts, message_channel, message_ts, error, created_at, updated_at
FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_next RENAME TO deliveries;
CREATE INDEX deliveries_due ON deliveries (status, not_before);
CREATE INDEX deliveries_by_round_user ON deliveries (round_id, user_id);
