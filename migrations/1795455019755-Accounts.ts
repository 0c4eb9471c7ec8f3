// Accounts: users (email unique whatever its case), API tokens, password reset links, the audit log,
// and the table of server-side sessions (connect-pg-simple's layout, no entity: the store owns it).
// Notifications and preferences now point at users.
import { MigrationInterface, QueryRunner } from "typeorm";

export class Accounts1795455019755 implements MigrationInterface {
    name = 'Accounts1795455019755'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "app_user" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" text NOT NULL, "display_name" text NOT NULL, "agency_id" uuid, "language" text NOT NULL DEFAULT 'fi', "site_role" text, "status" text NOT NULL DEFAULT 'active', "password_hash" text, "session_version" integer NOT NULL DEFAULT '0', "erasure_requested_at" TIMESTAMP WITH TIME ZONE, "last_signed_in_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "app_user_erased_has_no_password" CHECK (status <> 'erased' OR password_hash IS NULL), CONSTRAINT "app_user_status_known" CHECK (status IN ('active', 'deactivated', 'erased')), CONSTRAINT "app_user_site_role_known" CHECK (site_role IS NULL OR site_role IN ('admin')), CONSTRAINT "app_user_language_known" CHECK (language IN ('fi', 'sv', 'en')), CONSTRAINT "app_user_display_name_length" CHECK (length(btrim(display_name)) BETWEEN 1 AND 200 OR status = 'erased'), CONSTRAINT "app_user_email_length" CHECK (length(email) BETWEEN 3 AND 254), CONSTRAINT "PK_22a5c4a3d9b2fb8e4e73fc4ada1" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "app_user_agency" ON "app_user"  ("agency_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "app_user_email_unique" ON "app_user" (lower("email"))`);
        await queryRunner.query(`CREATE TABLE "api_token" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "name" text NOT NULL, "token_hash" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d862311c568d175c26f41bc6f98" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "api_token_user" ON "api_token"  ("user_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "api_token_hash_unique" ON "api_token"  ("token_hash") `);
        await queryRunner.query(`CREATE TABLE "audit_log" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "actor_user_id" uuid, "action" text NOT NULL, "target_type" text NOT NULL, "target_id" text, "details" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "audit_log_recent" ON "audit_log"  ("created_at") `);
        await queryRunner.query(`CREATE TABLE "password_reset" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "token_hash" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8515e60a2cc41584fa4784f52ce" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "password_reset_user" ON "password_reset"  ("user_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "password_reset_hash_unique" ON "password_reset"  ("token_hash") `);
        await queryRunner.query(`ALTER TABLE "app_user" ADD CONSTRAINT "app_user_agency_fk" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "api_token" ADD CONSTRAINT "api_token_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "password_reset" ADD CONSTRAINT "password_reset_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`CREATE TABLE "user_session" ("sid" varchar NOT NULL, "sess" json NOT NULL, "expire" timestamp(6) NOT NULL, CONSTRAINT "user_session_pk" PRIMARY KEY ("sid"))`);
        await queryRunner.query(`CREATE INDEX "user_session_expire" ON "user_session" ("expire")`);
        await queryRunner.query(`ALTER TABLE "notification" ADD CONSTRAINT "notification_recipient_user_fk" FOREIGN KEY ("recipient_user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "notification_preference" ADD CONSTRAINT "notification_preference_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "notification_preference" DROP CONSTRAINT "notification_preference_user_fk"`);
        await queryRunner.query(`ALTER TABLE "notification" DROP CONSTRAINT "notification_recipient_user_fk"`);
        await queryRunner.query(`DROP TABLE "user_session"`);
        await queryRunner.query(`DROP INDEX "public"."app_user_email_unique"`);
        await queryRunner.query(`ALTER TABLE "password_reset" DROP CONSTRAINT "password_reset_user_fk"`);
        await queryRunner.query(`ALTER TABLE "api_token" DROP CONSTRAINT "api_token_user_fk"`);
        await queryRunner.query(`ALTER TABLE "app_user" DROP CONSTRAINT "app_user_agency_fk"`);
        await queryRunner.query(`DROP INDEX "public"."password_reset_hash_unique"`);
        await queryRunner.query(`DROP INDEX "public"."password_reset_user"`);
        await queryRunner.query(`DROP TABLE "password_reset"`);
        await queryRunner.query(`DROP INDEX "public"."audit_log_recent"`);
        await queryRunner.query(`DROP TABLE "audit_log"`);
        await queryRunner.query(`DROP INDEX "public"."api_token_hash_unique"`);
        await queryRunner.query(`DROP INDEX "public"."api_token_user"`);
        await queryRunner.query(`DROP TABLE "api_token"`);
        await queryRunner.query(`DROP INDEX "public"."app_user_agency"`);
        await queryRunner.query(`DROP TABLE "app_user"`);
    }

}
