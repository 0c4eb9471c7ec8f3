// Issue 21, the network beyond rounds: the newsletter (newsletter_subscriber with double opt-in and
// refusal counts, newsletter_edition in fi/sv/en), registration for network events
// (event_registration, with capacity, deadline, questions and counters on network_event), waitlist
// offers (cohort.seat_offer_hours; an enrolment 'offered' a seat until offer_expires_at, through a
// one-time link), and programme_interest ("tell me when the next round opens").
import { MigrationInterface, QueryRunner } from 'typeorm';

export class NetworkBeyondRounds1796750000000 implements MigrationInterface {
    name = 'NetworkBeyondRounds1796750000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "event_registration" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "event_id" uuid NOT NULL, "user_id" uuid NOT NULL, "agency_id" uuid, "status" text NOT NULL, "waitlist_position" integer, "answers" jsonb NOT NULL DEFAULT '{}', "confirmed_at" TIMESTAMP WITH TIME ZONE, "cancelled_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "event_registration_answers_object" CHECK (jsonb_typeof(answers) = 'object'), CONSTRAINT "event_registration_waitlist_position" CHECK ((status = 'waitlisted') = (waitlist_position IS NOT NULL) AND (waitlist_position IS NULL OR waitlist_position >= 1)), CONSTRAINT "event_registration_status_known" CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')), CONSTRAINT "event_registration_waitlist_position_unique" EXCLUDE USING btree (event_id WITH =, waitlist_position WITH =) WHERE (status = 'waitlisted') DEFERRABLE INITIALLY DEFERRED, CONSTRAINT "PK_10aedff1bd0d0ef534d1106ddec" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "event_registration_user" ON "event_registration"  ("user_id") `);
        await queryRunner.query(`CREATE INDEX "event_registration_event_status" ON "event_registration"  ("event_id", "status") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "event_registration_one_live_per_person" ON "event_registration"  ("event_id", "user_id") WHERE status IN ('confirmed', 'waitlisted')`);
        await queryRunner.query(`CREATE TABLE "programme_interest" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "programme_id" uuid NOT NULL, "user_id" uuid NOT NULL, "agency_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "notified_at" TIMESTAMP WITH TIME ZONE, "notified_cohort_id" uuid, CONSTRAINT "PK_50f1f22e87c67d1c498a75b0fc5" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "programme_interest_user" ON "programme_interest"  ("user_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "programme_interest_one_waiting" ON "programme_interest"  ("programme_id", "user_id") WHERE notified_at IS NULL`);
        await queryRunner.query(`CREATE TABLE "newsletter_edition" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "subject" jsonb NOT NULL, "body" jsonb NOT NULL, "status" text NOT NULL DEFAULT 'draft', "scheduled_at" TIMESTAMP WITH TIME ZONE, "sent_at" TIMESTAMP WITH TIME ZONE, "recipient_count" integer NOT NULL DEFAULT '0', "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "newsletter_edition_sent_when" CHECK ((status = 'sent') = (sent_at IS NOT NULL)), CONSTRAINT "newsletter_edition_scheduled_when" CHECK (status = 'draft' OR scheduled_at IS NOT NULL), CONSTRAINT "newsletter_edition_body_has_finnish" CHECK (length(btrim(body->>'fi')) > 0), CONSTRAINT "newsletter_edition_subject_has_finnish" CHECK (length(btrim(subject->>'fi')) BETWEEN 1 AND 200), CONSTRAINT "newsletter_edition_status_known" CHECK (status IN ('draft', 'scheduled', 'sending', 'sent')), CONSTRAINT "PK_c890b0531662843f0df7840dabe" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "newsletter_edition_archive" ON "newsletter_edition"  ("sent_at") WHERE status = 'sent'`);
        await queryRunner.query(`CREATE INDEX "newsletter_edition_due" ON "newsletter_edition"  ("scheduled_at") WHERE status = 'scheduled'`);
        await queryRunner.query(`CREATE TABLE "newsletter_subscriber" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" text NOT NULL, "user_id" uuid, "language" text NOT NULL DEFAULT 'fi', "status" text NOT NULL DEFAULT 'pending', "confirm_token_hash" text, "confirm_sent_at" TIMESTAMP WITH TIME ZONE, "confirmed_at" TIMESTAMP WITH TIME ZONE, "unsubscribed_at" TIMESTAMP WITH TIME ZONE, "failure_count" integer NOT NULL DEFAULT '0', "last_failure" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "newsletter_subscriber_failures" CHECK (failure_count >= 0), CONSTRAINT "newsletter_subscriber_language_known" CHECK (language IN ('fi', 'sv', 'en')), CONSTRAINT "newsletter_subscriber_email_length" CHECK (length(email) BETWEEN 3 AND 254), CONSTRAINT "newsletter_subscriber_status_known" CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'bounced')), CONSTRAINT "PK_673f5f9a16ef0e216059224e02f" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "newsletter_subscriber_confirmed" ON "newsletter_subscriber"  ("id") WHERE status = 'confirmed'`);
        await queryRunner.query(`CREATE UNIQUE INDEX "newsletter_subscriber_user" ON "newsletter_subscriber"  ("user_id") WHERE user_id IS NOT NULL`);
        await queryRunner.query(`ALTER TABLE "network_event" ADD "registration_capacity" integer`);
        await queryRunner.query(`ALTER TABLE "network_event" ADD "registration_closes_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "network_event" ADD "registration_questions" jsonb NOT NULL DEFAULT '[]'`);
        await queryRunner.query(`ALTER TABLE "network_event" ADD "seats_taken" integer NOT NULL DEFAULT '0'`);
        await queryRunner.query(`ALTER TABLE "network_event" ADD "waitlist_length" integer NOT NULL DEFAULT '0'`);
        await queryRunner.query(`ALTER TABLE "cohort" ADD "seat_offer_hours" integer`);
        await queryRunner.query(`ALTER TABLE "enrolment" ADD "offer_expires_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "enrolment" ADD "offer_token_hash" text`);
        await queryRunner.query(`CREATE INDEX "enrolment_offer_due" ON "enrolment"  ("offer_expires_at") WHERE status = 'offered'`);
        await queryRunner.query(`ALTER TABLE "network_event" ADD CONSTRAINT "network_event_registration_questions_list" CHECK (jsonb_typeof(registration_questions) = 'array' AND jsonb_array_length(registration_questions) <= 10)`);
        await queryRunner.query(`ALTER TABLE "network_event" ADD CONSTRAINT "network_event_waitlist_not_negative" CHECK (waitlist_length >= 0)`);
        await queryRunner.query(`ALTER TABLE "network_event" ADD CONSTRAINT "network_event_seats_within_capacity" CHECK (seats_taken >= 0 AND seats_taken <= coalesce(registration_capacity, 0))`);
        await queryRunner.query(`ALTER TABLE "network_event" ADD CONSTRAINT "network_event_registration_capacity_range" CHECK (registration_capacity IS NULL OR registration_capacity BETWEEN 1 AND 10000)`);
        await queryRunner.query(`ALTER TABLE "cohort" ADD CONSTRAINT "cohort_seat_offer_hours_range" CHECK (seat_offer_hours IS NULL OR seat_offer_hours BETWEEN 1 AND 336)`);
        await queryRunner.query(`ALTER TABLE "enrolment" ADD CONSTRAINT "enrolment_offer_has_deadline" CHECK (status <> 'offered' OR (offer_expires_at IS NOT NULL AND offer_token_hash IS NOT NULL))`);
        await queryRunner.query(`ALTER TABLE "event_registration" ADD CONSTRAINT "event_registration_event_fk" FOREIGN KEY ("event_id") REFERENCES "network_event"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "event_registration" ADD CONSTRAINT "event_registration_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "programme_interest" ADD CONSTRAINT "programme_interest_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "programme_interest" ADD CONSTRAINT "programme_interest_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "programme_interest" ADD CONSTRAINT "programme_interest_cohort_fk" FOREIGN KEY ("notified_cohort_id") REFERENCES "cohort"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "newsletter_edition" ADD CONSTRAINT "newsletter_edition_creator_fk" FOREIGN KEY ("created_by") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "newsletter_subscriber" ADD CONSTRAINT "newsletter_subscriber_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        // Not seen by the generator: a check's and a partial index's changed conditions, and an index on an expression.
        await queryRunner.query(`ALTER TABLE "enrolment" DROP CONSTRAINT "enrolment_status_known"`);
        await queryRunner.query(`ALTER TABLE "enrolment" ADD CONSTRAINT "enrolment_status_known" CHECK (status IN ('pending_approval', 'confirmed', 'waitlisted', 'offered', 'cancelled', 'declined', 'completed'))`);
        await queryRunner.query(`DROP INDEX "public"."enrolment_one_active_per_person"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "enrolment_one_active_per_person" ON "enrolment" ("cohort_id", "user_id") WHERE status IN ('pending_approval', 'confirmed', 'waitlisted', 'offered')`);
        await queryRunner.query(`CREATE UNIQUE INDEX "newsletter_subscriber_email" ON "newsletter_subscriber" (lower(email))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."newsletter_subscriber_email"`);
        await queryRunner.query(`DROP INDEX "public"."enrolment_one_active_per_person"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "enrolment_one_active_per_person" ON "enrolment" ("cohort_id", "user_id") WHERE status IN ('pending_approval', 'confirmed', 'waitlisted')`);
        await queryRunner.query(`ALTER TABLE "enrolment" DROP CONSTRAINT "enrolment_status_known"`);
        await queryRunner.query(`ALTER TABLE "enrolment" ADD CONSTRAINT "enrolment_status_known" CHECK (status IN ('pending_approval', 'confirmed', 'waitlisted', 'cancelled', 'declined', 'completed'))`);
        await queryRunner.query(`ALTER TABLE "newsletter_subscriber" DROP CONSTRAINT "newsletter_subscriber_user_fk"`);
        await queryRunner.query(`ALTER TABLE "newsletter_edition" DROP CONSTRAINT "newsletter_edition_creator_fk"`);
        await queryRunner.query(`ALTER TABLE "programme_interest" DROP CONSTRAINT "programme_interest_cohort_fk"`);
        await queryRunner.query(`ALTER TABLE "programme_interest" DROP CONSTRAINT "programme_interest_user_fk"`);
        await queryRunner.query(`ALTER TABLE "programme_interest" DROP CONSTRAINT "programme_interest_programme_fk"`);
        await queryRunner.query(`ALTER TABLE "event_registration" DROP CONSTRAINT "event_registration_user_fk"`);
        await queryRunner.query(`ALTER TABLE "event_registration" DROP CONSTRAINT "event_registration_event_fk"`);
        await queryRunner.query(`ALTER TABLE "enrolment" DROP CONSTRAINT "enrolment_offer_has_deadline"`);
        await queryRunner.query(`ALTER TABLE "cohort" DROP CONSTRAINT "cohort_seat_offer_hours_range"`);
        await queryRunner.query(`ALTER TABLE "network_event" DROP CONSTRAINT "network_event_registration_capacity_range"`);
        await queryRunner.query(`ALTER TABLE "network_event" DROP CONSTRAINT "network_event_seats_within_capacity"`);
        await queryRunner.query(`ALTER TABLE "network_event" DROP CONSTRAINT "network_event_waitlist_not_negative"`);
        await queryRunner.query(`ALTER TABLE "network_event" DROP CONSTRAINT "network_event_registration_questions_list"`);
        await queryRunner.query(`DROP INDEX "public"."enrolment_offer_due"`);
        await queryRunner.query(`ALTER TABLE "enrolment" DROP COLUMN "offer_token_hash"`);
        await queryRunner.query(`ALTER TABLE "enrolment" DROP COLUMN "offer_expires_at"`);
        await queryRunner.query(`ALTER TABLE "cohort" DROP COLUMN "seat_offer_hours"`);
        await queryRunner.query(`ALTER TABLE "network_event" DROP COLUMN "waitlist_length"`);
        await queryRunner.query(`ALTER TABLE "network_event" DROP COLUMN "seats_taken"`);
        await queryRunner.query(`ALTER TABLE "network_event" DROP COLUMN "registration_questions"`);
        await queryRunner.query(`ALTER TABLE "network_event" DROP COLUMN "registration_closes_at"`);
        await queryRunner.query(`ALTER TABLE "network_event" DROP COLUMN "registration_capacity"`);
        await queryRunner.query(`DROP INDEX "public"."newsletter_subscriber_user"`);
        await queryRunner.query(`DROP INDEX "public"."newsletter_subscriber_confirmed"`);
        await queryRunner.query(`DROP TABLE "newsletter_subscriber"`);
        await queryRunner.query(`DROP INDEX "public"."newsletter_edition_due"`);
        await queryRunner.query(`DROP INDEX "public"."newsletter_edition_archive"`);
        await queryRunner.query(`DROP TABLE "newsletter_edition"`);
        await queryRunner.query(`DROP INDEX "public"."programme_interest_one_waiting"`);
        await queryRunner.query(`DROP INDEX "public"."programme_interest_user"`);
        await queryRunner.query(`DROP TABLE "programme_interest"`);
        await queryRunner.query(`DROP INDEX "public"."event_registration_one_live_per_person"`);
        await queryRunner.query(`DROP INDEX "public"."event_registration_event_status"`);
        await queryRunner.query(`DROP INDEX "public"."event_registration_user"`);
        await queryRunner.query(`DROP TABLE "event_registration"`);
    }

}
