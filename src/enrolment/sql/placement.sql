-- Where a person goes in a round: the agency cap, placement of a new or approved enrolment, and
-- who is next when a seat frees. The one statement of each; the TypeScript service calls these.

-- Whether the agency may take one more seat in the round: no cap, no agency, or fewer seats held
-- (takes_seat: an open offer counts) by the agency's people than the cap.
CREATE OR REPLACE FUNCTION enrolment_agency_has_room(p_cohort uuid, p_agency uuid, p_cap integer) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT p_cap IS NULL OR p_agency IS NULL
      OR (SELECT count(*) FROM enrolment e WHERE e.cohort_id = p_cohort AND e.agency_id = p_agency AND takes_seat(e.status)) < p_cap
$$;

-- Where a new person goes now: a seat while the round has one free and their agency has room under
-- its cap, else the end of the queue. One rule for every way in (enrolment_enrol, an approval).
-- Call it with the cohort's row locked, so the counts cannot move before the place is taken.
CREATE OR REPLACE FUNCTION enrolment_placement(p_cohort uuid, p_agency uuid)
  RETURNS TABLE(placed_status text, placed_position integer) LANGUAGE sql AS $$
  SELECT x.placed, CASE WHEN x.placed = 'waitlisted' THEN c.waitlist_length + 1 END
  FROM cohort_listing c,
  LATERAL (SELECT CASE WHEN c.seats_taken < c.capacity AND enrolment_agency_has_room(c.id, p_agency, c.agency_seat_cap)
                  THEN 'confirmed' ELSE 'waitlisted' END AS placed) x
  WHERE c.id = p_cohort
$$;
