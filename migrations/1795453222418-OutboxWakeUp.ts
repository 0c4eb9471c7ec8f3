// Wakes the outbox relays when notifications are written: a statement-level trigger sends one
// NOTIFY per inserting statement, which PostgreSQL delivers at commit (never for a rolled-back
// change) and folds into one per transaction. Relays still poll, so a missed wake-up only delays.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class OutboxWakeUp1795453222418 implements MigrationInterface {
    name = 'OutboxWakeUp1795453222418'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE FUNCTION notification_written() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('notification_written', '');
                RETURN NULL;
            END
        $$`);
        await queryRunner.query(`CREATE TRIGGER notification_written AFTER INSERT ON notification FOR EACH STATEMENT EXECUTE FUNCTION notification_written()`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER notification_written ON notification`);
        await queryRunner.query(`DROP FUNCTION notification_written()`);
    }

}
