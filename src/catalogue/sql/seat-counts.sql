-- A round's seat counters (cohort.seats_taken, cohort.waitlist_length): catalogue owns the row, and
-- this is the one UPDATE of the counters. Enrolment's trigger (enrolment/sql/seat-counts.sql) calls
-- it for every change of a place, under the cohort's row lock that every enrolment change takes first.
-- PL/pgSQL rather than SQL so that its plan is kept for the session: the enrolment rush calls it once an enrolment.
CREATE OR REPLACE FUNCTION cohort_seats_add(p_cohort uuid, p_taken integer, p_waitlisted integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cohort SET seats_taken = seats_taken + p_taken, waitlist_length = waitlist_length + p_waitlisted WHERE id = p_cohort;
END
$$;
