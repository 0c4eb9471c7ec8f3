// What a signed-in person's home page shows: their next sessions, the rounds they hold or wait for a
// place in, the rounds they facilitate, the discussions with something unread and the network's
// next events, each with the links that lead on.
import { Actor, can, Capability } from '../access/capabilities';
import { webAddress } from '../catalogue/catalogue.view';
import { Language, translate } from '../i18n/i18n';
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
      waiting: session.role === 'waitlisted' || session.role === 'pending_approval',
      roleKey: `myHome.role.${session.role}`,
    })),
    rounds: home.rounds.map((round) => ({
      ...round,
      href: round.cohortVisible ? `/cohorts/${round.cohortId}` : null,
      forumHref: round.status === 'confirmed' ? `/cohorts/${round.cohortId}/forum` : null,
      statusLabel:
        round.status === 'waitlisted' ? translate(lang, 'enrolment.status.waitlistedAt', { position: round.waitlistPosition }) : translate(lang, `enrolment.status.${round.status}`),
    })),
    facilitated: home.facilitated.map((round) => ({
      ...round,
      href: `/cohorts/${round.cohortId}`,
      rosterHref: `/cohorts/${round.cohortId}/roster`,
      forumHref: `/cohorts/${round.cohortId}/forum`,
      draft: round.cohortStatus === 'draft',
    })),
    unreadThreads: home.unreadThreads.map((thread) => ({ ...thread, href: `/threads/${thread.id}` })),
    unreadCount: home.unreadCount,
    moreUnread: home.unreadCount > home.unreadThreads.length,
    networkEvents: home.networkEvents,
  };
}
