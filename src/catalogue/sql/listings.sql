-- What other areas may read about programmes, rounds (cohorts), their sessions and facilitators.
-- Catalogue owns the tables behind these; only catalogue writes them.
CREATE OR REPLACE VIEW programme_listing AS
  SELECT id, slug, title, summary, description, position, created_at, updated_at, theme, status FROM programme;

CREATE OR REPLACE VIEW cohort_listing AS
  SELECT id, programme_id, name, term, status, capacity, agency_seat_cap, requires_approval, enrolment_opens_at,
         enrolment_closes_at, cancellation_deadline, delivery_mode, place, meeting_link, seats_taken, waitlist_length,
         starts_at, ends_at, copied_from_id, created_at, updated_at, reminder_offsets
  FROM cohort;

CREATE OR REPLACE VIEW session_listing AS
  SELECT id, cohort_id, starts_at, ends_at, place, meeting_link, agenda, status, revision, created_at, updated_at FROM cohort_session;

CREATE OR REPLACE VIEW facilitator_listing AS
  SELECT cohort_id, user_id FROM cohort_facilitator;
