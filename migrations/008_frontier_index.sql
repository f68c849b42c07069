-- The frontier from history reads these columns of a workspace's last 13 weeks of summaries on
-- every `ratio`, org digest and Home tab; an index that holds them all is read without touching
-- the rows (which carry the figures JSON). It begins with (workspace_id, closed_at), so it also
-- serves every query the index it replaces served.
CREATE INDEX round_summaries_frontier ON round_summaries
  (workspace_id, closed_at, team_id, round_id, ratio, tooth_responses, k, median_productive_pct);
DROP INDEX round_summaries_by_workspace;
