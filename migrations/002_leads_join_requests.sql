-- Team leads: a relation of their own, apart from the roster, so a lead is not surveyed or
-- counted in a ratio unless they are also a member.
CREATE TABLE team_leads (
  team_id INTEGER NOT NULL REFERENCES teams (id),
  workspace_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL,
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_leads_by_user ON team_leads (workspace_id, user_id);

-- `join` asks; a lead or admin decides with a button. At most one pending request per person
-- and team, so a second `join` or a double click cannot queue twice.
CREATE TABLE join_requests (
  id INTEGER PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  user_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('data-scientist', 'engineer')),
  specialty TEXT CHECK (specialty IS NULL OR (role = 'engineer' AND specialty IN ('ml', 'data', 'infra', 'app'))),
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'declined')),
  requested_at TEXT NOT NULL,
  decided_by TEXT,
  decided_at TEXT
);
CREATE UNIQUE INDEX join_requests_one_pending ON join_requests (team_id, user_id) WHERE status = 'pending';

-- Per-workspace choices an admin makes; one row per workspace, defaults when absent.
CREATE TABLE workspace_settings (
  workspace_id TEXT PRIMARY KEY,
  ratio_visibility TEXT NOT NULL DEFAULT 'everyone' CHECK (ratio_visibility IN ('everyone', 'leads'))
);
