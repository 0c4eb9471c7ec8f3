-- Registration for network events (the developer days), with a round's seat and queue rules
-- (enrolment/sql/{enrol,placement,promotion,seat-counts}.sql): every change locks the event's row
-- first (EventRegistrationService.lockEvent), one function places a new person, one says who is
-- next when a seat frees, and a trigger keeps the event's counters. No other code writes them.

-- Why the event refuses a registration now ('eventRegistration.refused.<why>'), or NULL when it takes one.
CREATE OR REPLACE FUNCTION event_registration_refusal(p_status text, p_capacity integer, p_starts_at timestamptz, p_closes_at timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN p_capacity IS NULL THEN 'eventRegistration.refused.notTaken'
    WHEN p_status = 'cancelled' THEN 'eventRegistration.refused.cancelled'
    WHEN now() >= p_starts_at THEN 'eventRegistration.refused.started'
    WHEN p_closes_at IS NOT NULL AND now() >= p_closes_at THEN 'eventRegistration.refused.closed'
  END
$$;

-- Where a new person goes now: a seat while one is free, else the end of the queue. Call it with
-- the event's row locked, so the counts cannot move before the place is taken.
CREATE OR REPLACE FUNCTION event_registration_placement(p_event uuid)
  RETURNS TABLE(placed_status text, placed_position integer) LANGUAGE sql AS $$
  SELECT x.placed, CASE WHEN x.placed = 'waitlisted' THEN e.waitlist_length + 1 END
  FROM network_event e,
  LATERAL (SELECT CASE WHEN e.seats_taken < coalesce(e.registration_capacity, 0) THEN 'confirmed' ELSE 'waitlisted' END AS placed) x
  WHERE e.id = p_event
$$;

-- The registration next in line while the event has a seat free, or NULL.
CREATE OR REPLACE FUNCTION event_registration_next_in_line(p_event uuid) RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT r.id
  FROM network_event e JOIN event_registration r ON r.event_id = e.id AND r.status = 'waitlisted'
  WHERE e.id = p_event AND e.seats_taken < coalesce(e.registration_capacity, 0)
  ORDER BY r.waitlist_position
  LIMIT 1
$$;

-- The event's counters follow its registrations: every insert, status change or delete adds what
-- it took or gave back (a seat: confirmed; a place in the queue: waitlisted).
CREATE OR REPLACE FUNCTION event_registration_seat_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  taken integer := 0;
  waitlisted integer := 0;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    taken := taken - (OLD.status = 'confirmed')::integer;
    waitlisted := waitlisted - (OLD.status = 'waitlisted')::integer;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    taken := taken + (NEW.status = 'confirmed')::integer;
    waitlisted := waitlisted + (NEW.status = 'waitlisted')::integer;
  END IF;
  IF taken <> 0 OR waitlisted <> 0 THEN
    UPDATE network_event SET seats_taken = seats_taken + taken, waitlist_length = waitlist_length + waitlisted
     WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.event_id ELSE NEW.event_id END;
  END IF;
  RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER event_registration_seat_counts AFTER INSERT OR UPDATE OF status OR DELETE ON event_registration FOR EACH ROW EXECUTE FUNCTION event_registration_seat_counts();
