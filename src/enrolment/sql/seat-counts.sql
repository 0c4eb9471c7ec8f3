-- The round's seat counters follow its enrolments: every insert, status change or delete of an
-- enrolment adds what it took or gave back (a seat: takes_seat, an offered one too; a place in the
-- queue: waitlisted) through catalogue's cohort_seats_add. No other code changes the counters. A
-- change that moves neither (pending approval to cancelled, confirmed to completed, offered to
-- confirmed) does not touch the cohort row.

-- A seat is taken by a participant (holds_seat) and, while it is offered to the next in line, by
-- the offer: the counters and the agency cap (placement.sql) count both, so an open offer never lets
-- the round overbook. An offered person is not yet a participant (no forum, no attendance).
CREATE OR REPLACE FUNCTION takes_seat(status text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT holds_seat(status) OR status = 'offered'
$$;

CREATE OR REPLACE FUNCTION enrolment_seat_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  taken integer := 0;
  waitlisted integer := 0;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    taken := taken - takes_seat(OLD.status)::integer;
    waitlisted := waitlisted - (OLD.status = 'waitlisted')::integer;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    taken := taken + takes_seat(NEW.status)::integer;
    waitlisted := waitlisted + (NEW.status = 'waitlisted')::integer;
  END IF;
  IF taken <> 0 OR waitlisted <> 0 THEN
    PERFORM cohort_seats_add(CASE WHEN TG_OP = 'DELETE' THEN OLD.cohort_id ELSE NEW.cohort_id END, taken, waitlisted);
  END IF;
  RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER enrolment_seat_counts AFTER INSERT OR UPDATE OF status OR DELETE ON enrolment FOR EACH ROW EXECUTE FUNCTION enrolment_seat_counts();
