// Issue 19, file storage: content-addressed blobs (file_blob), their bytes in PostgreSQL as ~1 MB
// chunks (file_chunk, used by the default PostgresFileStore), and the files people uploaded
// (stored_file) with what each belongs to.
import { MigrationInterface, QueryRunner } from 'typeorm';
import { applySqlSources, SqlSources } from '../src/database/sql-sources';

export class Files1796720000000 implements MigrationInterface {
    name = 'Files1796720000000'

    static readonly sqlSources: SqlSources = {
        'files/sql/personal-data.sql': 'f668469f3fd2697d20d0fc8c9fe2d9c193947cd943a1119a0b81b907faea5539',
    };

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "file_blob" ("sha256" character(64) NOT NULL, "size" bigint NOT NULL, "mime_type" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2db26d0cbfd307e8c754598143a" PRIMARY KEY ("sha256"))`);
        await queryRunner.query(`CREATE TABLE "file_chunk" ("blob_key" text NOT NULL, "n" integer NOT NULL, "data" bytea NOT NULL, CONSTRAINT "PK_f5d5152c0b8dfa5ba1742e02698" PRIMARY KEY ("blob_key", "n"))`);
        await queryRunner.query(`CREATE TABLE "stored_file" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "blob_sha256" character(64) NOT NULL, "original_name" text NOT NULL, "mime_type" text NOT NULL, "size" bigint NOT NULL, "uploaded_by" uuid, "owner_kind" text, "owner_id" uuid, "thumbnail_sha256" character(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e140967af84027b493a3ff04fbb" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "stored_file_owner_idx" ON "stored_file"  ("owner_kind", "owner_id") `);
        await queryRunner.query(`ALTER TABLE "stored_file" ADD CONSTRAINT "stored_file_blob_fk" FOREIGN KEY ("blob_sha256") REFERENCES "file_blob"("sha256") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "stored_file" ADD CONSTRAINT "stored_file_uploader_fk" FOREIGN KEY ("uploaded_by") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "stored_file" ADD CONSTRAINT "stored_file_thumbnail_fk" FOREIGN KEY ("thumbnail_sha256") REFERENCES "file_blob"("sha256") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await applySqlSources(queryRunner, Files1796720000000.sqlSources);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP VIEW stored_file_by_person`);
        await queryRunner.query(`ALTER TABLE "stored_file" DROP CONSTRAINT "stored_file_thumbnail_fk"`);
        await queryRunner.query(`ALTER TABLE "stored_file" DROP CONSTRAINT "stored_file_uploader_fk"`);
        await queryRunner.query(`ALTER TABLE "stored_file" DROP CONSTRAINT "stored_file_blob_fk"`);
        await queryRunner.query(`DROP INDEX "public"."stored_file_owner_idx"`);
        await queryRunner.query(`DROP TABLE "stored_file"`);
        await queryRunner.query(`DROP TABLE "file_chunk"`);
        await queryRunner.query(`DROP TABLE "file_blob"`);
    }

}
