// Issue 20, search that understands Finnish: the words Voikko has analysed (search_word), the
// functions that build search vectors and queries from them (search/sql/search-vector.sql), posts'
// vectors built with them, and search vectors for programmes, rounds, network events, materials and
// toolkit entries, each kept by its owner's trigger. Existing rows get their vectors here, with
// the snowball stems (no word is analysed yet); `npm run search:reindex` adds Voikko's analyses.
import { MigrationInterface, QueryRunner } from 'typeorm';
import { applySqlSources, SqlSources } from '../src/database/sql-sources';

export class FinnishSearch1796740000000 implements MigrationInterface {
    name = 'FinnishSearch1796740000000'

    static readonly sqlSources: SqlSources = {
        'search/sql/search-vector.sql': '448ac9ed5bf5655d5e0c8777718afc7ad7c1e63d5f0fd3696ff5b07d35bd3f8f',
        'forums/sql/post-search.sql': '2991abdc3c01cdc8b275f0e1c62073195c9ca08dfd9649ad93693bd31a5ca3ef',
        'catalogue/sql/search.sql': '111e91dbbe1c8bff5e4e9809ef8abb31f008970f1184ec0cb8809d76e879d09b',
        'calendar/sql/event-search.sql': '4e9a68a7fafdf5c7cb074f4e5f400f4ce234080b34cab9c59da45ad48d66debf',
        'materials/sql/search.sql': 'b022cf3966f06e246aa67620c194fca0414ae1fbfc1448d827f45d4f35adc9e8',
        'toolkit/sql/search.sql': '4a896e4e5ca0ea57f1d532d3486810fa25a07a077d405f858f51edcf9e8dd0fd',
    };

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "search_word" ("word" text NOT NULL, "terms" text array NOT NULL, "analysed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "search_word_pk" PRIMARY KEY ("word"))`);
        await queryRunner.query(`ALTER TABLE "network_event" ADD "search" tsvector`);
        await queryRunner.query(`ALTER TABLE "programme" ADD "search" tsvector`);
        await queryRunner.query(`ALTER TABLE "cohort" ADD "search" tsvector`);
        await queryRunner.query(`ALTER TABLE "material" ADD "search" tsvector`);
        await queryRunner.query(`ALTER TABLE "toolkit_entry" ADD "search" tsvector`);
        await applySqlSources(queryRunner, FinnishSearch1796740000000.sqlSources);
        await queryRunner.query(`UPDATE programme p SET search = programme_vector(p)`);
        await queryRunner.query(`UPDATE cohort c SET search = cohort_vector(c)`);
        await queryRunner.query(`UPDATE network_event e SET search = network_event_vector(e)`);
        await queryRunner.query(`UPDATE material m SET search = material_vector(m)`);
        await queryRunner.query(`UPDATE toolkit_entry e SET search = toolkit_entry_vector(e)`);
        // Posts' vectors in the new form (the old ones' plain snowball stems no query looks for
        // any more). No word is analysed yet, so they hold the snowball stems as base forms;
        // `npm run search:reindex` then adds Voikko's, in batches while the site runs.
        await queryRunner.query(`UPDATE forum_post p SET search = forum_post_vector(p)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        for (const table of ['toolkit_entry', 'material', 'network_event', 'cohort', 'programme']) {
            await queryRunner.query(`DROP TRIGGER ${table}_search ON ${table}`);
            await queryRunner.query(`DROP FUNCTION ${table}_vector(${table})`);
            await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "search"`);
        }
        // The post trigger as it was (migration SqlInSourceFiles' forums/sql/post-search.sql).
        await queryRunner.query(`CREATE OR REPLACE FUNCTION forum_post_search() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  title text;
BEGIN
  SELECT t.title INTO title FROM forum_thread t
  WHERE t.id = NEW.thread_id
    AND NOT EXISTS (SELECT 1 FROM forum_post p WHERE p.thread_id = NEW.thread_id AND p.id <> NEW.id AND (p.created_at, p.id) < (NEW.created_at, NEW.id));
  NEW.search := setweight(to_tsvector(forum_search_config(NEW.language), coalesce(title, '')), 'A')
                || to_tsvector(forum_search_config(NEW.language), NEW.body);
  RETURN NEW;
END
$$`);
        await queryRunner.query(`UPDATE forum_post p SET search = setweight(to_tsvector(forum_search_config(p.language), coalesce((
            SELECT t.title FROM forum_thread t WHERE t.id = p.thread_id
               AND NOT EXISTS (SELECT 1 FROM forum_post o WHERE o.thread_id = p.thread_id AND o.id <> p.id AND (o.created_at, o.id) < (p.created_at, p.id))
          ), '')), 'A') || to_tsvector(forum_search_config(p.language), p.body)`);
        await queryRunner.query(`DROP FUNCTION forum_post_vector(forum_post)`);
        await queryRunner.query(`DROP FUNCTION search_keep_vector(), search_marked_words(tsvector, tsquery), search_query_stemmed(regconfig, text, boolean), search_query_fi(text, integer, boolean, jsonb),
          search_typed_terms(text, jsonb), search_typed_words(text), search_vector_localized(jsonb), search_vector(text, text), search_vector_fi(text), search_terms_fi(text), search_stem_terms(text), search_literal(text)`);
        await queryRunner.query(`DROP TABLE "search_word"`);
    }
}
