-- A post's search text: its body in its language's text-search configuration, and, for the opening
-- post of a thread, the thread's title ranked above it.

-- The text-search configuration of a post's language.
CREATE OR REPLACE FUNCTION forum_search_config(language text) RETURNS regconfig LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE language WHEN 'sv' THEN 'swedish' WHEN 'en' THEN 'english' ELSE 'finnish' END::regconfig
$$;

CREATE OR REPLACE FUNCTION forum_post_search() RETURNS trigger LANGUAGE plpgsql AS $$
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
$$;

CREATE OR REPLACE TRIGGER forum_post_search BEFORE INSERT OR UPDATE OF body, language ON forum_post FOR EACH ROW EXECUTE FUNCTION forum_post_search();
