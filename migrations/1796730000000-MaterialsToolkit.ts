// Issue 19, materials and the toolkit: a programme's, round's or session's materials (material)
// with their versions (material_version: a stored file or a link each), the toolkit library's
// entries (toolkit_entry, cases from the field among them) with their links (toolkit_link), and the
// order of an owner's files (stored_file.position: a post's attachments as chosen).
import { MigrationInterface, QueryRunner } from 'typeorm';
import { applySqlSources, SqlSources } from '../src/database/sql-sources';

export class MaterialsToolkit1796730000000 implements MigrationInterface {
    name = 'MaterialsToolkit1796730000000'

    static readonly sqlSources: SqlSources = {
        'materials/sql/personal-data.sql': 'cc2eb4da18f4592cc3743821e20701c9b9376047ef64435d170dbc6ffbafe0ab',
        'toolkit/sql/personal-data.sql': '4eb69bdfad4ecb96a52633c58ffd0c3a590d3086b9fd6b135d2d69641c7e57aa',
    };

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "material" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "programme_id" uuid, "cohort_id" uuid, "session_id" uuid, "kind" text NOT NULL, "title" jsonb NOT NULL, "note" jsonb NOT NULL DEFAULT '{}', "position" integer NOT NULL DEFAULT '0', "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "material_title_has_finnish" CHECK (length(btrim(title->>'fi')) BETWEEN 1 AND 200), CONSTRAINT "material_kind_known" CHECK (kind IN ('file', 'link')), CONSTRAINT "material_one_place" CHECK (num_nonnulls(programme_id, cohort_id, session_id) = 1), CONSTRAINT "PK_0343d0d577f3effc2054cbaca7f" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "material_session_order" ON "material"  ("session_id", "position") WHERE session_id IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "material_cohort_order" ON "material"  ("cohort_id", "position") WHERE cohort_id IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "material_programme_order" ON "material"  ("programme_id", "position") WHERE programme_id IS NOT NULL`);
        await queryRunner.query(`CREATE TABLE "material_version" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "material_id" uuid NOT NULL, "version" integer NOT NULL, "file_id" uuid, "url" text, "added_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "material_version_number" UNIQUE ("material_id", "version"), CONSTRAINT "material_version_url_web" CHECK (url IS NULL OR (url ~ '^https?://' AND length(url) <= 2000)), CONSTRAINT "material_version_positive" CHECK (version >= 1), CONSTRAINT "material_version_file_or_link" CHECK ((file_id IS NULL) <> (url IS NULL)), CONSTRAINT "PK_2cd051ba8be86fed48db683adcc" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "toolkit_link" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "entry_id" uuid NOT NULL, "url" text NOT NULL, "label" text, "position" integer NOT NULL DEFAULT '0', CONSTRAINT "toolkit_link_label_length" CHECK (label IS NULL OR length(label) <= 200), CONSTRAINT "toolkit_link_url_web" CHECK (url ~ '^https?://' AND length(url) <= 2000), CONSTRAINT "PK_b0dd53685ff3a36370f13a05190" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "toolkit_entry" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" text NOT NULL, "themes" text array NOT NULL DEFAULT '{}', "title" jsonb NOT NULL, "description" jsonb NOT NULL DEFAULT '{}', "status" text NOT NULL DEFAULT 'published', "submitted_by" uuid, "reviewed_by" uuid, "reviewed_at" TIMESTAMP WITH TIME ZONE, "review_note" text, "position" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "toolkit_entry_reviewed_when_decided" CHECK (status = 'pending' OR submitted_by IS NULL OR reviewed_at IS NOT NULL), CONSTRAINT "toolkit_entry_only_cases_submitted" CHECK (status = 'published' OR kind = 'case_example'), CONSTRAINT "toolkit_entry_titled" CHECK (length(btrim(coalesce(title->>'fi', '') || coalesce(title->>'sv', '') || coalesce(title->>'en', ''))) > 0), CONSTRAINT "toolkit_entry_status_known" CHECK (status IN ('published', 'pending', 'rejected')), CONSTRAINT "toolkit_entry_themes_known" CHECK (themes <@ ARRAY['complexity', 'dialogue', 'foresight', 'leadership', 'human_centred', 'multidisciplinary', 'systemic', 'collaborative', 'interaction_quality']::text[]), CONSTRAINT "toolkit_entry_kind_known" CHECK (kind IN ('workbook', 'assessment_tool', 'facilitation_method', 'co_development_model', 'case_example')), CONSTRAINT "PK_bf2332e916819a5e24877a4d6b1" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "toolkit_entry_submitter" ON "toolkit_entry"  ("submitted_by") WHERE submitted_by IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "toolkit_entry_status_kind" ON "toolkit_entry"  ("status", "kind") `);
        await queryRunner.query(`ALTER TABLE "stored_file" ADD "position" integer NOT NULL DEFAULT '0'`);
        await queryRunner.query(`ALTER TABLE "material" ADD CONSTRAINT "material_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "material" ADD CONSTRAINT "material_cohort_fk" FOREIGN KEY ("cohort_id") REFERENCES "cohort"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "material" ADD CONSTRAINT "material_session_fk" FOREIGN KEY ("session_id") REFERENCES "cohort_session"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "material" ADD CONSTRAINT "material_creator_fk" FOREIGN KEY ("created_by") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "material_version" ADD CONSTRAINT "material_version_material_fk" FOREIGN KEY ("material_id") REFERENCES "material"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "material_version" ADD CONSTRAINT "material_version_file_fk" FOREIGN KEY ("file_id") REFERENCES "stored_file"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "material_version" ADD CONSTRAINT "material_version_adder_fk" FOREIGN KEY ("added_by") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "toolkit_link" ADD CONSTRAINT "toolkit_link_entry_fk" FOREIGN KEY ("entry_id") REFERENCES "toolkit_entry"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "toolkit_entry" ADD CONSTRAINT "toolkit_entry_submitter_fk" FOREIGN KEY ("submitted_by") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "toolkit_entry" ADD CONSTRAINT "toolkit_entry_reviewer_fk" FOREIGN KEY ("reviewed_by") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        // The foreign key's RESTRICT check on removing a file, and "which material is this file a version of".
        await queryRunner.query(`CREATE INDEX "material_version_file" ON "material_version" ("file_id") WHERE file_id IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "toolkit_link_entry" ON "toolkit_link" ("entry_id", "position")`);
        await applySqlSources(queryRunner, MaterialsToolkit1796730000000.sqlSources);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP VIEW toolkit_entry_by_person`);
        await queryRunner.query(`DROP VIEW material_version_by_person`);
        await queryRunner.query(`DROP VIEW material_by_person`);
        await queryRunner.query(`DROP INDEX "public"."toolkit_link_entry"`);
        await queryRunner.query(`DROP INDEX "public"."material_version_file"`);
        await queryRunner.query(`ALTER TABLE "toolkit_entry" DROP CONSTRAINT "toolkit_entry_reviewer_fk"`);
        await queryRunner.query(`ALTER TABLE "toolkit_entry" DROP CONSTRAINT "toolkit_entry_submitter_fk"`);
        await queryRunner.query(`ALTER TABLE "toolkit_link" DROP CONSTRAINT "toolkit_link_entry_fk"`);
        await queryRunner.query(`ALTER TABLE "material_version" DROP CONSTRAINT "material_version_adder_fk"`);
        await queryRunner.query(`ALTER TABLE "material_version" DROP CONSTRAINT "material_version_file_fk"`);
        await queryRunner.query(`ALTER TABLE "material_version" DROP CONSTRAINT "material_version_material_fk"`);
        await queryRunner.query(`ALTER TABLE "material" DROP CONSTRAINT "material_creator_fk"`);
        await queryRunner.query(`ALTER TABLE "material" DROP CONSTRAINT "material_session_fk"`);
        await queryRunner.query(`ALTER TABLE "material" DROP CONSTRAINT "material_cohort_fk"`);
        await queryRunner.query(`ALTER TABLE "material" DROP CONSTRAINT "material_programme_fk"`);
        await queryRunner.query(`ALTER TABLE "stored_file" DROP COLUMN "position"`);
        await queryRunner.query(`DROP INDEX "public"."toolkit_entry_status_kind"`);
        await queryRunner.query(`DROP INDEX "public"."toolkit_entry_submitter"`);
        await queryRunner.query(`DROP TABLE "toolkit_entry"`);
        await queryRunner.query(`DROP TABLE "toolkit_link"`);
        await queryRunner.query(`DROP TABLE "material_version"`);
        await queryRunner.query(`DROP INDEX "public"."material_programme_order"`);
        await queryRunner.query(`DROP INDEX "public"."material_cohort_order"`);
        await queryRunner.query(`DROP INDEX "public"."material_session_order"`);
        await queryRunner.query(`DROP TABLE "material"`);
    }

}
