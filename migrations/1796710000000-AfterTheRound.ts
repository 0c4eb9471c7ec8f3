// Issue 18, after the round: feedback surveys (a programme's template, a round's survey, the site's
// open form) with answers kept apart from who answered; a round's completion rule; certificate codes
// (existing completions get one); anonymising completions after the retention period; the register's
// opt-in, agency contacts and the imported historical list.
import { MigrationInterface, QueryRunner } from "typeorm";

export class AfterTheRound1796710000000 implements MigrationInterface {
    name = 'AfterTheRound1796710000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "survey" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "purpose" text NOT NULL, "programme_id" uuid, "cohort_id" uuid, "title" jsonb NOT NULL, "intro" jsonb NOT NULL DEFAULT '{}', "anonymous" boolean NOT NULL DEFAULT true, "open_days" integer NOT NULL DEFAULT '14', "opens_at" TIMESTAMP WITH TIME ZONE, "closes_at" TIMESTAMP WITH TIME ZONE, "invited_at" TIMESTAMP WITH TIME ZONE, "reminded_at" TIMESTAMP WITH TIME ZONE, "copied_from_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "survey_closes_after_opening" CHECK (closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at), CONSTRAINT "survey_open_days_range" CHECK (open_days BETWEEN 1 AND 90), CONSTRAINT "survey_title_has_finnish" CHECK (length(btrim(title->>'fi')) > 0), CONSTRAINT "survey_purpose_owner" CHECK ((purpose = 'programme_template' AND programme_id IS NOT NULL AND cohort_id IS NULL)
   OR (purpose = 'cohort' AND programme_id IS NOT NULL AND cohort_id IS NOT NULL)
   OR (purpose = 'site' AND programme_id IS NULL AND cohort_id IS NULL)), CONSTRAINT "survey_purpose_known" CHECK (purpose IN ('programme_template', 'cohort', 'site')), CONSTRAINT "PK_f0da32b9181e9c02ecf0be11ed3" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "survey_one_site_form" ON "survey"  ("purpose") WHERE purpose = 'site'`);
        await queryRunner.query(`CREATE UNIQUE INDEX "survey_one_template_per_programme" ON "survey"  ("programme_id") WHERE purpose = 'programme_template'`);
        await queryRunner.query(`CREATE UNIQUE INDEX "survey_one_per_cohort" ON "survey"  ("cohort_id") WHERE cohort_id IS NOT NULL`);
        await queryRunner.query(`CREATE TABLE "survey_question" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "survey_id" uuid NOT NULL, "position" integer NOT NULL, "kind" text NOT NULL, "prompt" jsonb NOT NULL, "options" jsonb NOT NULL DEFAULT '[]', "required" boolean NOT NULL DEFAULT false, CONSTRAINT "survey_question_position_positive" CHECK (position >= 1), CONSTRAINT "survey_question_choices_have_options" CHECK (kind NOT IN ('single_choice', 'multiple_choice') OR jsonb_array_length(options) >= 2), CONSTRAINT "survey_question_options_array" CHECK (jsonb_typeof(options) = 'array' AND jsonb_array_length(options) <= 20), CONSTRAINT "survey_question_prompt_has_finnish" CHECK (length(btrim(prompt->>'fi')) > 0), CONSTRAINT "survey_question_kind_known" CHECK (kind IN ('scale', 'single_choice', 'multiple_choice', 'short_text', 'long_text')), CONSTRAINT "PK_ec6d65e83fd7217202178b79907" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "survey_question_position" ON "survey_question"  ("survey_id", "position") `);
        await queryRunner.query(`CREATE TABLE "survey_response" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "survey_id" uuid NOT NULL, "user_id" uuid, "agency_id" uuid, "language" text NOT NULL DEFAULT 'fi', "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "survey_response_language_known" CHECK (language IN ('fi', 'sv', 'en')), CONSTRAINT "PK_d9326eb52bf8b23d56a39ce419a" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "survey_response_one_per_person" ON "survey_response"  ("survey_id", "user_id") WHERE user_id IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "survey_response_survey" ON "survey_response"  ("survey_id") `);
        await queryRunner.query(`CREATE TABLE "survey_answer" ("response_id" uuid NOT NULL, "question_id" uuid NOT NULL, "scale_value" smallint, "choices" smallint array, "text" text, CONSTRAINT "survey_answer_one_kind" CHECK (num_nonnulls(scale_value, choices, text) = 1), CONSTRAINT "survey_answer_text_length" CHECK (text IS NULL OR length(text) <= 5000), CONSTRAINT "survey_answer_scale_range" CHECK (scale_value IS NULL OR scale_value BETWEEN 1 AND 5), CONSTRAINT "PK_ec6edbad12cb8dbf977c1dd7027" PRIMARY KEY ("response_id", "question_id"))`);
        await queryRunner.query(`CREATE INDEX "survey_answer_question" ON "survey_answer"  ("question_id") `);
        await queryRunner.query(`CREATE TABLE "survey_respondent" ("survey_id" uuid NOT NULL, "user_id" uuid NOT NULL, "answered_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_469a000a9a5a26ea4fe34307614" PRIMARY KEY ("survey_id", "user_id"))`);
        await queryRunner.query(`CREATE TABLE "agency_contact" ("user_id" uuid NOT NULL, "agency_id" uuid NOT NULL, "granted_by_id" uuid, "granted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0885f4b33db629ac1abdf7e92fd" PRIMARY KEY ("user_id", "agency_id"))`);
        await queryRunner.query(`CREATE TABLE "historical_completion" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "person_name" text, "email" text, "agency_id" uuid, "programme_id" uuid NOT NULL, "year" integer NOT NULL, "user_id" uuid, "imported_by_id" uuid, "import_id" uuid NOT NULL, "anonymised_at" TIMESTAMP WITH TIME ZONE, "imported_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "historical_completion_email_lower" CHECK (email IS NULL OR email = lower(email)), CONSTRAINT "historical_completion_person_or_anonymised" CHECK ((person_name IS NULL) = (anonymised_at IS NOT NULL)), CONSTRAINT "historical_completion_year_range" CHECK (year BETWEEN 1990 AND 2100), CONSTRAINT "PK_16f760e4ebc0f74c6816f059a15" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "historical_completion_email" ON "historical_completion"  ("email") WHERE user_id IS NULL AND email IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "historical_completion_agency" ON "historical_completion"  ("agency_id", "programme_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "historical_completion_one_per_programme" ON "historical_completion"  ("programme_id", "email") WHERE email IS NOT NULL`);
        await queryRunner.query(`ALTER TABLE "app_user" ADD "listed_in_register" boolean NOT NULL DEFAULT false`);
        await queryRunner.query(`ALTER TABLE "cohort" ADD "completion_rule" text NOT NULL DEFAULT 'attendance'`);
        await queryRunner.query(`ALTER TABLE "cohort" ADD "completion_min_sessions" integer`);
        await queryRunner.query(`ALTER TABLE "completion" ADD "certificate_code" text`);
        await queryRunner.query(`ALTER TABLE "completion" ADD "anonymised_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`UPDATE "completion" SET "certificate_code" = upper(substr(md5(gen_random_uuid()::text), 1, 12))`);
        await queryRunner.query(`ALTER TABLE "completion" DROP CONSTRAINT "completion_user_fk"`);
        await queryRunner.query(`DROP INDEX "public"."completion_one_per_programme"`);
        await queryRunner.query(`ALTER TABLE "completion" ALTER COLUMN "user_id" DROP NOT NULL`);
        await queryRunner.query(`CREATE INDEX "completion_agency" ON "completion"  ("agency_id", "programme_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "completion_certificate_code" ON "completion"  ("certificate_code") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "completion_one_per_programme" ON "completion"  ("programme_id", "user_id") `);
        await queryRunner.query(`ALTER TABLE "cohort" ADD CONSTRAINT "cohort_completion_min_sessions_range" CHECK (completion_min_sessions IS NULL OR completion_min_sessions BETWEEN 1 AND 100)`);
        await queryRunner.query(`ALTER TABLE "cohort" ADD CONSTRAINT "cohort_completion_rule_known" CHECK (completion_rule IN ('attendance', 'facilitator'))`);
        await queryRunner.query(`ALTER TABLE "completion" ADD CONSTRAINT "completion_person_or_anonymised" CHECK ((user_id IS NULL) = (anonymised_at IS NOT NULL))`);
        await queryRunner.query(`ALTER TABLE "completion" ADD CONSTRAINT "completion_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "survey" ADD CONSTRAINT "survey_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "survey" ADD CONSTRAINT "survey_cohort_fk" FOREIGN KEY ("cohort_id") REFERENCES "cohort"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "survey" ADD CONSTRAINT "survey_copied_from_fk" FOREIGN KEY ("copied_from_id") REFERENCES "survey"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "survey_question" ADD CONSTRAINT "survey_question_survey_fk" FOREIGN KEY ("survey_id") REFERENCES "survey"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "survey_response" ADD CONSTRAINT "survey_response_survey_fk" FOREIGN KEY ("survey_id") REFERENCES "survey"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "survey_response" ADD CONSTRAINT "survey_response_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "survey_response" ADD CONSTRAINT "survey_response_agency_fk" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "survey_answer" ADD CONSTRAINT "survey_answer_response_fk" FOREIGN KEY ("response_id") REFERENCES "survey_response"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "survey_answer" ADD CONSTRAINT "survey_answer_question_fk" FOREIGN KEY ("question_id") REFERENCES "survey_question"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "survey_respondent" ADD CONSTRAINT "survey_respondent_survey_fk" FOREIGN KEY ("survey_id") REFERENCES "survey"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "survey_respondent" ADD CONSTRAINT "survey_respondent_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "agency_contact" ADD CONSTRAINT "agency_contact_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "agency_contact" ADD CONSTRAINT "agency_contact_agency_fk" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "historical_completion" ADD CONSTRAINT "historical_completion_agency_fk" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "historical_completion" ADD CONSTRAINT "historical_completion_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "historical_completion" ADD CONSTRAINT "historical_completion_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "historical_completion" DROP CONSTRAINT "historical_completion_user_fk"`);
        await queryRunner.query(`ALTER TABLE "historical_completion" DROP CONSTRAINT "historical_completion_programme_fk"`);
        await queryRunner.query(`ALTER TABLE "historical_completion" DROP CONSTRAINT "historical_completion_agency_fk"`);
        await queryRunner.query(`ALTER TABLE "agency_contact" DROP CONSTRAINT "agency_contact_agency_fk"`);
        await queryRunner.query(`ALTER TABLE "agency_contact" DROP CONSTRAINT "agency_contact_user_fk"`);
        await queryRunner.query(`ALTER TABLE "survey_respondent" DROP CONSTRAINT "survey_respondent_user_fk"`);
        await queryRunner.query(`ALTER TABLE "survey_respondent" DROP CONSTRAINT "survey_respondent_survey_fk"`);
        await queryRunner.query(`ALTER TABLE "survey_answer" DROP CONSTRAINT "survey_answer_question_fk"`);
        await queryRunner.query(`ALTER TABLE "survey_answer" DROP CONSTRAINT "survey_answer_response_fk"`);
        await queryRunner.query(`ALTER TABLE "survey_response" DROP CONSTRAINT "survey_response_agency_fk"`);
        await queryRunner.query(`ALTER TABLE "survey_response" DROP CONSTRAINT "survey_response_user_fk"`);
        await queryRunner.query(`ALTER TABLE "survey_response" DROP CONSTRAINT "survey_response_survey_fk"`);
        await queryRunner.query(`ALTER TABLE "survey_question" DROP CONSTRAINT "survey_question_survey_fk"`);
        await queryRunner.query(`ALTER TABLE "survey" DROP CONSTRAINT "survey_copied_from_fk"`);
        await queryRunner.query(`ALTER TABLE "survey" DROP CONSTRAINT "survey_cohort_fk"`);
        await queryRunner.query(`ALTER TABLE "survey" DROP CONSTRAINT "survey_programme_fk"`);
        await queryRunner.query(`ALTER TABLE "completion" DROP CONSTRAINT "completion_user_fk"`);
        await queryRunner.query(`ALTER TABLE "completion" DROP CONSTRAINT "completion_person_or_anonymised"`);
        await queryRunner.query(`ALTER TABLE "cohort" DROP CONSTRAINT "cohort_completion_rule_known"`);
        await queryRunner.query(`ALTER TABLE "cohort" DROP CONSTRAINT "cohort_completion_min_sessions_range"`);
        await queryRunner.query(`DROP INDEX "public"."completion_one_per_programme"`);
        await queryRunner.query(`DROP INDEX "public"."completion_certificate_code"`);
        await queryRunner.query(`DROP INDEX "public"."completion_agency"`);
        await queryRunner.query(`ALTER TABLE "completion" ALTER COLUMN "user_id" SET NOT NULL`);
        await queryRunner.query(`CREATE UNIQUE INDEX "completion_one_per_programme" ON "completion" USING btree ("programme_id", "user_id") `);
        await queryRunner.query(`ALTER TABLE "completion" ADD CONSTRAINT "completion_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "completion" DROP COLUMN "anonymised_at"`);
        await queryRunner.query(`ALTER TABLE "completion" DROP COLUMN "certificate_code"`);
        await queryRunner.query(`ALTER TABLE "cohort" DROP COLUMN "completion_min_sessions"`);
        await queryRunner.query(`ALTER TABLE "cohort" DROP COLUMN "completion_rule"`);
        await queryRunner.query(`ALTER TABLE "app_user" DROP COLUMN "listed_in_register"`);
        await queryRunner.query(`DROP INDEX "public"."historical_completion_one_per_programme"`);
        await queryRunner.query(`DROP INDEX "public"."historical_completion_agency"`);
        await queryRunner.query(`DROP INDEX "public"."historical_completion_email"`);
        await queryRunner.query(`DROP TABLE "historical_completion"`);
        await queryRunner.query(`DROP TABLE "agency_contact"`);
        await queryRunner.query(`DROP TABLE "survey_respondent"`);
        await queryRunner.query(`DROP INDEX "public"."survey_answer_question"`);
        await queryRunner.query(`DROP TABLE "survey_answer"`);
        await queryRunner.query(`DROP INDEX "public"."survey_response_survey"`);
        await queryRunner.query(`DROP INDEX "public"."survey_response_one_per_person"`);
        await queryRunner.query(`DROP TABLE "survey_response"`);
        await queryRunner.query(`DROP INDEX "public"."survey_question_position"`);
        await queryRunner.query(`DROP TABLE "survey_question"`);
        await queryRunner.query(`DROP INDEX "public"."survey_one_per_cohort"`);
        await queryRunner.query(`DROP INDEX "public"."survey_one_template_per_programme"`);
        await queryRunner.query(`DROP INDEX "public"."survey_one_site_form"`);
        await queryRunner.query(`DROP TABLE "survey"`);
    }

}
