-- Enrolling: whether a round takes an enrolment now, and the common case of enrolling in one
-- statement (the rush on a popular round), so the cohort's row lock is held only inside PostgreSQL.

-- Why the round refuses an enrolment now ('enrolment.refused.<why>'), or NULL when it takes one.
-- A person enrolling themself (p_self) needs a published round whose enrolment window is open; a
-- facilitator or admin may add people to a draft or published round at any time, never to a
-- finished one. The TypeScript service asks this too (EnrolmentService.lockCohort), so the rule is here alone.
CREATE OR REPLACE FUNCTION enrolment_refusal(p_status text, p_opens_at timestamptz, p_closes_at timestamptz, p_self boolean) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN p_status IN ('cancelled', 'completed') OR (p_self AND p_status <> 'published') THEN 'enrolment.refused.' || p_status
    WHEN p_self AND now() < p_opens_at THEN 'enrolment.refused.notOpenYet'
    WHEN p_self AND now() >= p_closes_at THEN 'enrolment.refused.closed'
  END
$$;

-- Enrols a person: locks the cohort's row first (as every enrolment change does), returns an
-- active enrolment the person already has as it is, refuses (enrolment_refusal; 'needsApproval'
-- when a person enrolling themself must name a manager, 'notFound'), or places them
-- (enrolment_placement) with their history row and their confirmed/waitlisted notification
-- (notification_enqueue). The seat counters follow by the enrolment_seat_counts trigger.
-- EnrolmentService.admitInOneGo calls it, in its own transaction or in the caller's.
CREATE OR REPLACE FUNCTION enrolment_enrol(
  p_cohort uuid, p_user uuid, p_agency uuid, p_changed_by uuid, p_reason text, p_self boolean, p_email text, p_name text, p_language text
) RETURNS TABLE(out_id uuid, out_status text, out_position integer, out_created boolean, out_refusal text) LANGUAGE plpgsql AS $$
DECLARE
  c record;
  found_id uuid;
  found_status text;
  found_position integer;
  refusal text;
  placed text;
  placed_at integer;
BEGIN
  SELECT co.id, co.name, co.status, co.requires_approval, co.enrolment_opens_at, co.enrolment_closes_at, co.starts_at,
         coalesce(nullif(pr.title->>p_language, ''), pr.title->>'fi') AS programme_title
    INTO c FROM cohort_listing co JOIN programme_listing pr ON pr.id = co.programme_id WHERE co.id = p_cohort FOR UPDATE OF co;
  IF NOT FOUND THEN
    RETURN QUERY SELECT NULL::uuid, NULL::text, NULL::integer, false, 'notFound'::text; RETURN;
  END IF;
  SELECT e.id, e.status, e.waitlist_position INTO found_id, found_status, found_position FROM enrolment e
   WHERE e.cohort_id = p_cohort AND e.user_id = p_user AND e.status IN ('pending_approval', 'confirmed', 'waitlisted', 'offered');
  IF found_id IS NOT NULL THEN
    RETURN QUERY SELECT found_id, found_status, found_position, false, NULL::text; RETURN;
  END IF;
  refusal := enrolment_refusal(c.status, c.enrolment_opens_at, c.enrolment_closes_at, p_self);
  IF refusal IS NOT NULL THEN
    RETURN QUERY SELECT NULL::uuid, NULL::text, NULL::integer, false, refusal; RETURN;
  END IF;
  IF p_self AND c.requires_approval THEN
    RETURN QUERY SELECT NULL::uuid, NULL::text, NULL::integer, false, 'needsApproval'::text; RETURN;
  END IF;

  SELECT pl.placed_status, pl.placed_position INTO placed, placed_at FROM enrolment_placement(p_cohort, p_agency) pl;
  INSERT INTO enrolment (cohort_id, user_id, agency_id, status, waitlist_position, confirmed_at)
    VALUES (p_cohort, p_user, p_agency, placed, placed_at, CASE WHEN placed = 'confirmed' THEN now() END)
    RETURNING enrolment.id INTO found_id;
  INSERT INTO enrolment_change (enrolment_id, cohort_id, to_status, to_position, changed_by_id, reason, created_at)
    VALUES (found_id, p_cohort, placed, placed_at, p_changed_by, p_reason, clock_timestamp());
  -- Kind enrolment.confirmed or enrolment.waitlisted, with the payload EnrolmentService.notify gives them.
  PERFORM notification_enqueue('enrolment.' || placed, false, ARRAY[NULL::text], ARRAY[p_user], ARRAY[p_email], ARRAY[p_name], ARRAY[p_language],
    ARRAY[jsonb_build_object('enrolmentId', found_id, 'cohortId', p_cohort, 'cohortName', c.name, 'programmeTitle', c.programme_title,
      'startsAt', to_char(c.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'status', placed, 'waitlistPosition', placed_at)],
    ARRAY[NULL::text], ARRAY[NULL::timestamptz]);
  RETURN QUERY SELECT found_id, placed, placed_at, true, NULL::text;
END
$$;
