-- What other areas may read of a person's calendar feed: whether they have one and its dates,
-- never the address's token.
CREATE OR REPLACE VIEW calendar_feed_by_person AS
  SELECT user_id, created_at, updated_at FROM calendar_feed;
