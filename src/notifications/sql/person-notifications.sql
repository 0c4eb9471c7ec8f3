-- A person's notifications as other areas may read and end them (notifications owns notification
-- and notification_preference): the download of a person's data reads them, deactivation cancels
-- what is not yet sent, erasure blanks them.

-- Mail and messages to a person, without the rendered mail or payload (secret links live there).
-- recipient_user_id is null for mail sent to an address without an account (a test message).
CREATE OR REPLACE VIEW notification_by_person AS
  SELECT id, recipient_user_id, recipient_email, kind, subject, status, delivery, due_at, sent_at, read_at, created_at
  FROM notification;

-- Cancels the person's notifications not yet handed to a worker (the worker only claims pending or
-- queued rows: these are never sent). Returns how many.
CREATE OR REPLACE FUNCTION notification_cancel_for(p_user uuid) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  cancelled integer;
BEGIN
  UPDATE notification SET status = 'cancelled', updated_at = now() WHERE recipient_user_id = p_user AND status IN ('pending', 'queued');
  GET DIAGNOSTICS cancelled = ROW_COUNT;
  RETURN cancelled;
END
$$;

-- Erases a person from the outbox: their choices go, mail not yet handed to a worker is not sent at
-- all, and every row to their account or address (a test message, say) keeps no trace of them: the
-- address becomes p_erased_email, and an SMTP answer or error quoting the address is dropped.
-- Returns how many rows were cancelled and how many blanked.
CREATE OR REPLACE FUNCTION notification_erase_person(p_user uuid, p_email text, p_erased_email text)
  RETURNS TABLE (cancelled integer, scrubbed integer) LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM notification_preference WHERE user_id = p_user;
  UPDATE notification SET status = 'cancelled', updated_at = now()
   WHERE (recipient_user_id = p_user OR lower(recipient_email) = lower(p_email)) AND status IN ('pending', 'queued');
  GET DIAGNOSTICS cancelled = ROW_COUNT;
  UPDATE notification
     SET recipient_email = p_erased_email, recipient_name = NULL, body_text = NULL, body_html = NULL, payload = '{}',
         last_error = CASE WHEN strpos(lower(last_error), lower(p_email)) > 0 THEN NULL ELSE last_error END,
         transport_result = CASE WHEN strpos(lower(transport_result), lower(p_email)) > 0 THEN NULL ELSE transport_result END,
         updated_at = now()
   WHERE recipient_user_id = p_user OR lower(recipient_email) = lower(p_email);
  GET DIAGNOSTICS scrubbed = ROW_COUNT;
  RETURN NEXT;
END
$$;
