// Why a waitlisted person waits: the round may have seats free while their agency already holds
// all the seats its cap allows, and then "the round is full" would be wrong next to "9/20 free".
// Nothing stores the reason (enrolment_enrol writes the notification inside PostgreSQL), so it is
// read from the counts as they are now, which is also what decides when the person moves up.

/** Anything that runs a query: the data source, an entity manager in a transaction. */
interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * The agency's seat cap when this enrolment is waitlisted and its agency has no room under it
 * (enrolment_agency_has_room, the rule placement and promotion use); null when the person waits
 * only because the round is full.
 */
export async function agencyCapReached(db: Queryable, enrolmentId: string): Promise<number | null> {
  const [row] = (await db.query(
    `SELECT c.agency_seat_cap AS cap FROM enrolment e JOIN cohort_listing c ON c.id = e.cohort_id
     WHERE e.id = $1 AND e.status = 'waitlisted' AND c.agency_seat_cap IS NOT NULL AND e.agency_id IS NOT NULL
       AND NOT enrolment_agency_has_room(e.cohort_id, e.agency_id, c.agency_seat_cap)`,
    [enrolmentId],
  )) as { cap: number }[];
  return row?.cap ?? null;
}
