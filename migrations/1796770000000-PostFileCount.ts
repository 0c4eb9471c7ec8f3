// Issue 22, the forum page under load: each post counts its files (a trigger on the files area's
// stored_file keeps the count), so the thread page asks for files only of posts that have some.
import { MigrationInterface, QueryRunner } from 'typeorm';
import { applySqlSources, SqlSources } from '../src/database/sql-sources';

export class PostFileCount1796770000000 implements MigrationInterface {
    name = 'PostFileCount1796770000000'

    static readonly sqlSources: SqlSources = {
        'forums/sql/post-files.sql': '7cee6c35035eeafca3bc9c3c2228c339e7ce805f27ab8869d1ea02b824c5a560',
    };

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "forum_post" ADD "file_count" integer NOT NULL DEFAULT '0'`);
        await queryRunner.query(`ALTER TABLE "forum_post" ADD CONSTRAINT "forum_post_file_count_counted" CHECK (file_count >= 0)`);
        // Posts that already have files (the trigger counts from here on).
        await queryRunner.query(
            `UPDATE forum_post p SET file_count = f.n FROM (SELECT owner_id, count(*)::int AS n FROM stored_file WHERE owner_kind = 'post' GROUP BY owner_id) f WHERE f.owner_id = p.id`,
        );
        await applySqlSources(queryRunner, PostFileCount1796770000000.sqlSources);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER forum_post_file_count ON stored_file`);
        await queryRunner.query(`DROP FUNCTION forum_post_file_count()`);
        await queryRunner.query(`ALTER TABLE "forum_post" DROP CONSTRAINT "forum_post_file_count_counted"`);
        await queryRunner.query(`ALTER TABLE "forum_post" DROP COLUMN "file_count"`);
    }
}
