// "Holds a seat": a confirmed or completed participant holds one of the round's seats; pending
// approval and the waitlist do not, nor does a cancelled or declined place. The TypeScript twin of
// the SQL function holds_seat(status) (enrolment/sql/membership.sql): SQL asks holds_seat(e.status)
// (or cohort_member.is_in from other areas), TypeScript asks holdsSeat(status).
import type { EnrolmentStatus } from './enrolment.entity';

export const HOLDS_SEAT_STATUSES: readonly EnrolmentStatus[] = ['confirmed', 'completed'];

export function holdsSeat(status: string | null | undefined): boolean {
  return (HOLDS_SEAT_STATUSES as readonly string[]).includes(status ?? '');
}
