// Session reminders and calendars (issue 7): personal calendar feeds, network events, each round's
// reminder offsets, and the reminder plan.
//
// The reminder plan lives in PostgreSQL: "every confirmed participant and facilitator of a
// published round has one pending reminder per scheduled session and offset, due that long before
// the session's Helsinki wall-clock start" is kept by triggers on the tables that change it
// (enrolment, cohort_facilitator, cohort_session, cohort). So every way a person gets or loses a
// seat (the enrolment_enrol rush path, a promotion from the waitlist, an approval, a move, a
// cancellation) and every way a session changes plans or drops reminders in its own transaction,
// and no code path can forget to. Keys are `reminder-<sessionId>-<userId>-<offset minutes>`; the
// outbox keeps at most one live notification per key. The worker's send-time check
// (src/calendar/reminders.service.ts) drops anything that is no longer true.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class Reminders1796051774842 implements MigrationInterface {
  name = 'Reminders1796051774842';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "calendar_feed" ("user_id" uuid NOT NULL, "generation" integer NOT NULL DEFAULT '0', "token_hash" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_29b8f216ae4f5fdd5bcc8de8112" PRIMARY KEY ("user_id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "calendar_feed_token_hash_unique" ON "calendar_feed"  ("token_hash") `);
    await queryRunner.query(
      `CREATE TABLE "network_event" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "title" jsonb NOT NULL, "description" jsonb NOT NULL DEFAULT '{}', "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "place" text, "meeting_link" text, "status" text NOT NULL DEFAULT 'published', "revision" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "network_event_status_known" CHECK (status IN ('published', 'cancelled')), CONSTRAINT "network_event_dates_in_range" CHECK (starts_at >= '2000-01-01' AND ends_at < '2101-01-01'), CONSTRAINT "network_event_ends_after_start" CHECK (ends_at > starts_at), CONSTRAINT "network_event_title_has_finnish" CHECK (length(btrim(title->>'fi')) > 0), CONSTRAINT "PK_3d6ebebfde6f404577b5bb4f6e6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "network_event_starts" ON "network_event"  ("starts_at") `);
    await queryRunner.query(`ALTER TABLE "cohort" ADD "reminder_offsets" integer array NOT NULL DEFAULT '{10080,1440}'`);
    await queryRunner.query(
      `ALTER TABLE "cohort" ADD CONSTRAINT "cohort_reminder_offsets_range" CHECK (cardinality(reminder_offsets) <= 10 AND array_position(reminder_offsets, NULL) IS NULL AND 1 <= ALL (reminder_offsets) AND 86400 >= ALL (reminder_offsets))`,
    );
    await queryRunner.query(
      `ALTER TABLE "calendar_feed" ADD CONSTRAINT "calendar_feed_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );

    // Plans the reminders of a round: of one session or all, for one person or everyone in it.
    // A person is "in" as a confirmed (or completed) participant or as a facilitator. Reminders
    // already live keep their place (ON CONFLICT on the live key), so planning twice is harmless.
    // The due time is the session's Helsinki wall-clock time minus the offset, so "1 day before a
    // 9:00 session" is 9:00 the day before even across a daylight-saving change. A person who
    // turned reminders off gets none (the profile offers reminders only by email or not at all).
    await queryRunner.query(`
      CREATE FUNCTION session_reminders_add(p_cohort uuid, p_session uuid, p_user uuid) RETURNS void LANGUAGE plpgsql AS $$
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
      END $$`);
    // Cancels the pending reminders of a round's sessions (or one session), for everyone or one
    // person. One being sent right now is left to the send-time check.
    // Pending reminders by key prefix (reminder-<session>-[<user>-]): a byte-wise range on this
    // index, which works with the database's collation and inside a join, where LIKE could not.
    await queryRunner.query(`CREATE INDEX notification_live_key_prefix ON notification (key text_pattern_ops) WHERE status IN ('pending', 'queued')`);
    await queryRunner.query(`
      CREATE FUNCTION session_reminders_drop(p_cohort uuid, p_session uuid, p_user uuid, p_why text) RETURNS void LANGUAGE sql AS $$
        UPDATE notification n SET status = 'cancelled', last_error = 'cancelled: ' || p_why, updated_at = now()
        FROM cohort_session s
        WHERE s.cohort_id = p_cohort AND (p_session IS NULL OR s.id = p_session)
          -- '.' follows '-': every key that starts with the prefix, and no other.
          AND n.key ~>=~ ('reminder-' || s.id || coalesce('-' || p_user, '') || '-')
          AND n.key ~<~ ('reminder-' || s.id || coalesce('-' || p_user, '') || '.')
          AND n.status IN ('pending', 'queued')
      $$`);
    // Whether a person is still in a round (their seat or their facilitating).
    await queryRunner.query(`
      CREATE FUNCTION session_reminders_person_in(p_cohort uuid, p_user uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT EXISTS (SELECT 1 FROM enrolment WHERE cohort_id = p_cohort AND user_id = p_user AND status IN ('confirmed', 'completed'))
            OR EXISTS (SELECT 1 FROM cohort_facilitator WHERE cohort_id = p_cohort AND user_id = p_user)
      $$`);

    // A seat gained plans the person's reminders; a seat lost (cancelled, moved away) drops them.
    await queryRunner.query(`
      CREATE FUNCTION enrolment_reminders() RETURNS trigger LANGUAGE plpgsql AS $$
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
      END $$`);
    await queryRunner.query(`CREATE TRIGGER enrolment_reminders AFTER INSERT OR UPDATE OF status ON enrolment FOR EACH ROW EXECUTE FUNCTION enrolment_reminders()`);

    await queryRunner.query(`
      CREATE FUNCTION cohort_facilitator_reminders() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM session_reminders_add(NEW.cohort_id, NULL, NEW.user_id);
        ELSIF NOT session_reminders_person_in(OLD.cohort_id, OLD.user_id) THEN
          PERFORM session_reminders_drop(OLD.cohort_id, NULL, OLD.user_id, 'no longer facilitating');
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER cohort_facilitator_reminders AFTER INSERT OR DELETE ON cohort_facilitator FOR EACH ROW EXECUTE FUNCTION cohort_facilitator_reminders()`);

    // A new session is planned; a moved one is planned again from scratch (reminders already sent
    // for the old time go again before the new one); a cancelled one drops its reminders.
    await queryRunner.query(`
      CREATE FUNCTION cohort_session_reminders() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          IF OLD.starts_at = NEW.starts_at AND OLD.status = NEW.status THEN RETURN NULL; END IF;
          PERFORM session_reminders_drop(NEW.cohort_id, NEW.id, NULL, CASE WHEN NEW.status = 'cancelled' THEN 'session cancelled' ELSE 'session moved' END);
        END IF;
        IF NEW.status = 'scheduled' THEN PERFORM session_reminders_add(NEW.cohort_id, NEW.id, NULL); END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER cohort_session_reminders AFTER INSERT OR UPDATE OF starts_at, status ON cohort_session FOR EACH ROW EXECUTE FUNCTION cohort_session_reminders()`);

    // Only a published round reminds; new offsets replace the old plan.
    await queryRunner.query(`
      CREATE FUNCTION cohort_reminders() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status = 'published' AND (NEW.status <> 'published' OR OLD.reminder_offsets IS DISTINCT FROM NEW.reminder_offsets) THEN
          PERFORM session_reminders_drop(NEW.id, NULL, NULL, CASE WHEN NEW.status <> 'published' THEN 'round ' || NEW.status ELSE 'new reminder times' END);
        END IF;
        IF NEW.status = 'published' AND (OLD.status <> 'published' OR OLD.reminder_offsets IS DISTINCT FROM NEW.reminder_offsets) THEN
          PERFORM session_reminders_add(NEW.id, NULL, NULL);
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER cohort_reminders AFTER UPDATE OF status, reminder_offsets ON cohort FOR EACH ROW EXECUTE FUNCTION cohort_reminders()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER cohort_reminders ON cohort`);
    await queryRunner.query(`DROP FUNCTION cohort_reminders()`);
    await queryRunner.query(`DROP TRIGGER cohort_session_reminders ON cohort_session`);
    await queryRunner.query(`DROP FUNCTION cohort_session_reminders()`);
    await queryRunner.query(`DROP TRIGGER cohort_facilitator_reminders ON cohort_facilitator`);
    await queryRunner.query(`DROP FUNCTION cohort_facilitator_reminders()`);
    await queryRunner.query(`DROP TRIGGER enrolment_reminders ON enrolment`);
    await queryRunner.query(`DROP FUNCTION enrolment_reminders()`);
    await queryRunner.query(`DROP FUNCTION session_reminders_person_in(uuid, uuid)`);
    await queryRunner.query(`DROP FUNCTION session_reminders_drop(uuid, uuid, uuid, text)`);
    await queryRunner.query(`DROP INDEX notification_live_key_prefix`);
    await queryRunner.query(`DROP FUNCTION session_reminders_add(uuid, uuid, uuid)`);
    await queryRunner.query(`ALTER TABLE "calendar_feed" DROP CONSTRAINT "calendar_feed_user_fk"`);
    await queryRunner.query(`ALTER TABLE "cohort" DROP CONSTRAINT "cohort_reminder_offsets_range"`);
    await queryRunner.query(`ALTER TABLE "cohort" DROP COLUMN "reminder_offsets"`);
    await queryRunner.query(`DROP INDEX "public"."network_event_starts"`);
    await queryRunner.query(`DROP TABLE "network_event"`);
    await queryRunner.query(`DROP INDEX "public"."calendar_feed_token_hash_unique"`);
    await queryRunner.query(`DROP TABLE "calendar_feed"`);
  }
}
