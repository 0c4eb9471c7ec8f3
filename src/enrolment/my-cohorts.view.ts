// What "Omat ryhmät" shows: the person's places with their status in words (a waitlist place by
// number, a round that was cancelled or is over), and the rounds they facilitate with the ways to
// their roster and discussion.
import { Language, translate } from '../i18n/i18n';
import { FacilitatedRound, MyCohort } from './roster.service';

export function myCohortsPage(cohorts: MyCohort[], facilitated: FacilitatedRound[], lang: Language) {
  return {
    title: translate(lang, 'enrolment.myCohorts.title'),
    cohorts: cohorts.map((cohort) => ({
      ...cohort,
      href: cohort.cohortVisible ? `/cohorts/${cohort.cohortId}` : null,
      statusLabel: cohort.status === 'waitlisted' ? translate(lang, 'enrolment.status.waitlistedAt', { position: cohort.waitlistPosition }) : translate(lang, `enrolment.status.${cohort.status}`),
      cohortStatusKey: cohort.cohortStatus === 'cancelled' || cohort.cohortStatus === 'completed' ? `cohort.status.${cohort.cohortStatus}` : null,
    })),
    facilitated: facilitated.map((round) => ({
      ...round,
      href: `/cohorts/${round.cohortId}`,
      rosterHref: `/cohorts/${round.cohortId}/roster`,
      forumHref: `/cohorts/${round.cohortId}/forum`,
      draft: round.cohortStatus === 'draft',
    })),
  };
}
