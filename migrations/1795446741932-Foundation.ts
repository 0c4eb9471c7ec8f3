// The first domain tables: the read-only programme list of the home page, and agencies.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795446741932 implements MigrationInterface {
    name = 'Foundation1795446741932'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "programme" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" text NOT NULL, "title" jsonb NOT NULL, "summary" jsonb NOT NULL, "description" jsonb NOT NULL, "position" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "programme_slug_unique" UNIQUE ("slug"), CONSTRAINT "programme_summary_has_finnish" CHECK (length(btrim(summary->>'fi')) > 0), CONSTRAINT "programme_title_has_finnish" CHECK (length(btrim(title->>'fi')) > 0), CONSTRAINT "programme_slug_format" CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'), CONSTRAINT "PK_76ff6b30b74f213944d1ac0a660" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "agency" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "agency_name_not_blank" CHECK (length(btrim(name)) > 0), CONSTRAINT "PK_ab1244724d1c216e9720635a2e5" PRIMARY KEY ("id"))`);
        // Agency names are unique whatever their case: "Tulli" and "TULLI" are one agency.
        await queryRunner.query(`CREATE UNIQUE INDEX "agency_name_unique" ON "agency" (lower("name"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "agency_name_unique"`);
        await queryRunner.query(`DROP TABLE "agency"`);
        await queryRunner.query(`DROP TABLE "programme"`);
    }

}
