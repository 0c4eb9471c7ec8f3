// What the admin overview shows: the rounds coming up and those whose enrolment closes soon, with
// the ways to their pages and rosters, and the messages that failed to go out.
import { Language, translate } from '../i18n/i18n';
import { AdminOverview, OverviewCohort } from './admin-overview.service';

const cohortView = (row: OverviewCohort) => ({
  ...row,
  href: `/admin/cohorts/${row.cohortId}`,
  rosterHref: `/cohorts/${row.cohortId}/roster`,
  draft: row.status === 'draft',
});

export function adminOverviewPage(overview: AdminOverview, lang: Language) {
  return {
    title: translate(lang, 'adminOverview.title'),
    upcomingCohorts: overview.upcomingCohorts.map(cohortView),
    closingSoon: overview.closingSoon.map(cohortView),
    failedCount: overview.failedCount,
    failedMessages: overview.failedMessages.map((message) => ({ ...message, href: `/admin/outbox/${message.id}` })),
    pendingCases: overview.pendingCases,
    interestWaiting: overview.interestWaiting,
  };
}
