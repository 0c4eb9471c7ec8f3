// Issue 21, waitlist offers: in a round with seat_offer_hours a freed seat is offered to the next in
// line with a deadline to claim it, instead of being confirmed at once. An open offer takes a seat
// (takes_seat: the seat counters and the agency cap count it, so the round never overbooks) while the
// person is not yet a participant (holds_seat is unchanged); enrolment_offer_deadline says until when
// an offer stands (catalogue's cohort_seat_offer_hours, never past the first session); and enrolling
// finds an offered place as the person's active one.
import { MigrationInterface, QueryRunner } from 'typeorm';
import { applySqlSources, SqlSources } from '../src/database/sql-sources';

/** The functions as they were before this migration (SqlInSourceFiles' texts), put back by down(). */
const BEFORE = {
  'enrolment/sql/seat-counts.sql': String.raw`-- The round's seat counters follow its enrolments: every insert, status change or delete of an
-- enrolment adds what it took or gave back (a seat: holds_seat; a place in the queue: waitlisted)
-- through catalogue's cohort_seats_add. No other code changes the counters. A change that moves
-- neither (pending approval to cancelled, confirmed to completed) does not touch the cohort row.
CREATE OR REPLACE FUNCTION enrolment_seat_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  taken integer := 0;
  waitlisted integer := 0;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    taken := taken - holds_seat(OLD.status)::integer;
    waitlisted := waitlisted - (OLD.status = 'waitlisted')::integer;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    taken := taken + holds_seat(NEW.status)::integer;
    waitlisted := waitlisted + (NEW.status = 'waitlisted')::integer;
  END IF;
  IF taken <> 0 OR waitlisted <> 0 THEN
    PERFORM cohort_seats_add(CASE WHEN TG_OP = 'DELETE' THEN OLD.cohort_id ELSE NEW.cohort_id END, taken, waitlisted);
  END IF;
  RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER enrolment_seat_counts AFTER INSERT OR UPDATE OF status OR DELETE ON enrolment FOR EACH ROW EXECUTE FUNCTION enrolment_seat_counts();
`,
  'enrolment/sql/placement.sql': String.raw`-- Where a person goes in a round: the agency cap, placement of a new or approved enrolment, and
-- who is next when a seat frees. The one statement of each; the TypeScript service calls these.

-- Whether the agency may take one more seat in the round: no cap, no agency, or fewer seats held
-- (holds_seat) by the agency's people than the cap.
CREATE OR REPLACE FUNCTION enrolment_agency_has_room(p_cohort uuid, p_agency uuid, p_cap integer) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT p_cap IS NULL OR p_agency IS NULL
      OR (SELECT count(*) FROM enrolment e WHERE e.cohort_id = p_cohort AND e.agency_id = p_agency AND holds_seat(e.status)) < p_cap
$$;

-- Where a new person goes now: a seat while the round has one free and their agency has room under
-- its cap, else the end of the queue. One rule for every way in (enrolment_enrol, an approval).
-- Call it with the cohort's row locked, so the counts cannot move before the place is taken.
CREATE OR REPLACE FUNCTION enrolment_placement(p_cohort uuid, p_agency uuid)
  RETURNS TABLE(placed_status text, placed_position integer) LANGUAGE sql AS $$
  SELECT x.placed, CASE WHEN x.placed = 'waitlisted' THEN c.waitlist_length + 1 END
  FROM cohort_listing c,
  LATERAL (SELECT CASE WHEN c.seats_taken < c.capacity AND enrolment_agency_has_room(c.id, p_agency, c.agency_seat_cap)
                  THEN 'confirmed' ELSE 'waitlisted' END AS placed) x
  WHERE c.id = p_cohort
$$;
`,
  'enrolment/sql/enrol.sql': String.raw`-- Enrolling: whether a round takes an enrolment now, and the common case of enrolling in one
-- statement (the rush on a popular round), so the cohort's row lock is held only inside PostgreSQL.

-- Why the round refuses an enrolment now ('enrolment.refused.<why>'), or NULL when it takes one.
-- A person enrolling themself (p_self) needs a published round whose enrolment window is open; a
-- facilitator or admin may add people to a draft or published round at any time, never to a
-- finished one. The TypeScript service asks this too (EnrolmentService.lockCohort), so the rule is here alone.
CREATE OR REPLACE FUNCTION enrolment_refusal(p_status text, p_opens_at timestamptz, p_closes_at timestamptz, p_self boolean) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN p_status IN ('cancelled', 'completed') OR (p_self AND p_status <> 'published') THEN 'enrolment.refused.' || p_status
    WHEN p_self AND now() < p_opens_at THEN 'enrolment.refused.notOpenYet'
    WHEN p_self AND now() >= p_closes_at THEN 'enrolment.refused.closed'
  END
$$;

-- Enrols a person: locks the cohort's row first (as every enrolment change does), returns an
-- active enrolment the person already has as it is, refuses (enrolment_refusal; 'needsApproval'
-- when a person enrolling themself must name a manager, 'notFound'), or places them
-- (enrolment_placement) with their history row and their confirmed/waitlisted notification
-- (notification_enqueue). The seat counters follow by the enrolment_seat_counts trigger.
-- EnrolmentService.admitInOneGo calls it, in its own transaction or in the caller's.
CREATE OR REPLACE FUNCTION enrolment_enrol(
  p_cohort uuid, p_user uuid, p_agency uuid, p_changed_by uuid, p_reason text, p_self boolean, p_email text, p_name text, p_language text
) RETURNS TABLE(out_id uuid, out_status text, out_position integer, out_created boolean, out_refusal text) LANGUAGE plpgsql AS $$
DECLARE
  c record;
  found_id uuid;
  found_status text;
  found_position integer;
  refusal text;
  placed text;
  placed_at integer;
BEGIN
  SELECT co.id, co.name, co.status, co.requires_approval, co.enrolment_opens_at, co.enrolment_closes_at, co.starts_at,
         coalesce(nullif(pr.title->>p_language, ''), pr.title->>'fi') AS programme_title
    INTO c FROM cohort_listing co JOIN programme_listing pr ON pr.id = co.programme_id WHERE co.id = p_cohort FOR UPDATE OF co;
  IF NOT FOUND THEN
    RETURN QUERY SELECT NULL::uuid, NULL::text, NULL::integer, false, 'notFound'::text; RETURN;
  END IF;
  SELECT e.id, e.status, e.waitlist_position INTO found_id, found_status, found_position FROM enrolment e
   WHERE e.cohort_id = p_cohort AND e.user_id = p_user AND e.status IN ('pending_approval', 'confirmed', 'waitlisted');
  IF found_id IS NOT NULL THEN
    RETURN QUERY SELECT found_id, found_status, found_position, false, NULL::text; RETURN;
  END IF;
  refusal := enrolment_refusal(c.status, c.enrolment_opens_at, c.enrolment_closes_at, p_self);
  IF refusal IS NOT NULL THEN
    RETURN QUERY SELECT NULL::uuid, NULL::text, NULL::integer, false, refusal; RETURN;
  END IF;
  IF p_self AND c.requires_approval THEN
    RETURN QUERY SELECT NULL::uuid, NULL::text, NULL::integer, false, 'needsApproval'::text; RETURN;
  END IF;

  SELECT pl.placed_status, pl.placed_position INTO placed, placed_at FROM enrolment_placement(p_cohort, p_agency) pl;
  INSERT INTO enrolment (cohort_id, user_id, agency_id, status, waitlist_position, confirmed_at)
    VALUES (p_cohort, p_user, p_agency, placed, placed_at, CASE WHEN placed = 'confirmed' THEN now() END)
    RETURNING enrolment.id INTO found_id;
  INSERT INTO enrolment_change (enrolment_id, cohort_id, to_status, to_position, changed_by_id, reason, created_at)
    VALUES (found_id, p_cohort, placed, placed_at, p_changed_by, p_reason, clock_timestamp());
  -- Kind enrolment.confirmed or enrolment.waitlisted, with the payload EnrolmentService.notify gives them.
  PERFORM notification_enqueue('enrolment.' || placed, false, ARRAY[NULL::text], ARRAY[p_user], ARRAY[p_email], ARRAY[p_name], ARRAY[p_language],
    ARRAY[jsonb_build_object('enrolmentId', found_id, 'cohortId', p_cohort, 'cohortName', c.name, 'programmeTitle', c.programme_title,
      'startsAt', to_char(c.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'status', placed, 'waitlistPosition', placed_at)],
    ARRAY[NULL::text], ARRAY[NULL::timestamptz]);
  RETURN QUERY SELECT found_id, placed, placed_at, true, NULL::text;
END
$$;
`,
};

export class WaitlistOffers1796750000040 implements MigrationInterface {
  name = 'WaitlistOffers1796750000040';

  static readonly sqlSources: SqlSources = {
    'catalogue/sql/seat-offers.sql': '01fb40966f69ffffaf50dbf9a426f239206da517c92b790aff72036cf22731e5',
    'enrolment/sql/seat-counts.sql': '9e003ccf17deb1d8e7d1460ec834ccd911286f74dd806b449f315d4c176dfe99',
    'enrolment/sql/placement.sql': '37adfc32c21c181b71090e7d5885c292e78f8cf0a5f25eeca5e6611d34e4b2bd',
    'enrolment/sql/enrol.sql': '17e0dd97ceb3c3bba436f2d160e90729ffdad602b38f813d33dc4a227eb24d00',
    'enrolment/sql/promotion.sql': '82141ef5c00d08443233a75e47d848c86bea8dde952663422ee3647892376e11',
  };

  public async up(queryRunner: QueryRunner): Promise<void> {
    await applySqlSources(queryRunner, WaitlistOffers1796750000040.sqlSources);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const text of Object.values(BEFORE)) await queryRunner.query(text);
    await queryRunner.query(`DROP FUNCTION enrolment_offer_deadline(uuid)`);
    await queryRunner.query(`DROP FUNCTION cohort_seat_offer_hours(uuid)`);
    await queryRunner.query(`DROP FUNCTION takes_seat(text)`);
  }
}
