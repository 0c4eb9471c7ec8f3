// Trust (issue 16):
// - email_verification and app_user.email_verified_at: a new account proves its address with a
//   one-time link before it may enrol, post or subscribe. Accounts made before this were made by
//   people the programme team already knows: they count as verified from when they were made.
// - agency.email_domains: the domains an agency's people register with (none listed: any).
// - enrolment.approval_expires_at / approval_reminded_at: a manager's approval request lapses 14
//   days after it was asked, or when the round's enrolment closes if sooner. The trigger sets it
//   whenever a row becomes pending, however it does (the enrol function, an admin), so no writer
//   can forget it; the requests already waiting get the same rule from when they were asked.
import { MigrationInterface, QueryRunner } from "typeorm";

export class Trust1796612040479 implements MigrationInterface {
    name = 'Trust1796612040479'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "email_verification" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "token_hash" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b985a8362d9dac51e3d6120d40e" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "email_verification_user" ON "email_verification"  ("user_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "email_verification_hash_unique" ON "email_verification"  ("token_hash") `);
        await queryRunner.query(`ALTER TABLE "agency" ADD "email_domains" text array NOT NULL DEFAULT '{}'`);
        await queryRunner.query(`ALTER TABLE "app_user" ADD "email_verified_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "enrolment" ADD "approval_expires_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "enrolment" ADD "approval_reminded_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "agency" ADD CONSTRAINT "agency_email_domains_few" CHECK (cardinality(email_domains) <= 20)`);
        await queryRunner.query(`ALTER TABLE "email_verification" ADD CONSTRAINT "email_verification_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);

        await queryRunner.query(`UPDATE app_user SET email_verified_at = created_at WHERE status <> 'erased'`);
        await queryRunner.query(`
          CREATE FUNCTION enrolment_approval_expiry() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF NEW.status = 'pending_approval' AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'pending_approval') THEN
              NEW.approval_expires_at := least(now() + interval '14 days', (SELECT enrolment_closes_at FROM cohort WHERE id = NEW.cohort_id));
              NEW.approval_reminded_at := NULL;
            END IF;
            RETURN NEW;
          END $$`);
        await queryRunner.query(`CREATE TRIGGER enrolment_approval_expiry BEFORE INSERT OR UPDATE OF status ON enrolment FOR EACH ROW EXECUTE FUNCTION enrolment_approval_expiry()`);
        await queryRunner.query(
            `UPDATE enrolment e SET approval_expires_at = least(e.created_at + interval '14 days', c.enrolment_closes_at)
             FROM cohort c WHERE c.id = e.cohort_id AND e.status = 'pending_approval'`,
        );
        await queryRunner.query(`CREATE INDEX enrolment_approval_due ON enrolment (approval_expires_at) WHERE status = 'pending_approval'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX enrolment_approval_due`);
        await queryRunner.query(`DROP TRIGGER enrolment_approval_expiry ON enrolment`);
        await queryRunner.query(`DROP FUNCTION enrolment_approval_expiry()`);
        await queryRunner.query(`ALTER TABLE "email_verification" DROP CONSTRAINT "email_verification_user_fk"`);
        await queryRunner.query(`ALTER TABLE "agency" DROP CONSTRAINT "agency_email_domains_few"`);
        await queryRunner.query(`ALTER TABLE "enrolment" DROP COLUMN "approval_reminded_at"`);
        await queryRunner.query(`ALTER TABLE "enrolment" DROP COLUMN "approval_expires_at"`);
        await queryRunner.query(`ALTER TABLE "app_user" DROP COLUMN "email_verified_at"`);
        await queryRunner.query(`ALTER TABLE "agency" DROP COLUMN "email_domains"`);
        await queryRunner.query(`DROP INDEX "public"."email_verification_hash_unique"`);
        await queryRunner.query(`DROP INDEX "public"."email_verification_user"`);
        await queryRunner.query(`DROP TABLE "email_verification"`);
    }

}
