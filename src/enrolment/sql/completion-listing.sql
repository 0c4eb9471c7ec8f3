-- What the register of trained developers reads of completions: who completed which programme in
-- which round, with which agency, and whether the retention job has anonymised the row (then
-- user_id is null and only the numbers remain). The certificate code is not part of it.
CREATE OR REPLACE VIEW completion_listing AS
  SELECT id, programme_id, cohort_id, user_id, agency_id, completed_at, anonymised_at FROM completion;
