// What a manager's approval page shows: whose enrolment in which round waits, with the Approve and
// Decline buttons; after the answer, what came of it; and a link that no longer works or lapsed.
import { Language, translate } from '../i18n/i18n';
import { cohortNameIn } from '../i18n/cohort-name';
import { FieldMessages, translateMessage } from '../web/forms';
import { EnrolmentStatus } from './enrolment.entity';
import { ApprovalDetails } from './roster.service';

/** The question, with the buttons that answer it (and what was wrong with a refused answer). */
export function approvalAskPage(token: string, details: ApprovalDetails, lang: Language, errors: FieldMessages | null) {
  return {
    title: translate(lang, 'enrolment.approvalPage.title'),
    ask: true,
    action: `/enrolments/approval/${encodeURIComponent(token)}`,
    details,
    error: errors ? Object.values(errors).join(' ') : null,
  };
}

/** What the manager's answer came to: declined, or a seat or a waitlist place. */
export function approvalAnsweredPage(details: ApprovalDetails, answered: { status: EnrolmentStatus; waitlistPosition: number | null }, lang: Language) {
  const values = { name: details.personName, cohort: cohortNameIn(details.cohortName, lang) };
  const outcome =
    answered.status === 'declined'
      ? translate(lang, 'enrolment.approvalPage.declined', values)
      : answered.status === 'waitlisted'
        ? translate(lang, 'enrolment.approvalPage.approvedWaitlisted', { ...values, position: answered.waitlistPosition })
        : translate(lang, 'enrolment.approvalPage.approvedConfirmed', values);
  return { title: translate(lang, 'enrolment.approvalPage.answeredTitle'), answered: true, outcome, details };
}

/** The request was not answered in time: it lapsed, and the person has been (or is about to be) told. */
export const approvalLapsedPage = (lang: Language) => ({
  title: translate(lang, 'enrolment.approvalPage.lapsedTitle'),
  lapsed: true,
  message: translateMessage(lang, 'enrolment.approval.lapsed'),
});

/** A used or tampered link, or a refused answer without a request to ask again: why, in words. */
export const approvalInvalidPage = (lang: Language, message: string) => ({ title: translate(lang, 'enrolment.approvalPage.invalidTitle'), invalid: true, message });
