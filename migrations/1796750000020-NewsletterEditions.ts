// Sending a newsletter edition exactly once per subscriber: the cursor of its queueing. Subscribers
// are queued in id order, a batch at a time, and each batch's transaction records the last id it
// queued, so a crashed or second worker resumes after it (the outbox's keys only keep live rows
// unique, which would not stop a second row for a subscriber whose first was already sent).
import { MigrationInterface, QueryRunner } from 'typeorm';

export class NewsletterEditions1796750000020 implements MigrationInterface {
    name = 'NewsletterEditions1796750000020'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "newsletter_edition" ADD "queued_through" uuid`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "newsletter_edition" DROP COLUMN "queued_through"`);
    }
}
