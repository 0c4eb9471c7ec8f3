// Issue 22, the forum page under load: two views other areas read with what they already read, so a
// signed-in thread page costs two statements instead of four. notifications exports the header's
// unread count (the session store reads it with the session and its person); files exports a
// file's listing fields (the thread page reads its posts' attachments with the posts).
import { MigrationInterface, QueryRunner } from 'typeorm';
import { applySqlSources, SqlSources } from '../src/database/sql-sources';

export class PagesInFewerStatements1796760000000 implements MigrationInterface {
    name = 'PagesInFewerStatements1796760000000'

    static readonly sqlSources: SqlSources = {
        'notifications/sql/unread-count.sql': '51b5d36963512f6543fe5fe6fa86287f72ec22748b982d28beb83612462e3ae6',
        'files/sql/attachments.sql': 'eacdb0e247e4b83ceb0656a3c177a69b2bbdb07719dc325c9d28639d4f9837ac',
    };

    public async up(queryRunner: QueryRunner): Promise<void> {
        await applySqlSources(queryRunner, PagesInFewerStatements1796760000000.sqlSources);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP VIEW file_attachment`);
        await queryRunner.query(`DROP VIEW unread_notification_count`);
    }
}
