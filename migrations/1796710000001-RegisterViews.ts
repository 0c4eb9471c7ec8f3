// Issue 18, the register of trained developers: the views it reads other areas through (completions
// from enrolment, the opt-in from identity) and the views of its own rows that a person's data
// download reads.
import { MigrationInterface, QueryRunner } from 'typeorm';
import { applySqlSources, SqlSources } from '../src/database/sql-sources';

export class RegisterViews1796710000001 implements MigrationInterface {
  name = 'RegisterViews1796710000001';

  static readonly sqlSources: SqlSources = {
    'enrolment/sql/completion-listing.sql': '93292154d53a11197a40e86a329389ecad20b28b2693764c785b02d26a93b5f5',
    'identity/sql/register-person.sql': 'a956b53da491e00095494f83791dca856753fc842d8390454a7f0baadf033237',
    'register/sql/personal-data.sql': '7265f39cda243db13eb538426c8ac87d73bab255a3027327d5c5a99916f2662a',
  };

  public async up(queryRunner: QueryRunner): Promise<void> {
    await applySqlSources(queryRunner, RegisterViews1796710000001.sqlSources);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP VIEW agency_contact_by_person, historical_completion_by_person, register_person, completion_listing`);
  }
}
