-- A thread's reply count and latest activity, as its posts come, go, hide and reappear (the
-- opening post is not a reply).
CREATE OR REPLACE FUNCTION forum_thread_activity() RETURNS trigger LANGUAGE plpgsql AS $$
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
END
$$;

CREATE OR REPLACE TRIGGER forum_thread_activity AFTER INSERT OR UPDATE OF deleted_at, hidden_at ON forum_post FOR EACH ROW EXECUTE FUNCTION forum_thread_activity();
