-- Which process does the background work (the scheduler's tick and the outbox sender) when
-- several run on one database, as during a rolling deploy. Every process answers Slack; only the
-- holder of the `worker` lease runs the background work. The holder renews the lease while it
-- lives; once expires_at has passed, any process may take it over. Times are ISO 8601 UTC text.
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  acquired_at TEXT NOT NULL,
  renewed_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
