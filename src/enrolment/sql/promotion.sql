-- Waitlist promotion: while the round has a seat free, it goes to the first person in the queue
-- whose agency has room under its cap (people at their agency's cap keep their place and wait).
-- The enrolment that is next in line, or NULL when nobody is: EnrolmentService.promote confirms it,
-- or offers it the seat (enrolment_offer_deadline).
CREATE OR REPLACE FUNCTION enrolment_next_in_line(p_cohort uuid) RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT e.id
  FROM cohort_listing c JOIN enrolment e ON e.cohort_id = c.id AND e.status = 'waitlisted'
  WHERE c.id = p_cohort AND c.seats_taken < c.capacity AND enrolment_agency_has_room(c.id, e.agency_id, c.agency_seat_cap)
  ORDER BY e.waitlist_position
  LIMIT 1
$$;

-- Until when the next in line may claim a freed seat: the round's seat_offer_hours from now, but
-- never past its first scheduled session. NULL when the round confirms at once (no
-- seat_offer_hours) or that moment is not in the future (the round has begun): then the seat is
-- confirmed as before.
CREATE OR REPLACE FUNCTION enrolment_offer_deadline(p_cohort uuid) RETURNS timestamptz LANGUAGE sql STABLE AS $$
  SELECT d.deadline FROM (
    SELECT least(now() + make_interval(hours => h.hours),
                 (SELECT min(s.starts_at) FROM session_listing s WHERE s.cohort_id = p_cohort AND s.status = 'scheduled')) AS deadline
    FROM (SELECT cohort_seat_offer_hours(p_cohort) AS hours) h WHERE h.hours IS NOT NULL
  ) d WHERE d.deadline > now()
$$;
