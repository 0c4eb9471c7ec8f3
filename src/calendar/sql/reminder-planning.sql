-- Reminder planning: every person in a published round (a seat, or facilitating: cohort_member.is_in)
-- has one 'session.reminder' notification per scheduled session and reminder offset, due that long
-- before the session starts (Helsinki time), keyed reminder-<session>-<person>-<minutes>. The
-- triggers below keep the plan in step with the round, its sessions and its people as they change;
-- RemindersService re-checks each reminder when it is sent.

-- Plans the reminders still to come for one session (or all of the round's, p_session NULL), for
-- one person (or everyone in the round, p_user NULL). Reminders already planned stay (live key).
CREATE OR REPLACE FUNCTION session_reminders_add(p_cohort uuid, p_session uuid, p_user uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_people uuid[];
BEGIN
  IF p_user IS NOT NULL THEN
    v_people := ARRAY[p_user];
  ELSE
    v_people := ARRAY(SELECT m.user_id FROM cohort_member m WHERE m.cohort_id = p_cohort AND m.is_in);
  END IF;
  PERFORM notification_enqueue('session.reminder', false, r.keys, r.users, r.emails, r.names, r.languages, r.payloads, r.deliveries, r.due_ats)
  FROM (
    SELECT array_agg('reminder-' || s.id || '-' || u.id || '-' || o.minutes) AS keys, array_agg(u.id) AS users, array_agg(u.email) AS emails,
           array_agg(u.display_name) AS names, array_agg(u.language) AS languages,
           array_agg(jsonb_build_object('sessionId', s.id, 'cohortId', c.id, 'userId', u.id, 'offsetMinutes', o.minutes, 'startsAt', s.starts_at)) AS payloads,
           -- By email even for people who take other mail in their digest: a reminder in tomorrow's digest is too late.
           array_agg('email'::text) AS deliveries, array_agg(d.due_at) AS due_ats
    FROM cohort_listing c
    JOIN session_listing s ON s.cohort_id = c.id AND s.status = 'scheduled' AND (p_session IS NULL OR s.id = p_session)
    CROSS JOIN LATERAL unnest(c.reminder_offsets) AS o(minutes)
    CROSS JOIN LATERAL (SELECT ((s.starts_at AT TIME ZONE 'Europe/Helsinki') - make_interval(mins => o.minutes)) AT TIME ZONE 'Europe/Helsinki' AS due_at) d
    JOIN person u ON u.id = ANY (v_people) AND u.status = 'active'
    WHERE c.id = p_cohort AND c.status = 'published' AND d.due_at > now()
  ) r
  WHERE r.keys IS NOT NULL;
END
$$;

-- Cancels the planned reminders not yet being sent, of one session (or all the round's) for one
-- person (or everyone), noting why.
CREATE OR REPLACE FUNCTION session_reminders_drop(p_cohort uuid, p_session uuid, p_user uuid, p_why text) RETURNS void LANGUAGE sql AS $$
  SELECT notification_cancel_prefixed(
    ARRAY(SELECT 'reminder-' || s.id || coalesce('-' || p_user, '') || '-' FROM session_listing s
          WHERE s.cohort_id = p_cohort AND (p_session IS NULL OR s.id = p_session)),
    p_why)
$$;

-- Whether the person is still in the round some other way (a seat, or facilitating), so keeps their reminders.
CREATE OR REPLACE FUNCTION session_reminders_person_in(p_cohort uuid, p_user uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM cohort_member m WHERE m.cohort_id = p_cohort AND m.user_id = p_user AND m.is_in)
$$;

-- A person who takes a seat gets the round's reminders; one who gives it up loses them, unless they facilitate.
CREATE OR REPLACE FUNCTION enrolment_reminders() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was_in boolean := TG_OP = 'UPDATE' AND holds_seat(OLD.status);
  is_in boolean := holds_seat(NEW.status);
BEGIN
  IF is_in AND NOT was_in THEN
    PERFORM session_reminders_add(NEW.cohort_id, NULL, NEW.user_id);
  ELSIF was_in AND NOT is_in AND NOT session_reminders_person_in(NEW.cohort_id, NEW.user_id) THEN
    PERFORM session_reminders_drop(NEW.cohort_id, NULL, NEW.user_id, 'enrolment ' || NEW.status);
  END IF;
  RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER enrolment_reminders AFTER INSERT OR UPDATE OF status ON enrolment FOR EACH ROW EXECUTE FUNCTION enrolment_reminders();

-- A facilitator added gets the round's reminders; one removed loses them, unless they hold a seat.
CREATE OR REPLACE FUNCTION cohort_facilitator_reminders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM session_reminders_add(NEW.cohort_id, NULL, NEW.user_id);
  ELSIF NOT session_reminders_person_in(OLD.cohort_id, OLD.user_id) THEN
    PERFORM session_reminders_drop(OLD.cohort_id, NULL, OLD.user_id, 'no longer facilitating');
  END IF;
  RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER cohort_facilitator_reminders AFTER INSERT OR DELETE ON cohort_facilitator FOR EACH ROW EXECUTE FUNCTION cohort_facilitator_reminders();

-- A session added is planned; one moved is planned again; one cancelled loses its reminders.
CREATE OR REPLACE FUNCTION cohort_session_reminders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF OLD.starts_at = NEW.starts_at AND OLD.status = NEW.status THEN RETURN NULL; END IF;
    PERFORM session_reminders_drop(NEW.cohort_id, NEW.id, NULL, CASE WHEN NEW.status = 'cancelled' THEN 'session cancelled' ELSE 'session moved' END);
  END IF;
  IF NEW.status = 'scheduled' THEN PERFORM session_reminders_add(NEW.cohort_id, NEW.id, NULL); END IF;
  RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER cohort_session_reminders AFTER INSERT OR UPDATE OF starts_at, status ON cohort_session FOR EACH ROW EXECUTE FUNCTION cohort_session_reminders();

-- A round published (or given new reminder times) is planned; one no longer published loses its reminders.
CREATE OR REPLACE FUNCTION cohort_reminders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'published' AND (NEW.status <> 'published' OR OLD.reminder_offsets IS DISTINCT FROM NEW.reminder_offsets) THEN
    PERFORM session_reminders_drop(NEW.id, NULL, NULL, CASE WHEN NEW.status <> 'published' THEN 'round ' || NEW.status ELSE 'new reminder times' END);
  END IF;
  IF NEW.status = 'published' AND (OLD.status <> 'published' OR OLD.reminder_offsets IS DISTINCT FROM NEW.reminder_offsets) THEN
    PERFORM session_reminders_add(NEW.id, NULL, NULL);
  END IF;
  RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER cohort_reminders AFTER UPDATE OF status, reminder_offsets ON cohort FOR EACH ROW EXECUTE FUNCTION cohort_reminders();
