-- Every table carries workspace_id (Slack's team_id) so one database can serve several
-- workspaces. Times are ISO 8601 UTC text, which sorts as time does.

CREATE TABLE teams (
  id INTEGER PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  channel_id TEXT,
  timezone TEXT NOT NULL,
  anonymity_threshold INTEGER CHECK (anonymity_threshold IS NULL OR anonymity_threshold >= 3),
  schedule_cron TEXT NOT NULL DEFAULT '0 10 * * MON',
  open_days INTEGER NOT NULL DEFAULT 3 CHECK (open_days BETWEEN 1 AND 28),
  schedule_since TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  removed_at TEXT
);
CREATE UNIQUE INDEX teams_live_name ON teams (workspace_id, name_key) WHERE removed_at IS NULL;

CREATE TABLE members (
  id INTEGER PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  user_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('data-scientist', 'engineer')),
  specialty TEXT CHECK (specialty IS NULL OR (role = 'engineer' AND specialty IN ('ml', 'data', 'infra', 'app'))),
  joined_at TEXT NOT NULL,
  left_at TEXT
);
CREATE UNIQUE INDEX members_current ON members (team_id, user_id) WHERE left_at IS NULL;
CREATE INDEX members_by_user ON members (workspace_id, user_id);

CREATE TABLE rounds (
  id INTEGER PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  scheduled_for TEXT,
  opened_at TEXT NOT NULL,
  closes_at TEXT NOT NULL,
  closed_at TEXT,
  reminders_sent INTEGER NOT NULL DEFAULT 0,
  opened_by TEXT NOT NULL
);
-- At most one open round per team, and a scheduled instant opens at most one round.
CREATE UNIQUE INDEX rounds_one_open ON rounds (team_id) WHERE closed_at IS NULL;
CREATE UNIQUE INDEX rounds_scheduled_once ON rounds (team_id, scheduled_for) WHERE scheduled_for IS NOT NULL;
CREATE INDEX rounds_by_team ON rounds (team_id, closed_at);

-- Who was asked, in which role, when the round opened.
CREATE TABLE round_roster (
  round_id INTEGER NOT NULL REFERENCES rounds (id),
  workspace_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('data-scientist', 'engineer')),
  specialty TEXT,
  prompt_at TEXT NOT NULL,
  PRIMARY KEY (round_id, user_id)
);

CREATE TABLE responses (
  id INTEGER PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  round_id INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('data-scientist', 'engineer')),
  waiting_pct INTEGER CHECK (waiting_pct IN (0, 5, 10, 20, 30, 50, 70)),
  infra_pct INTEGER CHECK (infra_pct IN (0, 5, 10, 20, 30, 50, 70)),
  path_to_prod TEXT CHECK (path_to_prod IN ('self-serve', 'rewrite', 'paired', 'diy-infra', 'not-shipped', 'n/a')),
  rewrite_pct INTEGER CHECK (rewrite_pct IN (0, 5, 10, 20, 30, 50, 70)),
  support_pct INTEGER CHECK (support_pct IN (0, 5, 10, 20, 30, 50, 70)),
  platform_pct INTEGER CHECK (platform_pct IN (0, 5, 10, 20, 30, 50, 70)),
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
CREATE INDEX responses_by_user ON responses (workspace_id, user_id);

-- The team-level aggregate stored when a round closes: history without raw answers.
CREATE TABLE round_summaries (
  round_id INTEGER PRIMARY KEY REFERENCES rounds (id),
  workspace_id TEXT NOT NULL,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  team_name TEXT NOT NULL,
  opened_at TEXT NOT NULL,
  closed_at TEXT NOT NULL,
  tooth INTEGER NOT NULL,
  tail INTEGER NOT NULL,
  ratio REAL,
  tooth_responses INTEGER NOT NULL,
  tail_responses INTEGER NOT NULL,
  k INTEGER NOT NULL,
  median_waiting_pct REAL,
  median_infra_pct REAL,
  median_productive_pct REAL,
  mean_handmaid_load REAL,
  failure_mode TEXT NOT NULL,
  figures TEXT NOT NULL
);
CREATE INDEX round_summaries_by_team ON round_summaries (team_id, closed_at);
CREATE INDEX round_summaries_by_workspace ON round_summaries (workspace_id, closed_at);

CREATE TABLE subscriptions (
  id INTEGER PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  team_id INTEGER REFERENCES teams (id),
  cadence TEXT NOT NULL CHECK (cadence IN ('weekly', 'monthly', 'each-round')),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_period_end TEXT
);
-- team_id NULL means the whole org; one subscription per channel and scope.
CREATE UNIQUE INDEX subscriptions_unique ON subscriptions (workspace_id, channel_id, ifnull(team_id, 0));

-- What Slack told us about a person: time zone and admin flags, cached.
CREATE TABLE users (
  workspace_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  name TEXT,
  tz TEXT,
  is_admin INTEGER NOT NULL DEFAULT 0,
  is_owner INTEGER NOT NULL DEFAULT 0,
  is_bot INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  fetched_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, user_id)
);

-- The outbox: every message to a person or channel is a row first, then a Slack call.
CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('prompt', 'reminder', 'digest', 'file')),
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
CREATE INDEX deliveries_due ON deliveries (status, not_before);
CREATE INDEX deliveries_by_round_user ON deliveries (round_id, user_id);
