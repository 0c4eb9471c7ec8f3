-- What other areas may read of what people wrote and chose in the forums (a person's download of
-- their data reads these). Rendered HTML and search vectors are not part of it.

-- A channel's own name; a round's channel is shown under its round's name (cohort_id).
CREATE OR REPLACE VIEW forum_channel_name AS
  SELECT id, cohort_id, name FROM forum_channel;

CREATE OR REPLACE VIEW forum_thread_by_person AS
  SELECT id, channel_id, author_id, title, pinned, locked, created_at FROM forum_thread;

CREATE OR REPLACE VIEW forum_post_by_person AS
  SELECT id, thread_id, author_id, body, language, created_at, edited_at, deleted_at, hidden_at, hidden_reason FROM forum_post;

-- A person's own choice of level for a channel (thread_id null) or a thread.
CREATE OR REPLACE VIEW forum_subscription_by_person AS
  SELECT id, user_id, channel_id, thread_id, level FROM forum_subscription;

CREATE OR REPLACE VIEW forum_read_by_person AS
  SELECT user_id, thread_id, read_up_to FROM forum_read;

-- What moderators did (hiding, locking, moving…), by whom.
CREATE OR REPLACE VIEW forum_moderation_by_person AS
  SELECT id, actor_id, action, created_at FROM forum_moderation;
