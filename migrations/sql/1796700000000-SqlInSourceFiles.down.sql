-- Frozen: the SQL functions as they were before migration SqlInSourceFiles1796700000000 moved them
-- into src/<area>/sql/ (as \sf printed them on a database migrated to RunningProcesses1796618527738).
-- That migration's down() runs this after dropping what it added, so the older migrations' down() find what they created.

CREATE OR REPLACE FUNCTION public.notification_written()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
            BEGIN
                PERFORM pg_notify('notification_written', '');
                RETURN NULL;
            END
        $function$
;

CREATE OR REPLACE FUNCTION public.enrolment_placement(p_cohort uuid, p_agency uuid)
 RETURNS TABLE(placed_status text, placed_position integer)
 LANGUAGE sql
AS $function$
        SELECT x.placed, CASE WHEN x.placed = 'waitlisted' THEN c.waitlist_length + 1 END
        FROM cohort c,
        LATERAL (SELECT CASE WHEN c.seats_taken < c.capacity AND (c.agency_seat_cap IS NULL OR p_agency IS NULL OR (
            SELECT count(*) FROM enrolment e WHERE e.cohort_id = c.id AND e.agency_id = p_agency AND e.status IN ('confirmed', 'completed')
          ) < c.agency_seat_cap) THEN 'confirmed' ELSE 'waitlisted' END AS placed) x
        WHERE c.id = p_cohort
      $function$
;

CREATE OR REPLACE FUNCTION public.enrolment_enrol(p_cohort uuid, p_user uuid, p_agency uuid, p_changed_by uuid, p_reason text, p_self boolean, p_email text, p_name text, p_language text, p_channel_confirmed text, p_channel_waitlisted text)
 RETURNS TABLE(out_id uuid, out_status text, out_position integer, out_created boolean, out_refusal text)
 LANGUAGE plpgsql
AS $function$
      DECLARE
        c record;
        found_id uuid;
        found_status text;
        found_position integer;
        placed text;
        placed_at integer;
        channel text;
      BEGIN
        SELECT co.id, co.name, co.status, co.requires_approval, co.enrolment_opens_at, co.enrolment_closes_at, co.starts_at,
               coalesce(nullif(pr.title->>p_language, ''), pr.title->>'fi') AS programme_title
          INTO c FROM cohort co JOIN programme pr ON pr.id = co.programme_id WHERE co.id = p_cohort FOR UPDATE OF co;
        IF NOT FOUND THEN
          RETURN QUERY SELECT NULL::uuid, NULL::text, NULL::integer, false, 'notFound'::text; RETURN;
        END IF;
        SELECT e.id, e.status, e.waitlist_position INTO found_id, found_status, found_position FROM enrolment e
         WHERE e.cohort_id = p_cohort AND e.user_id = p_user AND e.status IN ('pending_approval', 'confirmed', 'waitlisted');
        IF found_id IS NOT NULL THEN
          RETURN QUERY SELECT found_id, found_status, found_position, false, NULL::text; RETURN;
        END IF;
        IF c.status IN ('cancelled', 'completed') OR (p_self AND c.status <> 'published') THEN
          RETURN QUERY SELECT NULL::uuid, NULL::text, NULL::integer, false, 'enrolment.refused.' || c.status; RETURN;
        END IF;
        IF p_self AND now() < c.enrolment_opens_at THEN
          RETURN QUERY SELECT NULL::uuid, NULL::text, NULL::integer, false, 'enrolment.refused.notOpenYet'::text; RETURN;
        END IF;
        IF p_self AND now() >= c.enrolment_closes_at THEN
          RETURN QUERY SELECT NULL::uuid, NULL::text, NULL::integer, false, 'enrolment.refused.closed'::text; RETURN;
        END IF;
        IF p_self AND c.requires_approval THEN
          RETURN QUERY SELECT NULL::uuid, NULL::text, NULL::integer, false, 'needsApproval'::text; RETURN;
        END IF;

        SELECT pl.placed_status, pl.placed_position INTO placed, placed_at FROM enrolment_placement(p_cohort, p_agency) pl;
        INSERT INTO enrolment (cohort_id, user_id, agency_id, status, waitlist_position, confirmed_at)
          VALUES (p_cohort, p_user, p_agency, placed, placed_at, CASE WHEN placed = 'confirmed' THEN now() END)
          RETURNING enrolment.id INTO found_id;
        UPDATE cohort SET seats_taken = seats_taken + (placed = 'confirmed')::int, waitlist_length = waitlist_length + (placed = 'waitlisted')::int
          WHERE cohort.id = p_cohort;
        INSERT INTO enrolment_change (enrolment_id, cohort_id, to_status, to_position, changed_by_id, reason, created_at)
          VALUES (found_id, p_cohort, placed, placed_at, p_changed_by, p_reason, clock_timestamp());
        -- The same row NotificationsService.notify writes (kind enrolment.confirmed or enrolment.waitlisted).
        channel := CASE WHEN placed = 'confirmed' THEN p_channel_confirmed ELSE p_channel_waitlisted END;
        IF channel <> 'off' THEN
          INSERT INTO notification (kind, recipient_user_id, recipient_email, recipient_name, language, payload, delivery, due_at)
          VALUES ('enrolment.' || placed, p_user, p_email, p_name, p_language,
            jsonb_build_object('enrolmentId', found_id, 'cohortId', p_cohort, 'cohortName', c.name, 'programmeTitle', c.programme_title,
              'startsAt', to_char(c.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'status', placed, 'waitlistPosition', placed_at),
            channel, now());
        END IF;
        RETURN QUERY SELECT found_id, placed, placed_at, true, NULL::text;
      END
      $function$
;

CREATE OR REPLACE FUNCTION public.enrolment_approval_expiry()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
          BEGIN
            IF NEW.status = 'pending_approval' AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'pending_approval') THEN
              NEW.approval_expires_at := least(now() + interval '14 days', (SELECT enrolment_closes_at FROM cohort WHERE id = NEW.cohort_id));
              NEW.approval_reminded_at := NULL;
            END IF;
            RETURN NEW;
          END $function$
;

CREATE OR REPLACE FUNCTION public.session_reminders_add(p_cohort uuid, p_session uuid, p_user uuid)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
      DECLARE
        v_people uuid[];
      BEGIN
        IF p_user IS NOT NULL THEN
          v_people := ARRAY[p_user];
        ELSE
          v_people := ARRAY(
            SELECT user_id FROM enrolment WHERE cohort_id = p_cohort AND status IN ('confirmed', 'completed')
            UNION SELECT user_id FROM cohort_facilitator WHERE cohort_id = p_cohort);
        END IF;
        INSERT INTO notification (kind, key, recipient_user_id, recipient_email, recipient_name, language, payload, delivery, due_at)
        SELECT 'session.reminder', 'reminder-' || s.id || '-' || u.id || '-' || o.minutes, u.id, u.email, u.display_name, u.language,
               jsonb_build_object('sessionId', s.id, 'cohortId', c.id, 'userId', u.id, 'offsetMinutes', o.minutes, 'startsAt', s.starts_at),
               'email', d.due_at
        FROM cohort c
        JOIN cohort_session s ON s.cohort_id = c.id AND s.status = 'scheduled' AND (p_session IS NULL OR s.id = p_session)
        CROSS JOIN LATERAL unnest(c.reminder_offsets) AS o(minutes)
        CROSS JOIN LATERAL (SELECT ((s.starts_at AT TIME ZONE 'Europe/Helsinki') - make_interval(mins => o.minutes)) AT TIME ZONE 'Europe/Helsinki' AS due_at) d
        JOIN app_user u ON u.id = ANY (v_people) AND u.status = 'active'
        WHERE c.id = p_cohort AND c.status = 'published' AND d.due_at > now()
          AND NOT EXISTS (SELECT 1 FROM notification_preference pref WHERE pref.user_id = u.id AND pref.kind = 'session.reminder' AND pref.channel = 'off')
        ON CONFLICT (key) WHERE key IS NOT NULL AND status IN ('pending', 'queued', 'sending') DO NOTHING;
      END $function$
;

CREATE OR REPLACE FUNCTION public.session_reminders_drop(p_cohort uuid, p_session uuid, p_user uuid, p_why text)
 RETURNS void
 LANGUAGE sql
AS $function$
        UPDATE notification n SET status = 'cancelled', last_error = 'cancelled: ' || p_why, updated_at = now()
        FROM cohort_session s
        WHERE s.cohort_id = p_cohort AND (p_session IS NULL OR s.id = p_session)
          -- '.' follows '-': every key that starts with the prefix, and no other.
          AND n.key ~>=~ ('reminder-' || s.id || coalesce('-' || p_user, '') || '-')
          AND n.key ~<~ ('reminder-' || s.id || coalesce('-' || p_user, '') || '.')
          AND n.status IN ('pending', 'queued')
      $function$
;

CREATE OR REPLACE FUNCTION public.session_reminders_person_in(p_cohort uuid, p_user uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE
AS $function$
        SELECT EXISTS (SELECT 1 FROM enrolment WHERE cohort_id = p_cohort AND user_id = p_user AND status IN ('confirmed', 'completed'))
            OR EXISTS (SELECT 1 FROM cohort_facilitator WHERE cohort_id = p_cohort AND user_id = p_user)
      $function$
;

CREATE OR REPLACE FUNCTION public.enrolment_reminders()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      DECLARE
        was_in boolean := TG_OP = 'UPDATE' AND OLD.status IN ('confirmed', 'completed');
        is_in boolean := NEW.status IN ('confirmed', 'completed');
      BEGIN
        IF is_in AND NOT was_in THEN
          PERFORM session_reminders_add(NEW.cohort_id, NULL, NEW.user_id);
        ELSIF was_in AND NOT is_in AND NOT session_reminders_person_in(NEW.cohort_id, NEW.user_id) THEN
          PERFORM session_reminders_drop(NEW.cohort_id, NULL, NEW.user_id, 'enrolment ' || NEW.status);
        END IF;
        RETURN NULL;
      END $function$
;

CREATE OR REPLACE FUNCTION public.cohort_facilitator_reminders()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM session_reminders_add(NEW.cohort_id, NULL, NEW.user_id);
        ELSIF NOT session_reminders_person_in(OLD.cohort_id, OLD.user_id) THEN
          PERFORM session_reminders_drop(OLD.cohort_id, NULL, OLD.user_id, 'no longer facilitating');
        END IF;
        RETURN NULL;
      END $function$
;

CREATE OR REPLACE FUNCTION public.cohort_session_reminders()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          IF OLD.starts_at = NEW.starts_at AND OLD.status = NEW.status THEN RETURN NULL; END IF;
          PERFORM session_reminders_drop(NEW.cohort_id, NEW.id, NULL, CASE WHEN NEW.status = 'cancelled' THEN 'session cancelled' ELSE 'session moved' END);
        END IF;
        IF NEW.status = 'scheduled' THEN PERFORM session_reminders_add(NEW.cohort_id, NEW.id, NULL); END IF;
        RETURN NULL;
      END $function$
;

CREATE OR REPLACE FUNCTION public.cohort_reminders()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        IF OLD.status = 'published' AND (NEW.status <> 'published' OR OLD.reminder_offsets IS DISTINCT FROM NEW.reminder_offsets) THEN
          PERFORM session_reminders_drop(NEW.id, NULL, NULL, CASE WHEN NEW.status <> 'published' THEN 'round ' || NEW.status ELSE 'new reminder times' END);
        END IF;
        IF NEW.status = 'published' AND (OLD.status <> 'published' OR OLD.reminder_offsets IS DISTINCT FROM NEW.reminder_offsets) THEN
          PERFORM session_reminders_add(NEW.id, NULL, NULL);
        END IF;
        RETURN NULL;
      END $function$
;

CREATE OR REPLACE FUNCTION public.forum_cohort_channel()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        INSERT INTO forum_channel (kind, cohort_id) VALUES ('cohort', NEW.id) ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $function$
;

CREATE OR REPLACE FUNCTION public.forum_search_config(language text)
 RETURNS regconfig
 LANGUAGE sql
 IMMUTABLE
AS $function$
        SELECT CASE language WHEN 'sv' THEN 'swedish' WHEN 'en' THEN 'english' ELSE 'finnish' END::regconfig
      $function$
;

CREATE OR REPLACE FUNCTION public.forum_post_search()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      DECLARE
        title text;
      BEGIN
        SELECT t.title INTO title FROM forum_thread t
        WHERE t.id = NEW.thread_id
          AND NOT EXISTS (SELECT 1 FROM forum_post p WHERE p.thread_id = NEW.thread_id AND p.id <> NEW.id AND (p.created_at, p.id) < (NEW.created_at, NEW.id));
        NEW.search := setweight(to_tsvector(forum_search_config(NEW.language), coalesce(title, '')), 'A')
                      || to_tsvector(forum_search_config(NEW.language), NEW.body);
        RETURN NEW;
      END $function$
;

CREATE OR REPLACE FUNCTION public.forum_thread_activity()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      DECLARE
        opening boolean := NOT EXISTS (SELECT 1 FROM forum_post p WHERE p.thread_id = NEW.thread_id AND p.id <> NEW.id AND (p.created_at, p.id) < (NEW.created_at, NEW.id));
        visible_now boolean := NEW.deleted_at IS NULL AND NEW.hidden_at IS NULL;
        visible_before boolean := TG_OP = 'UPDATE' AND OLD.deleted_at IS NULL AND OLD.hidden_at IS NULL;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          UPDATE forum_thread SET reply_count = reply_count + CASE WHEN opening OR NOT visible_now THEN 0 ELSE 1 END,
                                  last_post_at = greatest(last_post_at, NEW.created_at), updated_at = now()
          WHERE id = NEW.thread_id;
        ELSIF visible_now <> visible_before AND NOT opening THEN
          UPDATE forum_thread SET reply_count = reply_count + CASE WHEN visible_now THEN 1 ELSE -1 END, updated_at = now()
          WHERE id = NEW.thread_id;
        END IF;
        RETURN NULL;
      END $function$
;
