-- Writing to the outbox from SQL (notifications owns notification and notification_preference):
-- the one INSERT of a notification, used by NotificationsService.notify/notifyAll and by the areas'
-- SQL (enrolment_enrol, reminder planning), and the wake-up of the relay when rows are written.

-- Records notifications of one kind, one per array element, in one statement: each person's own
-- key, payload and due time. A person who turned the kind off gets none unless it is security mail
-- (p_security), which always goes by email; p_deliveries chooses the delivery of an element
-- ('digest', 'email'), NULL for the person's own choice (email unless they chose the digest). At
-- most one live (pending, queued or sending) notification per key: an element whose key is live
-- already is skipped and the live row stays as it is. Returns the ids of the rows written.
CREATE OR REPLACE FUNCTION notification_enqueue(
  p_kind text, p_security boolean, p_keys text[], p_users uuid[], p_emails text[], p_names text[], p_languages text[],
  p_payloads jsonb[], p_deliveries text[], p_due_ats timestamptz[]
) RETURNS SETOF uuid LANGUAGE plpgsql AS $$
BEGIN
  -- PL/pgSQL, not SQL: its plan is kept for the session, and triggers call this once a row.
  RETURN QUERY
  INSERT INTO notification (kind, key, recipient_user_id, recipient_email, recipient_name, language, payload, delivery, due_at)
  SELECT p_kind, i.key, i.user_id, i.email, i.name, i.language, i.payload,
         CASE WHEN p_security THEN 'email' WHEN i.delivery IS NOT NULL THEN i.delivery ELSE coalesce(pref.channel, 'email') END,
         coalesce(i.due_at, now())
  FROM unnest(p_keys, p_users, p_emails, p_names, p_languages, p_payloads, p_deliveries, p_due_ats) AS i(key, user_id, email, name, language, payload, delivery, due_at)
  LEFT JOIN notification_preference pref ON pref.user_id = i.user_id AND pref.kind = p_kind
  WHERE p_security OR coalesce(pref.channel, 'email') <> 'off'
  ON CONFLICT (key) WHERE key IS NOT NULL AND status IN ('pending', 'queued', 'sending') DO NOTHING
  RETURNING id;
END
$$;

-- Cancels the notifications not yet being sent (pending or queued) whose key starts with one of
-- the prefixes, noting why. A key range rather than LIKE, so the live-key-prefix index answers it.
CREATE OR REPLACE FUNCTION notification_cancel_prefixed(p_prefixes text[], p_why text) RETURNS void LANGUAGE sql AS $$
  UPDATE notification n SET status = 'cancelled', last_error = 'cancelled: ' || p_why, updated_at = now()
  FROM unnest(p_prefixes) AS p(prefix)
  WHERE n.key ~>=~ p.prefix
    -- The prefix with its last character's successor: the first key past every key that starts with it.
    AND n.key ~<~ (left(p.prefix, -1) || chr(ascii(right(p.prefix, 1)) + 1))
    AND n.status IN ('pending', 'queued')
$$;

-- The relay listens on 'notification_written' and reads the outbox at once instead of on its next tick.
CREATE OR REPLACE FUNCTION notification_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('notification_written', '');
  RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER notification_written AFTER INSERT ON notification FOR EACH STATEMENT EXECUTE FUNCTION notification_written();
