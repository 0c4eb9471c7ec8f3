-- What other areas may read of a person's enrolments, their history, attendance and completions
-- (a person's download of their data reads these). An approval link's hash is not part of it.

CREATE OR REPLACE VIEW enrolment_by_person AS
  SELECT id, user_id, cohort_id, status, waitlist_position, manager_email, approval_expires_at, confirmed_at, completed_at, created_at, updated_at
  FROM enrolment;

-- Every change of an enrolment's status or waitlist place; changed_by_id is null for an automatic one.
CREATE OR REPLACE VIEW enrolment_history AS
  SELECT id, enrolment_id, cohort_id, from_status, to_status, from_position, to_position, reason, changed_by_id, created_at
  FROM enrolment_change;

CREATE OR REPLACE VIEW attendance_by_person AS
  SELECT session_id, user_id, present, marked_by_id, marked_at FROM attendance;

-- The register of trained developers: agency_id is the person's agency when they completed.
CREATE OR REPLACE VIEW completion_by_person AS
  SELECT id, user_id, programme_id, cohort_id, agency_id, marked_by_id, completed_at FROM completion;
