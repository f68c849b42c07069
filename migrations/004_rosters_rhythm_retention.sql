-- Rosters kept equal to Slack user groups (`roster sync`), one org digest a day for `all`
-- subscriptions, one check-in for a person on several teams, and opt-in blocker themes.

-- A team's roster follows these groups: each person in a group is on the team in the group's role.
CREATE TABLE roster_syncs (
  id INTEGER PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  usergroup_id TEXT NOT NULL,
  handle TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('data-scientist', 'engineer')),
  specialty TEXT CHECK (specialty IS NULL OR (role = 'engineer' AND specialty IN ('ml', 'data', 'infra', 'app'))),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  synced_at TEXT NOT NULL
);
CREATE UNIQUE INDEX roster_syncs_unique ON roster_syncs (team_id, usergroup_id);
CREATE INDEX roster_syncs_by_group ON roster_syncs (workspace_id, usergroup_id);

-- Each-round `all` subscriptions: the newest close their last org digest covered, and its day
-- (YYYY-MM-DD in DEFAULT_TIMEZONE), so at most one goes out a day.
ALTER TABLE subscriptions ADD COLUMN org_digest_through TEXT;
ALTER TABLE subscriptions ADD COLUMN org_digest_day TEXT;

-- A person already asked in another open round (same role) gets no second DM: that round's
-- check-in covers this one, and one submission is recorded in both.
ALTER TABLE round_roster ADD COLUMN covered_by INTEGER REFERENCES rounds (id);

-- Per-workspace switches an admin turns on; everything is off until then.
CREATE TABLE org_settings (
  workspace_id TEXT PRIMARY KEY,
  blocker_themes INTEGER NOT NULL DEFAULT 0 CHECK (blocker_themes IN (0, 1)),
  changed_by TEXT,
  changed_at TEXT,
  -- The Monday (YYYY-MM-DD) of the last week whose blocker themes were posted.
  last_blocker_week TEXT
);

-- Retention deletes raw answers by their round's close.
CREATE INDEX rounds_by_closed ON rounds (closed_at);
