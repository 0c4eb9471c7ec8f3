// Scheduling: programmes get a status, a theme and their usual facilitators; cohorts (rounds), their
// sessions, and the record of sessions added, moved and cancelled. Sessions of one cohort may not
// overlap: an exclusion constraint, which needs btree_gist for the cohort id (a trusted extension,
// so the database owner may create it without being a superuser).
import { MigrationInterface, QueryRunner } from "typeorm";

export class Scheduling1795456695792 implements MigrationInterface {
    name = 'Scheduling1795456695792'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
        await queryRunner.query(`CREATE TABLE "cohort" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "programme_id" uuid NOT NULL, "name" text NOT NULL, "term" text NOT NULL, "status" text NOT NULL DEFAULT 'draft', "capacity" integer NOT NULL DEFAULT '20', "agency_seat_cap" integer, "requires_approval" boolean NOT NULL DEFAULT false, "enrolment_opens_at" TIMESTAMP WITH TIME ZONE NOT NULL, "enrolment_closes_at" TIMESTAMP WITH TIME ZONE NOT NULL, "cancellation_deadline" TIMESTAMP WITH TIME ZONE, "delivery_mode" text NOT NULL DEFAULT 'on_site', "place" text, "meeting_link" text, "seats_taken" integer NOT NULL DEFAULT '0', "waitlist_length" integer NOT NULL DEFAULT '0', "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "copied_from_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "cohort_dates_in_range" CHECK (enrolment_opens_at >= '2000-01-01' AND enrolment_closes_at < '2101-01-01' AND (cancellation_deadline IS NULL OR cancellation_deadline BETWEEN '2000-01-01' AND '2101-01-01')), CONSTRAINT "cohort_enrolment_window" CHECK (enrolment_closes_at > enrolment_opens_at), CONSTRAINT "cohort_waitlist_not_negative" CHECK (waitlist_length >= 0), CONSTRAINT "cohort_seats_within_capacity" CHECK (seats_taken BETWEEN 0 AND capacity), CONSTRAINT "cohort_agency_cap_range" CHECK (agency_seat_cap IS NULL OR agency_seat_cap BETWEEN 1 AND capacity), CONSTRAINT "cohort_capacity_range" CHECK (capacity BETWEEN 1 AND 1000), CONSTRAINT "cohort_term_format" CHECK (term ~ '^[0-9]{4}-(spring|autumn)$'), CONSTRAINT "cohort_delivery_mode_known" CHECK (delivery_mode IN ('on_site', 'online', 'hybrid')), CONSTRAINT "cohort_status_known" CHECK (status IN ('draft', 'published', 'cancelled', 'completed')), CONSTRAINT "cohort_name_length" CHECK (length(btrim(name)) BETWEEN 1 AND 120), CONSTRAINT "PK_4fb3cca38dc4b461110344e5f9b" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "cohort_start" ON "cohort"  ("starts_at", "id") `);
        await queryRunner.query(`CREATE INDEX "cohort_programme_start" ON "cohort"  ("programme_id", "starts_at") `);
        await queryRunner.query(`CREATE TABLE "cohort_session" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cohort_id" uuid NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "place" text, "meeting_link" text, "agenda" text, "status" text NOT NULL DEFAULT 'scheduled', "revision" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "cohort_session_status_known" CHECK (status IN ('scheduled', 'cancelled')), CONSTRAINT "cohort_session_dates_in_range" CHECK (starts_at >= '2000-01-01' AND ends_at < '2101-01-01'), CONSTRAINT "cohort_session_ends_after_start" CHECK (ends_at > starts_at), CONSTRAINT "cohort_session_no_overlap" EXCLUDE USING gist (cohort_id WITH =, tstzrange(starts_at, ends_at) WITH &&) WHERE (status = 'scheduled'), CONSTRAINT "PK_544e3b9b0d3eb17f6282cd4b825" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "cohort_session_cohort_start" ON "cohort_session"  ("cohort_id", "starts_at") `);
        await queryRunner.query(`CREATE TABLE "session_change" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "kind" text NOT NULL, "previous_starts_at" TIMESTAMP WITH TIME ZONE, "previous_ends_at" TIMESTAMP WITH TIME ZONE, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "reason" text, "changed_by_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "session_change_kind_known" CHECK (kind IN ('added', 'moved', 'cancelled')), CONSTRAINT "PK_043843ff15b20a1d5508a08ee71" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "session_change_session" ON "session_change"  ("session_id", "created_at") `);
        await queryRunner.query(`CREATE TABLE "programme_facilitator" ("programme_id" uuid NOT NULL, "user_id" uuid NOT NULL, CONSTRAINT "PK_fd29781e7c7722cb55149e578ef" PRIMARY KEY ("programme_id", "user_id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_55d76083f1e75bca1018eeae20" ON "programme_facilitator"  ("programme_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_7a4b7b36286b9c26a5c070b3af" ON "programme_facilitator"  ("user_id") `);
        await queryRunner.query(`CREATE TABLE "cohort_facilitator" ("cohort_id" uuid NOT NULL, "user_id" uuid NOT NULL, CONSTRAINT "PK_392967fc374ff00139d3ed58462" PRIMARY KEY ("cohort_id", "user_id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_bcc16a6632d631a33210c7a0ca" ON "cohort_facilitator"  ("cohort_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_a720fefceb62cf267cf88dc068" ON "cohort_facilitator"  ("user_id") `);
        await queryRunner.query(`ALTER TABLE "programme" ADD "theme" text NOT NULL DEFAULT 'other'`);
        await queryRunner.query(`ALTER TABLE "programme" ADD "status" text NOT NULL DEFAULT 'draft'`);
        // Programmes from before there were statuses were all shown in the catalogue.
        await queryRunner.query(`UPDATE "programme" SET "status" = 'published'`);
        await queryRunner.query(`ALTER TABLE "programme" ADD CONSTRAINT "programme_theme_known" CHECK (theme IN ('complexity', 'dialogue', 'foresight', 'leadership', 'other'))`);
        await queryRunner.query(`ALTER TABLE "programme" ADD CONSTRAINT "programme_status_known" CHECK (status IN ('draft', 'published', 'archived'))`);
        await queryRunner.query(`ALTER TABLE "cohort" ADD CONSTRAINT "cohort_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "cohort" ADD CONSTRAINT "cohort_copied_from_fk" FOREIGN KEY ("copied_from_id") REFERENCES "cohort"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "cohort_session" ADD CONSTRAINT "cohort_session_cohort_fk" FOREIGN KEY ("cohort_id") REFERENCES "cohort"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "session_change" ADD CONSTRAINT "session_change_session_fk" FOREIGN KEY ("session_id") REFERENCES "cohort_session"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "session_change" ADD CONSTRAINT "session_change_changed_by_fk" FOREIGN KEY ("changed_by_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "programme_facilitator" ADD CONSTRAINT "programme_facilitator_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE CASCADE`);
        await queryRunner.query(`ALTER TABLE "programme_facilitator" ADD CONSTRAINT "programme_facilitator_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE`);
        await queryRunner.query(`ALTER TABLE "cohort_facilitator" ADD CONSTRAINT "cohort_facilitator_cohort_fk" FOREIGN KEY ("cohort_id") REFERENCES "cohort"("id") ON DELETE CASCADE ON UPDATE CASCADE`);
        await queryRunner.query(`ALTER TABLE "cohort_facilitator" ADD CONSTRAINT "cohort_facilitator_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "cohort_facilitator" DROP CONSTRAINT "cohort_facilitator_user_fk"`);
        await queryRunner.query(`ALTER TABLE "cohort_facilitator" DROP CONSTRAINT "cohort_facilitator_cohort_fk"`);
        await queryRunner.query(`ALTER TABLE "programme_facilitator" DROP CONSTRAINT "programme_facilitator_user_fk"`);
        await queryRunner.query(`ALTER TABLE "programme_facilitator" DROP CONSTRAINT "programme_facilitator_programme_fk"`);
        await queryRunner.query(`ALTER TABLE "session_change" DROP CONSTRAINT "session_change_changed_by_fk"`);
        await queryRunner.query(`ALTER TABLE "session_change" DROP CONSTRAINT "session_change_session_fk"`);
        await queryRunner.query(`ALTER TABLE "cohort_session" DROP CONSTRAINT "cohort_session_cohort_fk"`);
        await queryRunner.query(`ALTER TABLE "cohort" DROP CONSTRAINT "cohort_copied_from_fk"`);
        await queryRunner.query(`ALTER TABLE "cohort" DROP CONSTRAINT "cohort_programme_fk"`);
        await queryRunner.query(`ALTER TABLE "programme" DROP CONSTRAINT "programme_status_known"`);
        await queryRunner.query(`ALTER TABLE "programme" DROP CONSTRAINT "programme_theme_known"`);
        await queryRunner.query(`ALTER TABLE "programme" DROP COLUMN "status"`);
        await queryRunner.query(`ALTER TABLE "programme" DROP COLUMN "theme"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_a720fefceb62cf267cf88dc068"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_bcc16a6632d631a33210c7a0ca"`);
        await queryRunner.query(`DROP TABLE "cohort_facilitator"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_7a4b7b36286b9c26a5c070b3af"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_55d76083f1e75bca1018eeae20"`);
        await queryRunner.query(`DROP TABLE "programme_facilitator"`);
        await queryRunner.query(`DROP INDEX "public"."session_change_session"`);
        await queryRunner.query(`DROP TABLE "session_change"`);
        await queryRunner.query(`DROP INDEX "public"."cohort_session_cohort_start"`);
        await queryRunner.query(`DROP TABLE "cohort_session"`);
        await queryRunner.query(`DROP INDEX "public"."cohort_programme_start"`);
        await queryRunner.query(`DROP INDEX "public"."cohort_start"`);
        await queryRunner.query(`DROP TABLE "cohort"`);
        await queryRunner.query(`DROP EXTENSION IF EXISTS btree_gist`);
    }

}
