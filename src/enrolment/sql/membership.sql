-- Who is in a round and how: the one statement of "holds a seat", and the cohort_member view other
-- areas read instead of enrolment and the facilitator list.

-- A confirmed or completed participant holds one of the round's seats; pending approval and the
-- waitlist do not, nor does a cancelled place.
CREATE OR REPLACE FUNCTION holds_seat(status text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT status IN ('confirmed', 'completed')
$$;

-- One row per participant's enrolment (any status) and per facilitator. "In the round" is
-- holds_seat OR role = 'facilitator' (the `is_in` column).
CREATE OR REPLACE VIEW cohort_member AS
  SELECT e.cohort_id, e.user_id, e.agency_id, 'participant'::text AS role, e.status, holds_seat(e.status) AS is_in,
         e.id AS enrolment_id, e.waitlist_position, e.confirmed_at, e.completed_at
  FROM enrolment e
  UNION ALL
  SELECT f.cohort_id, f.user_id, NULL::uuid, 'facilitator'::text, 'facilitating'::text, true, NULL::uuid, NULL::integer, NULL::timestamptz, NULL::timestamptz
  FROM facilitator_listing f;
