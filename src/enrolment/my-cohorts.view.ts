// What "Omat ryhmät" shows: the person's places with their status in words (a waitlist place by
// number, a round that was cancelled or is over), and the rounds they facilitate with the ways to
// their roster and discussion.
import { formatDate } from '../i18n/dates';
import { Language, translate } from '../i18n/i18n';
import { FacilitatedCohort, MyCohort } from './roster.service';

export function myCohortsPage(cohorts: MyCohort[], facilitated: FacilitatedCohort[], lang: Language) {
  return {
    title: translate(lang, 'enrolment.myCohorts.title'),
    cohorts: cohorts.map((cohort) => ({
      ...cohort,
      href: cohort.cohortVisible ? `/cohorts/${cohort.cohortId}` : null,
      statusLabel: myCohortStatusLabel(cohort, lang),
      cohortStatusKey: cohort.cohortStatus === 'cancelled' || cohort.cohortStatus === 'completed' ? `cohort.status.${cohort.cohortStatus}` : null,
    })),
    facilitated: facilitated.map(facilitatedCohortView),
  };
}

/** A place in words: a waitlist place by number, a seat offered with its deadline (Helsinki time). */
export function myCohortStatusLabel(cohort: Pick<MyCohort, 'status' | 'waitlistPosition' | 'offerExpiresAt'>, lang: Language): string {
  if (cohort.status === 'waitlisted') return translate(lang, 'enrolment.status.waitlistedAt', { position: cohort.waitlistPosition });
  if (cohort.status === 'offered' && cohort.offerExpiresAt)
    return translate(lang, 'enrolment.status.offeredUntil', { date: formatDate(cohort.offerExpiresAt, lang, 'longDate'), time: formatDate(cohort.offerExpiresAt, lang, 'time') });
  return translate(lang, `enrolment.status.${cohort.status}`);
}

/** A round the person facilitates, with the links to its page, roster and forum (my rounds and the home page). */
export function facilitatedCohortView(cohort: FacilitatedCohort) {
  return {
    ...cohort,
    href: `/cohorts/${cohort.cohortId}`,
    rosterHref: `/cohorts/${cohort.cohortId}/roster`,
    forumHref: `/cohorts/${cohort.cohortId}/forum`,
    draft: cohort.cohortStatus === 'draft',
  };
}
