-- A post's search text: its body in its language (search_vector: Voikko's Finnish, snowball's
-- Swedish or English) and, for the opening post of a thread, the thread's title ranked above it.

-- The snowball configuration of a post's language: what posts' vectors were built with before
-- Voikko (migration FinnishSearch's down puts that trigger back).
CREATE OR REPLACE FUNCTION forum_search_config(language text) RETURNS regconfig LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE language WHEN 'sv' THEN 'swedish' WHEN 'en' THEN 'english' ELSE 'finnish' END::regconfig
$$;

-- The vector of post `post`, as the trigger stores it and search:reindex rebuilds it.
CREATE OR REPLACE FUNCTION forum_post_vector(post forum_post) RETURNS tsvector LANGUAGE sql STABLE AS $$
  SELECT setweight(search_vector(post.language, coalesce((
           SELECT t.title FROM forum_thread t
           WHERE t.id = post.thread_id
             AND NOT EXISTS (SELECT 1 FROM forum_post p WHERE p.thread_id = post.thread_id AND p.id <> post.id AND (p.created_at, p.id) < (post.created_at, post.id))
         ), '')), 'A')
         || search_vector(post.language, post.body)
$$;

CREATE OR REPLACE FUNCTION forum_post_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search := forum_post_vector(NEW);
  RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER forum_post_search BEFORE INSERT OR UPDATE OF body, language ON forum_post FOR EACH ROW EXECUTE FUNCTION forum_post_search();
