// What a round's page shows of the reader's own enrolment: their place in words, the notice after a
// change, the enrol and cancel forms (as RosterService.placeRights allows them) with a refused
// form's input and messages, and the ways to the roster and the round's people.
import { Actor } from '../access/capabilities';
import { cohortView, webAddress } from '../catalogue/catalogue.view';
import { CohortDetail, SessionView } from '../catalogue/catalogue.service';
import { Language, translate } from '../i18n/i18n';
import { formatDate } from '../i18n/dates';
import { cohortNameIn } from '../i18n/cohort-name';
import { fieldText, FieldMessages } from '../web/forms';
import { OwnEnrolment, ownCancellationClosesAt, PlaceRights } from './roster.service';

/** What `?done=` may say after a change, each a notice of its own. */
export const NOTICES = ['confirmed', 'waitlisted', 'pending', 'already', 'cancelled', 'offerAccepted', 'offerDeclined'] as const;
export type Notice = (typeof NOTICES)[number];

/** Fields the page shows a message next to; any other message goes in the summary. */
const ENROL_FIELDS = ['managerEmail'];
const CANCEL_FIELDS = ['reason'];
const OFFER_FIELDS: string[] = [];

/** The form that was refused, as it was sent, and what was wrong with it. */
export interface RefusedPlaceForm {
  form: 'enrol' | 'cancel' | 'offer';
  body: unknown;
  errors: FieldMessages | null;
}

export interface CohortPageState {
  notice?: Notice | null;
  refusal?: string | null;
  refused?: RefusedPlaceForm;
}

/** "All 3 seats of your agency…", or "your agency's one seat…" when the cap is one. */
const agencyFullKey = (key: string, cap: number) => `${key}AgencyFull${cap === 1 ? 'One' : ''}`;

/** What the reader's place is, in words: "Olet mukana", "Olet varasijalla 3." … */
function ownStatusText(own: OwnEnrolment, lang: Language): string {
  if (own.status === 'waitlisted' && own.agencySeatCap) return translate(lang, agencyFullKey('enrolment.own.waitlisted', own.agencySeatCap), { position: own.waitlistPosition, cap: own.agencySeatCap });
  if (own.status === 'waitlisted') return translate(lang, 'enrolment.own.waitlisted', { position: own.waitlistPosition });
  if (own.status === 'pending_approval') return translate(lang, 'enrolment.own.pending_approval', { managerEmail: own.managerEmail });
  if (own.status === 'offered' && own.offerExpiresAt)
    return translate(lang, 'enrolment.own.offered', { date: formatDate(own.offerExpiresAt, lang, 'longDate'), time: formatDate(own.offerExpiresAt, lang, 'time') });
  return translate(lang, `enrolment.own.${own.status}`);
}

/** What the change the reader just made came to; nothing for a reader who never enrolled (a `?done=` typed by hand). */
function noticeText(notice: Notice, own: OwnEnrolment | null, lang: Language): string | null {
  if (!own) return null;
  if (notice === 'waitlisted' && own?.status === 'waitlisted') {
    // Seats may be free while the reader's agency holds all it may: then the round is not full.
    const key = own.agencySeatCap ? agencyFullKey('enrolment.notice.waitlisted', own.agencySeatCap) : 'enrolment.notice.waitlisted';
    return translate(lang, key, { position: own.waitlistPosition, cap: own.agencySeatCap });
  }
  if (notice === 'pending' && own?.status === 'pending_approval') return translate(lang, 'enrolment.notice.pending', { managerEmail: own.managerEmail });
  if (notice === 'waitlisted' || notice === 'pending') return translate(lang, 'enrolment.notice.enrolled');
  return translate(lang, `enrolment.notice.${notice}`);
}

/** The round, in the sentence that asks whether to cancel a place in it. */
export const cohortInSentence = (cohort: { name: string; programmeTitle: string }, lang: Language) => `${cohort.programmeTitle}, ${cohortNameIn(cohort.name, lang, { inSentence: true })}`;

/** The round's page with the reader's place: `viewer` null for someone not signed in. */
export function cohortPage(cohort: CohortDetail, viewer: Actor | null, own: OwnEnrolment | null, rights: PlaceRights, lang: Language, state: CohortPageState) {
  const { refused } = state;
  const errors = refused?.errors ?? null;
  const mine = (form: 'enrol' | 'cancel' | 'offer') => (refused?.form === form ? errors : null);
  const known = refused?.form === 'enrol' ? ENROL_FIELDS : refused?.form === 'offer' ? OFFER_FIELDS : CANCEL_FIELDS;
  return {
    title: `${cohortNameIn(cohort.name, lang)} – ${cohort.programmeTitle}`,
    cohort: cohortView(cohort),
    notice: state.notice ? noticeText(state.notice, own, lang) : null,
    refusal: state.refusal ?? null,
    errors,
    otherErrors: errors ? Object.entries(errors).filter(([field]) => !known.includes(field)).map(([field, message]) => ({ field, message })) : [],
    enrolment: {
      signedIn: !!viewer,
      signInHref: `/login?next=${encodeURIComponent(`/cohorts/${cohort.id}`)}`,
      open: rights.enrolmentOpen,
      own: own
        ? {
            status: own.status,
            statusText: ownStatusText(own, lang),
            active: own.active,
            confirmed: own.status === 'confirmed',
            // A seat offered from the queue: the buttons that claim or decline it (as the mailed link's page).
            offered: own.status === 'offered' && !!own.offerExpiresAt && own.offerExpiresAt > new Date(),
          }
        : null,
      // Someone who holds or waits for a place cancels it; anyone else may enrol while it is open.
      canEnrol: rights.mayEnrol,
      requiresApproval: cohort.requiresApproval,
      managerEmail: { value: refused?.form === 'enrol' ? fieldText(refused.body, 'managerEmail') : '', error: mine('enrol')?.managerEmail ?? null },
      canCancel: rights.mayCancel,
      cancelUntil: ownCancellationClosesAt(cohort),
      cancelClosed: rights.cancelClosed,
      cancelReason: { value: refused?.form === 'cancel' ? fieldText(refused.body, 'reason') : '', error: mine('cancel')?.reason ?? null },
      rosterHref: rights.manages ? `/cohorts/${cohort.id}/roster` : null,
      // Who is in the round: for its own people (ParticipantsService's rule), so nobody is led to a 403.
      participantsHref: rights.manages || own?.participant ? `/cohorts/${cohort.id}/participants` : null,
    },
  };
}

/** One session's page: its time, place and meeting link as the round's page shows them. */
export function sessionPage(cohort: CohortDetail, session: SessionView, lang: Language) {
  const round = cohortView(cohort);
  const shown = round.sessions.find((candidate) => candidate.id === session.id)!;
  return {
    title: `${formatDate(session.startsAt, lang, 'date')} – ${cohortNameIn(cohort.name, lang)} – ${cohort.programmeTitle}`,
    cohort: round,
    cohortHref: `/cohorts/${cohort.id}`,
    session: { ...shown, status: session.status, meetingLink: session.meetingLink, meetingLinkHref: webAddress(session.meetingLink) },
  };
}
