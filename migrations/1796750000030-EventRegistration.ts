// Issue 21, registration for network events: the seat and queue engine of event_registration
// (calendar/sql/registration.sql: refusal, placement, next in line, the counters' trigger) and the
// person's registrations as other areas may read them (calendar/sql/personal-data.sql).
import { MigrationInterface, QueryRunner } from 'typeorm';
import { applySqlSources, SqlSources } from '../src/database/sql-sources';

export class EventRegistration1796750000030 implements MigrationInterface {
    name = 'EventRegistration1796750000030'

    static readonly sqlSources: SqlSources = {
        'calendar/sql/registration.sql': 'a3ba14a92c878aabf23aa5d0584f63ccfd0d8e75f3bbf816d357f88ea802fb4f',
        'calendar/sql/personal-data.sql': 'a5ff7ea76ef56e1b226187b311d0f6488b53e9d77e07d10b0dd16ebfe6e94b52',
    };

    public async up(queryRunner: QueryRunner): Promise<void> {
        await applySqlSources(queryRunner, EventRegistration1796750000030.sqlSources);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP VIEW IF EXISTS event_registration_by_person`);
        await queryRunner.query(`DROP TRIGGER IF EXISTS event_registration_seat_counts ON event_registration`);
        await queryRunner.query(`DROP FUNCTION IF EXISTS event_registration_seat_counts()`);
        await queryRunner.query(`DROP FUNCTION IF EXISTS event_registration_next_in_line(uuid)`);
        await queryRunner.query(`DROP FUNCTION IF EXISTS event_registration_placement(uuid)`);
        await queryRunner.query(`DROP FUNCTION IF EXISTS event_registration_refusal(text, integer, timestamptz, timestamptz)`);
    }
}
