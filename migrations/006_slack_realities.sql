-- What real Slack does to an install (issue 11): channels the app cannot post in, people who
-- leave or come from other organisations, and workspaces that uninstall the app.

-- A subscription whose channel refuses digests: the problem Slack named (not_in_channel,
-- is_archived, channel_not_found, ...), since when, and which problem its creator was told about,
-- so they hear once per problem rather than once per digest. All NULL when digests arrive.
ALTER TABLE subscriptions ADD COLUMN problem TEXT;
ALTER TABLE subscriptions ADD COLUMN problem_since TEXT;
ALTER TABLE subscriptions ADD COLUMN problem_notified TEXT;

-- A person from another organisation (Slack Connect: users.info is_stranger, or another team_id).
ALTER TABLE users ADD COLUMN is_external INTEGER NOT NULL DEFAULT 0;

-- Workspaces that uninstalled the app (app_uninstalled, tokens_revoked, or a dead bot token).
-- A row with uninstalled_at set stops every send and schedule for that workspace; a reinstall
-- clears it. The workspace's data stays until an admin deletes it (tooth-tail delete-workspace).
CREATE TABLE workspace_installs (
  workspace_id TEXT PRIMARY KEY,
  uninstalled_at TEXT,
  reason TEXT
);
