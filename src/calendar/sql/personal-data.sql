-- What other areas may read of a person's calendar feed: whether they have one and its dates,
-- never the address's token.
CREATE OR REPLACE VIEW calendar_feed_by_person AS
  SELECT user_id, created_at, updated_at FROM calendar_feed;

-- A person's registrations for network events, with their answers and the event's title and time.
CREATE OR REPLACE VIEW event_registration_by_person AS
  SELECT r.id, r.event_id, e.title AS event_title, e.starts_at AS event_starts_at, r.user_id, r.agency_id, r.status, r.waitlist_position, r.answers,
         r.confirmed_at, r.cancelled_at, r.created_at
  FROM event_registration r JOIN network_event e ON e.id = r.event_id;
