// A participant's week (issue 15):
// - app_user.digest_hour / digest_rhythm: each person's digest at their own hour (Helsinki; null is
//   the site's DIGEST_HOUR) and rhythm (every day, weekdays, Mondays);
// - app_user.hide_name_from_participants: "a participant from <agency>" on the round's people page;
// - notification.read_at and notification_for_person: the person's own notifications page and the
//   unread count in the header. Everything sent before this counts as read: people have had it by
//   mail, and a first visit should not greet them with every message they ever got as "new".
import { MigrationInterface, QueryRunner } from "typeorm";

export class ParticipantWeek1796607356549 implements MigrationInterface {
    name = 'ParticipantWeek1796607356549'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "app_user" ADD "digest_hour" smallint`);
        await queryRunner.query(`ALTER TABLE "app_user" ADD "digest_rhythm" text NOT NULL DEFAULT 'daily'`);
        await queryRunner.query(`ALTER TABLE "app_user" ADD "hide_name_from_participants" boolean NOT NULL DEFAULT false`);
        await queryRunner.query(`ALTER TABLE "notification" ADD "read_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`UPDATE notification SET read_at = coalesce(sent_at, updated_at) WHERE recipient_user_id IS NOT NULL AND status IN ('sent', 'failed', 'cancelled')`);
        await queryRunner.query(`CREATE INDEX "notification_for_person" ON "notification"  ("recipient_user_id", "created_at") WHERE recipient_user_id IS NOT NULL`);
        await queryRunner.query(`ALTER TABLE "app_user" ADD CONSTRAINT "app_user_digest_rhythm_known" CHECK (digest_rhythm IN ('daily', 'weekdays', 'weekly'))`);
        await queryRunner.query(`ALTER TABLE "app_user" ADD CONSTRAINT "app_user_digest_hour_range" CHECK (digest_hour IS NULL OR digest_hour BETWEEN 0 AND 23)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "app_user" DROP CONSTRAINT "app_user_digest_hour_range"`);
        await queryRunner.query(`ALTER TABLE "app_user" DROP CONSTRAINT "app_user_digest_rhythm_known"`);
        await queryRunner.query(`DROP INDEX "public"."notification_for_person"`);
        await queryRunner.query(`ALTER TABLE "notification" DROP COLUMN "read_at"`);
        await queryRunner.query(`ALTER TABLE "app_user" DROP COLUMN "hide_name_from_participants"`);
        await queryRunner.query(`ALTER TABLE "app_user" DROP COLUMN "digest_rhythm"`);
        await queryRunner.query(`ALTER TABLE "app_user" DROP COLUMN "digest_hour"`);
    }

}
