-- What other areas may read of catalogue's records about people, beyond the listings: whom a
-- programme names as its facilitators, and who changed a session (a person's download counts these).

CREATE OR REPLACE VIEW programme_facilitator_listing AS
  SELECT programme_id, user_id FROM programme_facilitator;

CREATE OR REPLACE VIEW session_change_by_person AS
  SELECT id, session_id, changed_by_id, created_at FROM session_change;
