// Issue 17: the SQL functions, triggers and views that state the areas' rules now live in
// src/<area>/sql/*.sql (src/database/sql-sources.ts), and each area's tables are read by other areas
// only through the views their owner exports (src/database/table-owners.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { applySqlSources, SqlSources } from '../src/database/sql-sources';
import { PROJECT_ROOT } from '../src/paths';

export class SqlInSourceFiles1796700000000 implements MigrationInterface {
  name = 'SqlInSourceFiles1796700000000';

  static readonly sqlSources: SqlSources = {
    'notifications/sql/outbox-reads.sql': 'f1efb005d52bc34fafd1c511064f02c987265ad7b64090cc51b4bb1f5c28701b',
    'identity/sql/person.sql': '1fbdd0c16c411695f0758a80eadcb165cb4ce53b62d33fea0f058cc27f526a11',
    'catalogue/sql/listings.sql': '8bfb7f370a1f628b371f46dbc768ab427b29d512542ab7a3ec099e361689714e',
    'enrolment/sql/membership.sql': '23dead2cb5c2b5c5a02b651224f767665ac382ef571a57d6c61d2c57021e64ed',
    'enrolment/sql/history-reads.sql': 'a3bb9f254ae73ad8f03c470d80df98ea694d03e977f94a2521efad15864e1f9f',
    'notifications/sql/outbox.sql': 'ed78d545073304387e8c9746bfc08ac4e84034f359cada080e38bfaa7c3bbc9e',
    'catalogue/sql/seat-counts.sql': 'ccd93d337946d6c849a6bed1935aa49937fbfedce232953fe2589efc5c0db0cf',
    'enrolment/sql/placement.sql': 'a57d17ecae47479700305c92bb06b0a6f71d474708b760788cd7d03133fdb46e',
    'enrolment/sql/promotion.sql': '3093d4ba72faff775d9d0e896f2a66f3860f5c86d5ae78a2f81240a829aa70c0',
    'enrolment/sql/approval-expiry.sql': '4ec7ed1d50b9f616df7513a71b45ea3569e9f9c0ce23f4ef839052f4371d7a28',
    'enrolment/sql/seat-counts.sql': '0155f242879b27d60793723bbefaeb876da2ddc7dc6ce57d1f3412b460452389',
    'enrolment/sql/enrol.sql': 'f809f21f8fdc5c1655df4f4693c21390de3a1beb825232fdcbea5762400921d6',
    'calendar/sql/reminder-planning.sql': '2c0a67b5c600613d5db80632ecb6e5a98f2636f511f24cd6641c3d253a9e41b4',
    'forums/sql/cohort-channel.sql': '7ed53eca99d84bcfb4e216d5e04d19ec9b28a4ca98aeb8c4540a00128d8e98f0',
    'forums/sql/post-search.sql': 'a23b1ba0a746cdc83127248558cdcc28485981933213d6ad25d02fbce0658e06',
    'forums/sql/thread-activity.sql': '618515fbc8e66de0629882da04b8a2f3772424eedd3c56b05af0cf8009d6af62',
    'identity/sql/tokens-and-audit.sql': 'f74b828fdb003860059db7f2826104d47be37eb4725e5c5d722296db4a0c1f52',
    'catalogue/sql/personal-data.sql': '59f2167889fc186d11de3d25e0dfb652b65a147cb0065fdf63a234c304d3c252',
    'enrolment/sql/personal-data.sql': '3725a75130d75793461ba0816cb55bff7a89123c154821732c16299a79552694',
    'forums/sql/personal-data.sql': '558d7514564f3b4165ddeb5728cd828a9feff307788f0a4a2a612beb8d812e95',
    'calendar/sql/personal-data.sql': '77bd31874ac12a432265fa28733a84656d0fc566facc5a8457bfe2df3baf4ec4',
    'notifications/sql/person-notifications.sql': '92327a8cbaa71de73c963774d20e483c043796063420e48740b813b5d83b2c10',
  };

  public async up(queryRunner: QueryRunner): Promise<void> {
    // enrolment_enrol no longer takes the person's channels: notification_enqueue reads their choice.
    await queryRunner.query(`DROP FUNCTION enrolment_enrol(uuid, uuid, uuid, uuid, text, boolean, text, text, text, text, text)`);
    await applySqlSources(queryRunner, SqlInSourceFiles1796700000000.sqlSources);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION notification_erase_person(uuid, text, text), notification_cancel_for(uuid)`);
    await queryRunner.query(`DROP VIEW notification_by_person, calendar_feed_by_person, forum_moderation_by_person, forum_read_by_person, forum_subscription_by_person,
      forum_post_by_person, forum_thread_by_person, forum_channel_name, completion_by_person, attendance_by_person, enrolment_history, enrolment_by_person,
      session_change_by_person, programme_facilitator_listing, audit_entry, api_token_listing, live_api_token`);
    await queryRunner.query(`DROP FUNCTION held_seat_until_cancelled(uuid)`);
    await queryRunner.query(`DROP TRIGGER enrolment_seat_counts ON enrolment`);
    await queryRunner.query(`DROP FUNCTION enrolment_seat_counts(), cohort_seats_add(uuid, integer, integer), enrolment_enrol(uuid, uuid, uuid, uuid, text, boolean, text, text, text),
      enrolment_refusal(text, timestamptz, timestamptz, boolean), enrolment_next_in_line(uuid), enrolment_agency_has_room(uuid, uuid, integer),
      notification_cancel_prefixed(text[], text), notification_enqueue(text, boolean, text[], uuid[], text[], text[], text[], jsonb[], text[], timestamptz[])`);
    // The functions (and their triggers) the files replaced, as the older migrations left them.
    await queryRunner.query(readFileSync(join(PROJECT_ROOT, 'migrations', 'sql', '1796700000000-SqlInSourceFiles.down.sql'), 'utf8'));
    await queryRunner.query(`DROP VIEW cohort_member`);
    await queryRunner.query(`DROP FUNCTION holds_seat(text)`);
    await queryRunner.query(`DROP VIEW notification_choice, outbox_entry`);
    await queryRunner.query(`DROP FUNCTION notification_live(text)`);
    await queryRunner.query(`DROP VIEW facilitator_listing, session_listing, cohort_listing, programme_listing, agency_name, person`);
  }
}
