// The notification outbox (see src/notifications) and per-person notification preferences.
import { MigrationInterface, QueryRunner } from "typeorm";

export class NotificationOutbox1795448824536 implements MigrationInterface {
    name = 'NotificationOutbox1795448824536'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "notification" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" text NOT NULL, "key" text, "recipient_user_id" uuid, "recipient_email" text NOT NULL, "recipient_name" text, "language" text NOT NULL, "payload" jsonb NOT NULL, "delivery" text NOT NULL DEFAULT 'email', "due_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "status" text NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "generation" integer NOT NULL DEFAULT '0', "last_error" text, "claimed_at" TIMESTAMP WITH TIME ZONE, "sent_at" TIMESTAMP WITH TIME ZONE, "digest_id" uuid, "subject" text, "body_text" text, "body_html" text, "transport_result" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "notification_sent_has_time" CHECK (status <> 'sent' OR sent_at IS NOT NULL), CONSTRAINT "notification_language_known" CHECK (language IN ('fi', 'sv', 'en')), CONSTRAINT "notification_delivery_known" CHECK (delivery IN ('email', 'digest')), CONSTRAINT "notification_status_known" CHECK (status IN ('pending', 'queued', 'sending', 'sent', 'failed', 'cancelled')), CONSTRAINT "PK_705b6c7cdf9b2c2ff7ac7872cb7" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "notification_key_live" ON "notification"  ("key") WHERE key IS NOT NULL AND status IN ('pending', 'queued', 'sending')`);
        await queryRunner.query(`CREATE INDEX "notification_digest_items" ON "notification"  ("digest_id") WHERE digest_id IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "notification_outbox_list" ON "notification"  ("created_at") `);
        await queryRunner.query(`CREATE INDEX "notification_digest_pending" ON "notification"  ("recipient_email", "due_at") WHERE status = 'pending' AND delivery = 'digest'`);
        await queryRunner.query(`CREATE INDEX "notification_in_flight" ON "notification"  ("status", "due_at") WHERE status IN ('queued', 'sending')`);
        await queryRunner.query(`CREATE INDEX "notification_relay" ON "notification"  ("due_at") WHERE status = 'pending' AND delivery = 'email'`);
        await queryRunner.query(`CREATE TABLE "notification_preference" ("user_id" uuid NOT NULL, "kind" text NOT NULL, "channel" text NOT NULL, CONSTRAINT "notification_preference_channel_known" CHECK (channel IN ('email', 'digest', 'off')), CONSTRAINT "PK_0f7529aefc65bd035491bb755bf" PRIMARY KEY ("user_id", "kind"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "notification_preference"`);
        await queryRunner.query(`DROP INDEX "public"."notification_relay"`);
        await queryRunner.query(`DROP INDEX "public"."notification_in_flight"`);
        await queryRunner.query(`DROP INDEX "public"."notification_digest_pending"`);
        await queryRunner.query(`DROP INDEX "public"."notification_outbox_list"`);
        await queryRunner.query(`DROP INDEX "public"."notification_digest_items"`);
        await queryRunner.query(`DROP INDEX "public"."notification_key_live"`);
        await queryRunner.query(`DROP TABLE "notification"`);
    }

}
