// Enrolment: a person's place in a cohort, its history, attendance per session and completions of
// programmes. One active enrolment per person and cohort is a partial unique index; waitlist
// positions are unique within a cohort through a deferrable exclusion constraint, so a queue moves
// up by one in a single UPDATE and is checked at commit.
import { MigrationInterface, QueryRunner } from "typeorm";

export class Enrolment1795459504438 implements MigrationInterface {
    name = 'Enrolment1795459504438'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "attendance" ("session_id" uuid NOT NULL, "user_id" uuid NOT NULL, "present" boolean NOT NULL, "marked_by_id" uuid, "marked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_37e850d97ec5e8b0345ad6eb671" PRIMARY KEY ("session_id", "user_id"))`);
        await queryRunner.query(`CREATE TABLE "completion" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "programme_id" uuid NOT NULL, "cohort_id" uuid NOT NULL, "user_id" uuid NOT NULL, "agency_id" uuid, "marked_by_id" uuid, "completed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2c0de9dd4943fffe5936e083748" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "completion_one_per_programme" ON "completion"  ("programme_id", "user_id") `);
        await queryRunner.query(`CREATE TABLE "enrolment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cohort_id" uuid NOT NULL, "user_id" uuid NOT NULL, "agency_id" uuid, "status" text NOT NULL, "waitlist_position" integer, "manager_email" text, "approval_token_hash" text, "confirmed_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "enrolment_pending_has_manager" CHECK (status <> 'pending_approval' OR manager_email IS NOT NULL), CONSTRAINT "enrolment_waitlist_position" CHECK ((status = 'waitlisted') = (waitlist_position IS NOT NULL) AND (waitlist_position IS NULL OR waitlist_position >= 1)), CONSTRAINT "enrolment_status_known" CHECK (status IN ('pending_approval', 'confirmed', 'waitlisted', 'cancelled', 'declined', 'completed')), CONSTRAINT "enrolment_waitlist_position_unique" EXCLUDE USING btree (cohort_id WITH =, waitlist_position WITH =) WHERE (status = 'waitlisted') DEFERRABLE INITIALLY DEFERRED, CONSTRAINT "PK_5d2679f6c891d77c58aa0e05f2b" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "enrolment_user" ON "enrolment"  ("user_id", "created_at") `);
        await queryRunner.query(`CREATE INDEX "enrolment_cohort_status" ON "enrolment"  ("cohort_id", "status", "agency_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "enrolment_one_active_per_person" ON "enrolment"  ("cohort_id", "user_id") WHERE status IN ('pending_approval', 'confirmed', 'waitlisted')`);
        await queryRunner.query(`CREATE TABLE "enrolment_change" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "enrolment_id" uuid NOT NULL, "cohort_id" uuid NOT NULL, "from_status" text, "to_status" text NOT NULL, "from_position" integer, "to_position" integer, "reason" text, "changed_by_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f61bf5f10f7f0edb6cc1f9e3b75" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "enrolment_change_cohort" ON "enrolment_change"  ("cohort_id", "created_at") `);
        await queryRunner.query(`CREATE INDEX "enrolment_change_enrolment" ON "enrolment_change"  ("enrolment_id", "created_at") `);
        await queryRunner.query(`ALTER TABLE "attendance" ADD CONSTRAINT "attendance_session_fk" FOREIGN KEY ("session_id") REFERENCES "cohort_session"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "attendance" ADD CONSTRAINT "attendance_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "completion" ADD CONSTRAINT "completion_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "completion" ADD CONSTRAINT "completion_cohort_fk" FOREIGN KEY ("cohort_id") REFERENCES "cohort"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "completion" ADD CONSTRAINT "completion_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "enrolment" ADD CONSTRAINT "enrolment_cohort_fk" FOREIGN KEY ("cohort_id") REFERENCES "cohort"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "enrolment" ADD CONSTRAINT "enrolment_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "enrolment_change" ADD CONSTRAINT "enrolment_change_enrolment_fk" FOREIGN KEY ("enrolment_id") REFERENCES "enrolment"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "enrolment_change" ADD CONSTRAINT "enrolment_change_changed_by_fk" FOREIGN KEY ("changed_by_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "enrolment_change" DROP CONSTRAINT "enrolment_change_changed_by_fk"`);
        await queryRunner.query(`ALTER TABLE "enrolment_change" DROP CONSTRAINT "enrolment_change_enrolment_fk"`);
        await queryRunner.query(`ALTER TABLE "enrolment" DROP CONSTRAINT "enrolment_user_fk"`);
        await queryRunner.query(`ALTER TABLE "enrolment" DROP CONSTRAINT "enrolment_cohort_fk"`);
        await queryRunner.query(`ALTER TABLE "completion" DROP CONSTRAINT "completion_user_fk"`);
        await queryRunner.query(`ALTER TABLE "completion" DROP CONSTRAINT "completion_cohort_fk"`);
        await queryRunner.query(`ALTER TABLE "completion" DROP CONSTRAINT "completion_programme_fk"`);
        await queryRunner.query(`ALTER TABLE "attendance" DROP CONSTRAINT "attendance_user_fk"`);
        await queryRunner.query(`ALTER TABLE "attendance" DROP CONSTRAINT "attendance_session_fk"`);
        await queryRunner.query(`DROP INDEX "public"."enrolment_change_enrolment"`);
        await queryRunner.query(`DROP INDEX "public"."enrolment_change_cohort"`);
        await queryRunner.query(`DROP TABLE "enrolment_change"`);
        await queryRunner.query(`DROP INDEX "public"."enrolment_one_active_per_person"`);
        await queryRunner.query(`DROP INDEX "public"."enrolment_cohort_status"`);
        await queryRunner.query(`DROP INDEX "public"."enrolment_user"`);
        await queryRunner.query(`DROP TABLE "enrolment"`);
        await queryRunner.query(`DROP INDEX "public"."completion_one_per_programme"`);
        await queryRunner.query(`DROP TABLE "completion"`);
        await queryRunner.query(`DROP TABLE "attendance"`);
    }

}
