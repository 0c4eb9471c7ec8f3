-- What other areas may read of the newsletter's list by person (a person's download of their data
-- reads this): the subscription of their account or their address, without the confirmation link's hash.

CREATE OR REPLACE VIEW newsletter_subscriber_by_person AS
  SELECT id, user_id, email, language, status, confirm_sent_at, confirmed_at, unsubscribed_at, created_at FROM newsletter_subscriber;
