// Issue 22: the processes of a site that are running now (src/health/running-processes.service.ts), so
// a process started with a SESSION_SECRET or REDIS_PREFIX that differs from the others' refuses to start.
import { MigrationInterface, QueryRunner } from "typeorm";

export class RunningProcesses1796618527738 implements MigrationInterface {
    name = 'RunningProcesses1796618527738'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "running_process" ("id" uuid NOT NULL, "role" text NOT NULL, "host" text NOT NULL, "pid" integer NOT NULL, "secret_fingerprint" text NOT NULL, "redis_prefix" text NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1cb736ceb74ae2823d16f145596" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "running_process_seen" ON "running_process"  ("seen_at") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."running_process_seen"`);
        await queryRunner.query(`DROP TABLE "running_process"`);
    }

}
