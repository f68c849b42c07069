-- The two tables written on every check-in and every send state their allowed values as `=`
-- comparisons joined by OR instead of `IN (...)` lists. The rules are the same. SQLite checks an
-- IN list of more than two values by building a temporary index of the list each time the
-- statement runs: a response's upsert built twelve (six lists, for the insert and for the
-- update), which made it cost three to four times as much (about 40 µs instead of 10), and more
-- when the C library returned that memory to the system after each statement and took it back
-- for the next. SQLite cannot change a CHECK constraint in place, so both tables are rebuilt with
-- the same columns, rows and indexes. test/storage/constraints.test.ts keeps it so.
CREATE TABLE responses_next (
  id INTEGER PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  round_id INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role = 'data-scientist' OR role = 'engineer'),
  waiting_pct INTEGER CHECK (waiting_pct = 0 OR waiting_pct = 5 OR waiting_pct = 10 OR waiting_pct = 20
    OR waiting_pct = 30 OR waiting_pct = 50 OR waiting_pct = 70),
  infra_pct INTEGER CHECK (infra_pct = 0 OR infra_pct = 5 OR infra_pct = 10 OR infra_pct = 20
    OR infra_pct = 30 OR infra_pct = 50 OR infra_pct = 70),
  path_to_prod TEXT CHECK (path_to_prod = 'self-serve' OR path_to_prod = 'rewrite' OR path_to_prod = 'paired'
    OR path_to_prod = 'diy-infra' OR path_to_prod = 'not-shipped' OR path_to_prod = 'n/a'),
  rewrite_pct INTEGER CHECK (rewrite_pct = 0 OR rewrite_pct = 5 OR rewrite_pct = 10 OR rewrite_pct = 20
    OR rewrite_pct = 30 OR rewrite_pct = 50 OR rewrite_pct = 70),
  support_pct INTEGER CHECK (support_pct = 0 OR support_pct = 5 OR support_pct = 10 OR support_pct = 20
    OR support_pct = 30 OR support_pct = 50 OR support_pct = 70),
  platform_pct INTEGER CHECK (platform_pct = 0 OR platform_pct = 5 OR platform_pct = 10 OR platform_pct = 20
    OR platform_pct = 30 OR platform_pct = 50 OR platform_pct = 70),
  blocker TEXT CHECK (blocker IS NULL OR length(blocker) <= 500),
  submitted_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  -- One response per round and member, and only from someone the round asked.
  UNIQUE (round_id, user_id),
  FOREIGN KEY (round_id, user_id) REFERENCES round_roster (round_id, user_id),
  CHECK (
    (role = 'data-scientist' AND waiting_pct IS NOT NULL AND infra_pct IS NOT NULL AND path_to_prod IS NOT NULL
      AND rewrite_pct IS NULL AND support_pct IS NULL AND platform_pct IS NULL)
    OR (role = 'engineer' AND rewrite_pct IS NOT NULL AND support_pct IS NOT NULL AND platform_pct IS NOT NULL
      AND waiting_pct IS NULL AND infra_pct IS NULL AND path_to_prod IS NULL)
  )
);
INSERT INTO responses_next (id, workspace_id, round_id, user_id, role, waiting_pct, infra_pct, path_to_prod,
  rewrite_pct, support_pct, platform_pct, blocker, submitted_at, updated_at)
SELECT id, workspace_id, round_id, user_id, role, waiting_pct, infra_pct, path_to_prod,
  rewrite_pct, support_pct, platform_pct, blocker, submitted_at, updated_at
FROM responses;
DROP TABLE responses;
ALTER TABLE responses_next RENAME TO responses;
CREATE INDEX responses_by_user ON responses (workspace_id, user_id);

CREATE TABLE deliveries_next (
  id INTEGER PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind = 'prompt' OR kind = 'reminder' OR kind = 'digest' OR kind = 'file'
    OR kind = 'update'),
  dedupe_key TEXT NOT NULL,
  channel TEXT NOT NULL,
  payload TEXT NOT NULL,
  round_id INTEGER REFERENCES rounds (id),
  user_id TEXT,
  not_before TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status = 'pending' OR status = 'sending' OR status = 'sent'
    OR status = 'failed' OR status = 'skipped'),
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
