// Issue 21, the newsletter's subscribers: the view a person's download of their data reads their
// subscription through (newsletter/sql/personal-data.sql). The tables came with NetworkBeyondRounds.
import { MigrationInterface, QueryRunner } from 'typeorm';
import { applySqlSources, SqlSources } from '../src/database/sql-sources';

export class NewsletterSubscribers1796750000010 implements MigrationInterface {
    name = 'NewsletterSubscribers1796750000010'

    static readonly sqlSources: SqlSources = {
        'newsletter/sql/personal-data.sql': 'cb796e224cc5bae1e91a4aca811b31b7c036998f6fa66af1abe298491cbc4a2d',
    };

    public async up(queryRunner: QueryRunner): Promise<void> {
        await applySqlSources(queryRunner, NewsletterSubscribers1796750000010.sqlSources);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP VIEW newsletter_subscriber_by_person`);
    }
}
