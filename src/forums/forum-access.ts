// Who may do what in the discussion channels, as SQL, so every read (pages, API, search, mail
// recipients) applies the same rule in the same query that reads the data:
// - network and announcements channels: every signed-in person reads them;
// - a cohort channel: its confirmed (or completed) participants, its facilitators and admins.
//   Waitlisted, pending and cancelled people do not (enrolment's cohort_member.is_in says who is in);
// - moderators: admins everywhere, facilitators in their own cohorts' channels;
// - the announcements channel: only admins and facilitators (of any round) start threads.
import { Actor } from '../access/capabilities';

/** Whether `$user` (an SQL expression for a user id) may read channel `ch` (a forum_channel row alias). */
export function mayReadSql(ch: string, user: string, admin: string): string {
  return `(${ch}.cohort_id IS NULL OR ${admin} OR ${inCohortSql(ch, user)})`;
}

/** Whether the person is in channel `ch`'s round: a confirmed (or completed) participant or a facilitator; false for other channels. */
export function inCohortSql(ch: string, user: string): string {
  return `EXISTS (SELECT 1 FROM cohort_member m WHERE m.cohort_id = ${ch}.cohort_id AND m.user_id = ${user} AND m.is_in)`;
}

/** Whether the person moderates channel `ch`. */
export function mayModerateSql(ch: string, user: string, admin: string): string {
  return `(${admin} OR (${ch}.cohort_id IS NOT NULL AND EXISTS (SELECT 1 FROM facilitator_listing f WHERE f.cohort_id = ${ch}.cohort_id AND f.user_id = ${user})))`;
}

/** Whether the person may start a thread in channel `ch` (reading it aside). */
export function mayStartThreadSql(ch: string, user: string, admin: string): string {
  return `(${ch}.kind <> 'announcements' OR ${admin} OR EXISTS (SELECT 1 FROM facilitator_listing f WHERE f.user_id = ${user}))`;
}

export const isAdmin = (actor: Actor): boolean => actor.siteRole === 'admin';

/** What a person may do in one channel, as read with it. */
export interface ChannelRights {
  mayRead: boolean;
  mayModerate: boolean;
  mayStartThread: boolean;
}
