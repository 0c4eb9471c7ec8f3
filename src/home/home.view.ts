// What a signed-in person's home page shows: their next sessions, the rounds they hold or wait for a
// place in, the rounds they facilitate, the discussions with something unread and the network's
// next events, each with the links that lead on.
import { Actor, can, Capability } from '../access/capabilities';
import { webAddress } from '../catalogue/catalogue.view';
import { facilitatedCohortView, myCohortStatusLabel } from '../enrolment/my-cohorts.view';
import { cohortNameIn } from '../i18n/cohort-name';
import { Language, localized, translate } from '../i18n/i18n';
import { nextSessionMaterials } from '../materials/materials.view';
import { PersonalHome } from './home.service';

export function homePage(viewer: Actor, home: PersonalHome, lang: Language) {
  return {
    title: translate(lang, 'myHome.title'),
    name: viewer.displayName,
    // The way to the admin overview, for those who may open it.
    admin: can(viewer, Capability.UsersManage),
    sessions: home.sessions.map((session) => ({
      ...session,
      href: `/cohorts/${session.cohortId}`,
      calendarHref: `/cohorts/${session.cohortId}/calendar.ics`,
      meetingLinkHref: webAddress(session.meetingLink),
      waiting: session.role === 'waitlisted' || session.role === 'offered' || session.role === 'pending_approval',
      roleKey: `myHome.role.${session.role}`,
      sessionHref: `/cohorts/${session.cohortId}/sessions/${session.id}`,
      materials: nextSessionMaterials(session.startsAt, session.materials, lang),
    })),
    cohorts: home.cohorts.map((cohort) => ({
      ...cohort,
      href: cohort.cohortVisible ? `/cohorts/${cohort.cohortId}` : null,
      forumHref: cohort.mayReadForum ? `/cohorts/${cohort.cohortId}/forum` : null,
      statusLabel: myCohortStatusLabel(cohort, lang),
      // A seat offered from the queue: the buttons that claim or decline it (CohortPageController.answerOffer).
      offerAction: cohort.offerExpiresAt && cohort.offerExpiresAt > new Date() ? `/cohorts/${cohort.cohortId}/offer` : null,
    })),
    facilitated: home.facilitated.map(facilitatedCohortView),
    unreadThreads: home.unreadThreads.map((thread) => ({ ...thread, href: `/threads/${thread.id}` })),
    unreadCount: home.unreadCount,
    moreUnread: home.unreadCount > home.unreadThreads.length,
    networkEvents: home.networkEvents,
    feedback: home.feedback.map((survey) => ({
      href: `/cohorts/${survey.cohortId}/feedback`,
      label: translate(lang, 'home.feedback.item', { programme: localized(survey.programmeTitle, lang), round: cohortNameIn(survey.cohortName, lang) }),
      closesAt: survey.closesAt,
      mayEdit: survey.answered,
    })),
  };
}
