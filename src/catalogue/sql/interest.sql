-- What other areas may read of "tell me when the next round opens": a person's own rows on
-- programmes' interest lists, waiting or already told (a person's download reads these).

CREATE OR REPLACE VIEW programme_interest_by_person AS
  SELECT id, programme_id, user_id, agency_id, created_at, notified_at, notified_cohort_id FROM programme_interest;
