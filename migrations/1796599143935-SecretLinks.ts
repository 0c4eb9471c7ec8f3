// Secret links (src/notifications/secret-links.ts) and the installation's own server secret
// (src/database/installation-secret.ts):
// - installation_secret, one row at most, made on first start when SESSION_SECRET is not set;
// - hand-written below: the outbox written before links were sealed loses them where they are of
//   no more use. Rows that will never be sent again (sent, cancelled; a failed one may be resent)
//   lose the link fields of their payload, and every copy kept for the outbox page says
//   "[link hidden]" in the message's language instead. Rows still to be sent keep theirs until
//   they go. down() cannot bring the links back.
import { MigrationInterface, QueryRunner } from "typeorm";

/** A password reset, approval or unsubscribe address, as text or as Handlebars wrote it into HTML (`=` as `&#x3D;`). */
const SECRET_LINK = `https?://[^[:space:]"'<>]+/(password/reset\\?token(=|&#x3D;)|enrolments/approval/|unsubscribe/forum/)[A-Za-z0-9_-]+`;
const HIDDEN = `CASE language WHEN 'sv' THEN '[länken dold]' WHEN 'en' THEN '[link hidden]' ELSE '[linkki piilotettu]' END`;

export class SecretLinks1796599143935 implements MigrationInterface {
    name = 'SecretLinks1796599143935'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "installation_secret" ("id" boolean NOT NULL DEFAULT true, "session_secret" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "installation_secret_one_row" CHECK (id), CONSTRAINT "PK_9b15613bbd06870119952bd2b27" PRIMARY KEY ("id"))`);

        await queryRunner.query(`UPDATE notification SET payload = payload - 'link' WHERE kind = 'password-reset' AND status IN ('sent', 'cancelled') AND payload ? 'link'`);
        await queryRunner.query(`UPDATE notification SET payload = payload - 'approvalUrl' WHERE kind = 'enrolment.approval-requested' AND status IN ('sent', 'cancelled') AND payload ? 'approvalUrl'`);
        await queryRunner.query(
            `UPDATE notification SET subject = regexp_replace(subject, $1, ${HIDDEN}, 'g'), body_text = regexp_replace(body_text, $1, ${HIDDEN}, 'g'),
                    body_html = regexp_replace(body_html, $1, ${HIDDEN}, 'g')
             WHERE concat(subject, body_text, body_html) ~ $1`,
            [SECRET_LINK],
        );
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "installation_secret"`);
    }

}
