// Discussion channels (issue 8): channels, threads, posts, read positions, subscriptions and the
// moderation log.
//
// Hand-written below the generated part:
// - every cohort has its private channel: a trigger makes it with the cohort, and existing
//   cohorts get theirs here;
// - a thread's reply count and latest activity are kept by a trigger on its posts, so the channel
//   page never counts posts (a reply is any post after the thread's first; deleted or hidden ones
//   do not count);
// - each post's text-search vector, in its own language's configuration (finnish, swedish,
//   english), with the opening post also holding its thread's title, and a GIN index over the
//   posts that can be found (not deleted, not hidden).
import { MigrationInterface, QueryRunner } from 'typeorm';

export class Forums1796065116818 implements MigrationInterface {
  name = 'Forums1796065116818';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "forum_channel" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" text NOT NULL, "cohort_id" uuid, "name" jsonb NOT NULL DEFAULT '{}', "description" jsonb NOT NULL DEFAULT '{}', "position" integer NOT NULL DEFAULT '0', "archived_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "forum_channel_named" CHECK (kind = 'cohort' OR length(btrim(name->>'fi')) BETWEEN 1 AND 100), CONSTRAINT "forum_channel_cohort_iff_cohort_kind" CHECK ((kind = 'cohort') = (cohort_id IS NOT NULL)), CONSTRAINT "forum_channel_kind_known" CHECK (kind IN ('network', 'announcements', 'cohort')), CONSTRAINT "PK_d3443c20c2b1ce0d3515c1c564c" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "forum_channel_cohort_unique" ON "forum_channel"  ("cohort_id") WHERE cohort_id IS NOT NULL`);
    await queryRunner.query(`CREATE TABLE "forum_thread" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "channel_id" uuid NOT NULL, "author_id" uuid, "title" text NOT NULL, "pinned" boolean NOT NULL DEFAULT false, "locked" boolean NOT NULL DEFAULT false, "post_first" boolean NOT NULL DEFAULT false, "reply_count" integer NOT NULL DEFAULT '0', "last_post_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "forum_thread_title_length" CHECK (length(btrim(title)) BETWEEN 1 AND 200), CONSTRAINT "PK_a531f692372aac738265f6dff13" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "forum_thread_channel_activity" ON "forum_thread"  ("channel_id", "pinned", "last_post_at", "id") `);
    await queryRunner.query(`CREATE TABLE "forum_moderation" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "actor_id" uuid, "action" text NOT NULL, "thread_id" uuid NOT NULL, "post_id" uuid, "reason" text, "details" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "forum_moderation_action_known" CHECK (action IN ('pin', 'unpin', 'lock', 'unlock', 'move', 'hide', 'unhide', 'post_first_on', 'post_first_off')), CONSTRAINT "PK_3b78f2ec9e4382c3d7c112da84c" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "forum_moderation_thread" ON "forum_moderation"  ("thread_id", "created_at") `);
    await queryRunner.query(`CREATE TABLE "forum_post" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "thread_id" uuid NOT NULL, "author_id" uuid, "reply_to_id" uuid, "body" text NOT NULL, "body_html" text NOT NULL, "language" text NOT NULL DEFAULT 'fi', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "edited_at" TIMESTAMP WITH TIME ZONE, "deleted_at" TIMESTAMP WITH TIME ZONE, "hidden_at" TIMESTAMP WITH TIME ZONE, "hidden_reason" text, "search" tsvector, CONSTRAINT "forum_post_language_known" CHECK (language IN ('fi', 'sv', 'en')), CONSTRAINT "forum_post_body_length" CHECK (length(btrim(body)) BETWEEN 1 AND 20000), CONSTRAINT "PK_35363fad61a4ba1fb0ba562b444" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "forum_post_thread_order" ON "forum_post"  ("thread_id", "created_at", "id") `);
    await queryRunner.query(`CREATE TABLE "forum_read" ("user_id" uuid NOT NULL, "thread_id" uuid NOT NULL, "read_up_to" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_8bf186c8fdc5f63b87d1c1203e2" PRIMARY KEY ("user_id", "thread_id"))`);
    await queryRunner.query(`CREATE TABLE "forum_subscription" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "channel_id" uuid, "thread_id" uuid, "level" text NOT NULL, CONSTRAINT "forum_subscription_new_threads_on_channels" CHECK (level <> 'new_threads' OR channel_id IS NOT NULL), CONSTRAINT "forum_subscription_level_known" CHECK (level IN ('every_post', 'new_threads', 'daily_digest', 'off')), CONSTRAINT "forum_subscription_one_target" CHECK (num_nonnulls(channel_id, thread_id) = 1), CONSTRAINT "PK_15350bbf0af299881613a735685" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "forum_subscription_channel_subscribers" ON "forum_subscription"  ("channel_id") WHERE channel_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "forum_subscription_thread_subscribers" ON "forum_subscription"  ("thread_id") WHERE thread_id IS NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "forum_subscription_thread" ON "forum_subscription"  ("user_id", "thread_id") WHERE thread_id IS NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "forum_subscription_channel" ON "forum_subscription"  ("user_id", "channel_id") WHERE channel_id IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE "forum_channel" ADD CONSTRAINT "forum_channel_cohort_fk" FOREIGN KEY ("cohort_id") REFERENCES "cohort"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "forum_thread" ADD CONSTRAINT "forum_thread_channel_fk" FOREIGN KEY ("channel_id") REFERENCES "forum_channel"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "forum_thread" ADD CONSTRAINT "forum_thread_author_fk" FOREIGN KEY ("author_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "forum_moderation" ADD CONSTRAINT "forum_moderation_actor_fk" FOREIGN KEY ("actor_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "forum_moderation" ADD CONSTRAINT "forum_moderation_thread_fk" FOREIGN KEY ("thread_id") REFERENCES "forum_thread"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "forum_post" ADD CONSTRAINT "forum_post_thread_fk" FOREIGN KEY ("thread_id") REFERENCES "forum_thread"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "forum_post" ADD CONSTRAINT "forum_post_author_fk" FOREIGN KEY ("author_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "forum_post" ADD CONSTRAINT "forum_post_reply_to_fk" FOREIGN KEY ("reply_to_id") REFERENCES "forum_post"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "forum_read" ADD CONSTRAINT "forum_read_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "forum_read" ADD CONSTRAINT "forum_read_thread_fk" FOREIGN KEY ("thread_id") REFERENCES "forum_thread"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "forum_subscription" ADD CONSTRAINT "forum_subscription_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "forum_subscription" ADD CONSTRAINT "forum_subscription_channel_fk" FOREIGN KEY ("channel_id") REFERENCES "forum_channel"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "forum_subscription" ADD CONSTRAINT "forum_subscription_thread_fk" FOREIGN KEY ("thread_id") REFERENCES "forum_thread"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`CREATE INDEX "forum_post_search" ON "forum_post" USING gin ("search") WHERE deleted_at IS NULL AND hidden_at IS NULL`);
    // Search ranks a common word among its newest matches, found by walking the newest findable
    // posts; and asks "has this person posted in this thread" (reflection threads) by author.
    await queryRunner.query(`CREATE INDEX "forum_post_findable_recent" ON "forum_post" (created_at DESC, id DESC) WHERE deleted_at IS NULL AND hidden_at IS NULL`);
    await queryRunner.query(`CREATE INDEX "forum_post_author_thread" ON "forum_post" (author_id, thread_id) WHERE deleted_at IS NULL`);

    await queryRunner.query(`
      CREATE FUNCTION forum_cohort_channel() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO forum_channel (kind, cohort_id) VALUES ('cohort', NEW.id) ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER forum_cohort_channel AFTER INSERT ON cohort FOR EACH ROW EXECUTE FUNCTION forum_cohort_channel()`);
    await queryRunner.query(`INSERT INTO forum_channel (kind, cohort_id) SELECT 'cohort', id FROM cohort ON CONFLICT DO NOTHING`);

    // The channels every installation starts with; admins rename, reorder and add more.
    await queryRunner.query(`
      INSERT INTO forum_channel (kind, name, description, position) VALUES
        ('announcements', '{"fi": "Tiedotteet", "sv": "Meddelanden", "en": "Announcements"}',
         '{"fi": "Ohjelmatiimin ja valmentajien tiedotteet koko verkostolle.", "sv": "Meddelanden från programteamet och coacherna till hela nätverket.", "en": "News from the programme team and the coaches to the whole network."}', 0),
        ('network', '{"fi": "Yleinen keskustelu", "sv": "Allmän diskussion", "en": "General discussion"}',
         '{"fi": "Ajatuksia ja kokemuksia yli virastorajojen.", "sv": "Tankar och erfarenheter över myndighetsgränserna.", "en": "Ideas and experiences across agencies."}', 1),
        ('network', '{"fi": "Tapahtumat", "sv": "Evenemang", "en": "Events"}',
         '{"fi": "Kehittäjäpäivät, tapaamiset ja muut tapahtumat.", "sv": "Utvecklardagar, träffar och andra evenemang.", "en": "Developer days, meetings and other events."}', 2),
        ('network', '{"fi": "Työkalut ja menetelmät", "sv": "Verktyg och metoder", "en": "Tools and methods"}',
         '{"fi": "Menetelmiä, malleja ja työkaluja kokeiltavaksi.", "sv": "Metoder, modeller och verktyg att pröva.", "en": "Methods, models and tools to try."}', 3)`);

    // The text-search configuration of a post's language.
    await queryRunner.query(`
      CREATE FUNCTION forum_search_config(language text) RETURNS regconfig LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE language WHEN 'sv' THEN 'swedish' WHEN 'en' THEN 'english' ELSE 'finnish' END::regconfig
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION forum_post_search() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        title text;
      BEGIN
        SELECT t.title INTO title FROM forum_thread t
        WHERE t.id = NEW.thread_id
          AND NOT EXISTS (SELECT 1 FROM forum_post p WHERE p.thread_id = NEW.thread_id AND p.id <> NEW.id AND (p.created_at, p.id) < (NEW.created_at, NEW.id));
        NEW.search := setweight(to_tsvector(forum_search_config(NEW.language), coalesce(title, '')), 'A')
                      || to_tsvector(forum_search_config(NEW.language), NEW.body);
        RETURN NEW;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER forum_post_search BEFORE INSERT OR UPDATE OF body, language ON forum_post FOR EACH ROW EXECUTE FUNCTION forum_post_search()`);

    // Replies and latest activity of a thread, as its posts come, go, hide and reappear.
    await queryRunner.query(`
      CREATE FUNCTION forum_thread_activity() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        opening boolean := NOT EXISTS (SELECT 1 FROM forum_post p WHERE p.thread_id = NEW.thread_id AND p.id <> NEW.id AND (p.created_at, p.id) < (NEW.created_at, NEW.id));
        visible_now boolean := NEW.deleted_at IS NULL AND NEW.hidden_at IS NULL;
        visible_before boolean := TG_OP = 'UPDATE' AND OLD.deleted_at IS NULL AND OLD.hidden_at IS NULL;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          UPDATE forum_thread SET reply_count = reply_count + CASE WHEN opening OR NOT visible_now THEN 0 ELSE 1 END,
                                  last_post_at = greatest(last_post_at, NEW.created_at), updated_at = now()
          WHERE id = NEW.thread_id;
        ELSIF visible_now <> visible_before AND NOT opening THEN
          UPDATE forum_thread SET reply_count = reply_count + CASE WHEN visible_now THEN 1 ELSE -1 END, updated_at = now()
          WHERE id = NEW.thread_id;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER forum_thread_activity AFTER INSERT OR UPDATE OF deleted_at, hidden_at ON forum_post FOR EACH ROW EXECUTE FUNCTION forum_thread_activity()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER forum_thread_activity ON forum_post`);
    await queryRunner.query(`DROP FUNCTION forum_thread_activity()`);
    await queryRunner.query(`DROP TRIGGER forum_post_search ON forum_post`);
    await queryRunner.query(`DROP FUNCTION forum_post_search()`);
    await queryRunner.query(`DROP FUNCTION forum_search_config(text)`);
    await queryRunner.query(`DROP TRIGGER forum_cohort_channel ON cohort`);
    await queryRunner.query(`DROP FUNCTION forum_cohort_channel()`);
    await queryRunner.query(`DROP INDEX "public"."forum_post_author_thread"`);
    await queryRunner.query(`DROP INDEX "public"."forum_post_findable_recent"`);
    await queryRunner.query(`DROP INDEX "public"."forum_post_search"`);
    await queryRunner.query(`ALTER TABLE "forum_subscription" DROP CONSTRAINT "forum_subscription_thread_fk"`);
    await queryRunner.query(`ALTER TABLE "forum_subscription" DROP CONSTRAINT "forum_subscription_channel_fk"`);
    await queryRunner.query(`ALTER TABLE "forum_subscription" DROP CONSTRAINT "forum_subscription_user_fk"`);
    await queryRunner.query(`ALTER TABLE "forum_read" DROP CONSTRAINT "forum_read_thread_fk"`);
    await queryRunner.query(`ALTER TABLE "forum_read" DROP CONSTRAINT "forum_read_user_fk"`);
    await queryRunner.query(`ALTER TABLE "forum_post" DROP CONSTRAINT "forum_post_reply_to_fk"`);
    await queryRunner.query(`ALTER TABLE "forum_post" DROP CONSTRAINT "forum_post_author_fk"`);
    await queryRunner.query(`ALTER TABLE "forum_post" DROP CONSTRAINT "forum_post_thread_fk"`);
    await queryRunner.query(`ALTER TABLE "forum_moderation" DROP CONSTRAINT "forum_moderation_thread_fk"`);
    await queryRunner.query(`ALTER TABLE "forum_moderation" DROP CONSTRAINT "forum_moderation_actor_fk"`);
    await queryRunner.query(`ALTER TABLE "forum_thread" DROP CONSTRAINT "forum_thread_author_fk"`);
    await queryRunner.query(`ALTER TABLE "forum_thread" DROP CONSTRAINT "forum_thread_channel_fk"`);
    await queryRunner.query(`ALTER TABLE "forum_channel" DROP CONSTRAINT "forum_channel_cohort_fk"`);
    await queryRunner.query(`DROP INDEX "public"."forum_subscription_channel"`);
    await queryRunner.query(`DROP INDEX "public"."forum_subscription_thread"`);
    await queryRunner.query(`DROP INDEX "public"."forum_subscription_thread_subscribers"`);
    await queryRunner.query(`DROP INDEX "public"."forum_subscription_channel_subscribers"`);
    await queryRunner.query(`DROP TABLE "forum_subscription"`);
    await queryRunner.query(`DROP TABLE "forum_read"`);
    await queryRunner.query(`DROP INDEX "public"."forum_post_thread_order"`);
    await queryRunner.query(`DROP TABLE "forum_post"`);
    await queryRunner.query(`DROP INDEX "public"."forum_moderation_thread"`);
    await queryRunner.query(`DROP TABLE "forum_moderation"`);
    await queryRunner.query(`DROP INDEX "public"."forum_thread_channel_activity"`);
    await queryRunner.query(`DROP TABLE "forum_thread"`);
    await queryRunner.query(`DROP INDEX "public"."forum_channel_cohort_unique"`);
    await queryRunner.query(`DROP TABLE "forum_channel"`);
  }

}
