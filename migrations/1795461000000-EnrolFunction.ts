// Enrolling in one round trip. A rush of people enrolling in one popular round queues on that
// round's row lock; held across several app ↔ database round trips, the lock made the app a fifth
// as fast as a bare conditional UPDATE (bench:enrolment). These functions take the lock and do the
// whole enrolment (place, counts, history, notification) inside PostgreSQL, so the lock is held
// only for the work itself. Every statement in a PL/pgSQL function reads a fresh snapshot, so what
// it reads after the lock is what the previous holder committed.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class EnrolFunction1795461000000 implements MigrationInterface {
  name = 'EnrolFunction1795461000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Where a new person goes now: a seat if one is free and their agency is under its cap, else the end of the queue.
    await queryRunner.query(`
      CREATE FUNCTION enrolment_placement(p_cohort uuid, p_agency uuid)
      RETURNS TABLE (placed_status text, placed_position integer) LANGUAGE sql AS $$
        SELECT x.placed, CASE WHEN x.placed = 'waitlisted' THEN c.waitlist_length + 1 END
        FROM cohort c,
        LATERAL (SELECT CASE WHEN c.seats_taken < c.capacity AND (c.agency_seat_cap IS NULL OR p_agency IS NULL OR (
            SELECT count(*) FROM enrolment e WHERE e.cohort_id = c.id AND e.agency_id = p_agency AND e.status IN ('confirmed', 'completed')
          ) < c.agency_seat_cap) THEN 'confirmed' ELSE 'waitlisted' END AS placed) x
        WHERE c.id = p_cohort
      $$`);
    // One person into one round: returns the enrolment (created or already there) or why not.
    // p_self: the person enrols themself, so the round must be published, open, and not need approval.
    await queryRunner.query(`
      CREATE FUNCTION enrolment_enrol(
        p_cohort uuid, p_user uuid, p_agency uuid, p_changed_by uuid, p_reason text, p_self boolean,
        p_email text, p_name text, p_language text, p_channel_confirmed text, p_channel_waitlisted text)
      RETURNS TABLE (out_id uuid, out_status text, out_position integer, out_created boolean, out_refusal text)
      LANGUAGE plpgsql AS $$
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
      $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION enrolment_enrol(uuid, uuid, uuid, uuid, text, boolean, text, text, text, text, text)`);
    await queryRunner.query(`DROP FUNCTION enrolment_placement(uuid, uuid)`);
  }
}
