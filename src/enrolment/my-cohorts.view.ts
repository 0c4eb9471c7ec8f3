// What "Omat ryhmät" shows: the person's places with their status in words (a waitlist place by
// number, a round that was cancelled or is over), and the rounds they facilitate with the ways to
// their roster and discussion.
import { Language, translate } from '../i18n/i18n';
import { FacilitatedCohort, MyCohort } from './roster.service';

export function myCohortsPage(cohorts: MyCohort[], facilitated: FacilitatedCohort[], lang: Language) {
  return {
    title: translate(lang, 'enrolment.myCohorts.title'),
    cohorts: cohorts.map((cohort) => ({
      ...cohort,
      href: cohort.cohortVisible ? `/cohorts/${cohort.cohortId}` : null,
      statusLabel: cohort.status === 'waitlisted' ? translate(lang, 'enrolment.status.waitlistedAt', { position: cohort.waitlistPosition }) : translate(lang, `enrolment.status.${cohort.status}`),
      cohortStatusKey: cohort.cohortStatus === 'cancelled' || cohort.cohortStatus === 'completed' ? `cohort.status.${cohort.cohortStatus}` : null,
    })),
    facilitated: facilitated.map(facilitatedCohortView),
  };
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
