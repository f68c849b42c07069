-- Capacity lost, in people (SPEC section 4), beside the other figure columns for readers in SQL.
-- The means were already kept in the figures JSON and are copied out. The FTE figures need the
-- unrounded mean, which older summaries never stored, so they stay NULL for rounds closed before
-- this migration, as the export and the report show them (empty, or null).
ALTER TABLE round_summaries ADD COLUMN mean_waiting_pct REAL;
ALTER TABLE round_summaries ADD COLUMN mean_infra_pct REAL;
ALTER TABLE round_summaries ADD COLUMN waiting_fte REAL;
ALTER TABLE round_summaries ADD COLUMN infra_fte REAL;
UPDATE round_summaries
SET mean_waiting_pct = json_extract(figures, '$.meanWaitingPct'),
    mean_infra_pct = json_extract(figures, '$.meanInfraPct');
