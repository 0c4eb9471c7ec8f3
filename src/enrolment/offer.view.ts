// What the page behind a seat offer's link shows: the round and the deadline, with the Accept and
// Decline buttons; after the answer, what came of it; and a link that no longer works or lapsed.
import { Language, translate } from '../i18n/i18n';
import { cohortNameIn } from '../i18n/cohort-name';
import { FieldMessages, translateMessage } from '../web/forms';
import { EnrolmentStatus } from './enrolment.entity';
import { ApprovalDetails } from './roster.service';

const VIEW_TITLE = 'enrolment.offerPage.title';

/** The offer, with the buttons that answer it (and what was wrong with a refused answer). */
export function offerAskPage(token: string, details: ApprovalDetails, expiresAt: Date, lang: Language, errors: FieldMessages | null) {
  return {
    title: translate(lang, VIEW_TITLE),
    ask: true,
    action: `/enrolments/offer/${encodeURIComponent(token)}`,
    details,
    expiresAt,
    error: errors ? Object.values(errors).join(' ') : null,
  };
}

/** What the answer came to: a confirmed seat, or the seat given up. */
export function offerAnsweredPage(details: ApprovalDetails, answered: { status: EnrolmentStatus }, lang: Language) {
  const cohort = cohortNameIn(details.cohortName, lang);
  const outcome = answered.status === 'confirmed' ? translate(lang, 'enrolment.offerPage.accepted', { cohort }) : translate(lang, 'enrolment.offerPage.declined', { cohort });
  return { title: translate(lang, 'enrolment.offerPage.answeredTitle'), answered: true, accepted: answered.status === 'confirmed', outcome, details };
}

/** Nobody claimed the seat in time: the offer lapsed and the seat went on. */
export const offerLapsedPage = (lang: Language) => ({ title: translate(lang, 'enrolment.offerPage.lapsedTitle'), lapsed: true, message: translateMessage(lang, 'enrolment.offer.lapsed') });

/** A used or tampered link: why, in words. */
export const offerInvalidPage = (lang: Language, message: string) => ({ title: translate(lang, 'enrolment.offerPage.invalidTitle'), invalid: true, message });
