// Issue 18, feedback surveys: the views of a person's own feedback rows that their data download
// reads (the surveys they answered, their named answers).
import { MigrationInterface, QueryRunner } from 'typeorm';
import { applySqlSources, SqlSources } from '../src/database/sql-sources';

export class FeedbackViews1796710000002 implements MigrationInterface {
  name = 'FeedbackViews1796710000002';

  static readonly sqlSources: SqlSources = {
    'feedback/sql/personal-data.sql': '1a44726228d27834f70c1d0513b90c8ec7c17016823afe687a80ef17796b56b8',
  };

  public async up(queryRunner: QueryRunner): Promise<void> {
    await applySqlSources(queryRunner, FeedbackViews1796710000002.sqlSources);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP VIEW survey_answer_by_person, survey_respondent_by_person`);
  }
}
