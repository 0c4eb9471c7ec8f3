-- The header's unread count, as other areas may read it with what they already read: the session
-- store reads it in the same statement as the session and its person (access/sessions.ts), so a
-- signed-in page does not spend a round trip of its own on the badge. "Unread" is what
-- /notifications lists as unread (my-notifications.service.ts, MINE): due, not cancelled, not the
-- digest email itself. Counting stops at 100 (the header says "99+"), along notification_for_person.
CREATE OR REPLACE VIEW unread_notification_count AS
  SELECT p.id AS user_id,
         (SELECT count(*)::int FROM (
            SELECT 1 FROM notification n
             WHERE n.recipient_user_id = p.id AND n.kind <> 'digest' AND n.status <> 'cancelled' AND n.due_at <= now() AND n.read_at IS NULL
             LIMIT 100) unread) AS unread
    FROM person p;
