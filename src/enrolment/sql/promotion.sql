-- Waitlist promotion: while the round has a seat free, it goes to the first person in the queue
-- whose agency has room under its cap (people at their agency's cap keep their place and wait).
-- The enrolment that is next in line, or NULL when nobody is: EnrolmentService.promote confirms it.
CREATE OR REPLACE FUNCTION enrolment_next_in_line(p_cohort uuid) RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT e.id
  FROM cohort_listing c JOIN enrolment e ON e.cohort_id = c.id AND e.status = 'waitlisted'
  WHERE c.id = p_cohort AND c.seats_taken < c.capacity AND enrolment_agency_has_room(c.id, e.agency_id, c.agency_seat_cap)
  ORDER BY e.waitlist_position
  LIMIT 1
$$;
