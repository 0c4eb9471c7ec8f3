-- How many files each post has, kept as files are attached to posts, moved and deleted (stored_file
-- is the files area's table; this trigger subscribes to it, as SQL reacts to another area's change).
-- The thread page asks for a post's files only where there are some: most posts have none, and
-- asking each of a page's 50 posts was a sixth of the page's statement (bench:forum). A counter,
-- not a flag recomputed from the files, so two edits of one post at once cannot lose a file.
CREATE OR REPLACE FUNCTION forum_post_file_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.owner_kind = 'post' THEN
    UPDATE forum_post SET file_count = file_count - 1 WHERE id = OLD.owner_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.owner_kind = 'post' THEN
    UPDATE forum_post SET file_count = file_count + 1 WHERE id = NEW.owner_id;
  END IF;
  RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER forum_post_file_count AFTER INSERT OR DELETE OR UPDATE OF owner_kind, owner_id ON stored_file FOR EACH ROW EXECUTE FUNCTION forum_post_file_count();
