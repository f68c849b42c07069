-- A check-in submission looks for the edit of the person's check-in DM that is still waiting to be
-- sent, to give it the new thanks in place (OutboxRepository.replacePendingEdit). Through the
-- (round_id, user_id) index that lookup read every delivery of the person's round, prompts,
-- reminders and every edit already sent, and took each edit's payload apart as JSON to compare
-- the DM's ts: the more often someone changed their answers, the slower each change became. This
-- index holds only the edits waiting to be sent, at most one or two per person and round, so the
-- lookup reads those alone. test/services/check-ins.test.ts checks that the lookup uses it.
CREATE INDEX deliveries_pending_edits ON deliveries (round_id, user_id)
  WHERE status = 'pending' AND kind = 'update';
