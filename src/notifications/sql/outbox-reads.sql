-- What other areas may read of the outbox (notifications owns notification and its preferences).

-- Whether a notification with this key is still on its way (pending, queued or being sent): the
-- outbox keeps at most one live notification per key.
CREATE OR REPLACE FUNCTION notification_live(p_key text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM notification WHERE key = p_key AND status IN ('pending', 'queued', 'sending'))
$$;

-- The outbox's rows without their rendered mail: what was sent or is due, to whom, and how it went.
CREATE OR REPLACE VIEW outbox_entry AS
  SELECT id, kind, key, recipient_user_id, language, payload, delivery, due_at, status, attempts, last_error, sent_at, created_at, updated_at, read_at
  FROM notification;

-- A person's choice of channel per kind ('email', 'digest' or 'off').
CREATE OR REPLACE VIEW notification_choice AS
  SELECT user_id, kind, channel FROM notification_preference;
