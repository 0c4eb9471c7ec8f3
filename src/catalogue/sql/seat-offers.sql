-- What enrolment may read of a round's seat offers: how many hours the next in line has to claim a
-- freed seat (cohort.seat_offer_hours), or NULL when a freed seat is confirmed at once.
CREATE OR REPLACE FUNCTION cohort_seat_offer_hours(p_cohort uuid) RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT seat_offer_hours FROM cohort WHERE id = p_cohort
$$;
