// Issue 21, "tell me when the next round opens": the view a person's download reads their rows on
// programmes' interest lists through (the table itself came with 1796750000000-NetworkBeyondRounds).
import { MigrationInterface, QueryRunner } from 'typeorm';
import { applySqlSources, SqlSources } from '../src/database/sql-sources';

export class ProgrammeInterest1796750000050 implements MigrationInterface {
    name = 'ProgrammeInterest1796750000050'

    static readonly sqlSources: SqlSources = {
        'catalogue/sql/interest.sql': '5c7dda16a42f798aa7a9744b613229ce5fc34d3d648eeee09391ddb344020692',
    };

    public async up(queryRunner: QueryRunner): Promise<void> {
        await applySqlSources(queryRunner, ProgrammeInterest1796750000050.sqlSources);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP VIEW programme_interest_by_person`);
    }
}
