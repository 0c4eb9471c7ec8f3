// What the public catalogue pages show (catalogue.controller.ts): the programmes page, a programme
// with its upcoming rounds, and a round's page without the reader's enrolment (which enrolment's
// cohort page adds). UI strings are message keys the templates translate.
import { Language, translate } from '../i18n/i18n';
import { AgencyService } from '../identity/agency.service';
import { CatalogueService, CohortDetail, CohortSummary, ProgrammeDetail, ProgrammeSummary } from './catalogue.service';

/** Enough upcoming rounds to find every listed programme's next one. */
const HOME_COHORTS = 200;

/** The programmes page (views/catalogue/home.hbs): each published programme with its next round, and the agencies taking part. */
export async function catalogueFront(catalogue: CatalogueService, agencies: AgencyService, lang: Language) {
  const [programmes, upcoming, agencyList] = await Promise.all([
    catalogue.listProgrammes(lang),
    catalogue.cohortPage({ status: 'published', from: new Date(), limit: HOME_COHORTS }, null, lang),
    agencies.list(lang),
  ]);
  return {
    title: translate(lang, 'home.title'),
    programmes: programmes.map((programme) => programmeCard(programme, upcoming.items.find((cohort) => cohort.programmeId === programme.id))),
    agencies: agencyList,
  };
}

/** A programme's page (views/catalogue/programme.hbs) with its upcoming rounds. */
export function programmePage(programme: ProgrammeDetail, cohorts: CohortSummary[]) {
  return {
    title: programme.title,
    programme: {
      ...programme,
      themeKey: `theme.${programme.theme}`,
      draft: programme.status === 'draft',
      archived: programme.status === 'archived',
    },
    cohorts: cohorts.map(cohortSummaryView),
  };
}

function programmeCard(programme: ProgrammeSummary, next: CohortSummary | undefined) {
  return {
    slug: programme.slug,
    title: programme.title,
    summary: programme.summary,
    themeKey: `theme.${programme.theme}`,
    nextCohort: next ? cohortSummaryView(next) : null,
  };
}

const ENROLMENT_KEYS = { not_open_yet: 'catalogue.enrolment.notOpenYet', open: 'catalogue.enrolment.open', closed: 'catalogue.enrolment.closed' } as const;

/** A round as the programme page and the home page list it. */
function cohortSummaryView(cohort: CohortSummary) {
  const history = cohort.status === 'cancelled' || cohort.status === 'completed';
  return {
    id: cohort.id,
    name: cohort.name,
    termLabel: cohort.termLabel,
    startsAt: cohort.startsAt,
    endsAt: cohort.endsAt,
    sessionCount: cohort.sessionCount,
    deliveryModeKey: `deliveryMode.${cohort.deliveryMode}`,
    place: cohort.place,
    capacity: cohort.capacity,
    seatsLeft: cohort.seatsLeft,
    waitlistLength: cohort.waitlistLength,
    /** Null for a published round: only the other statuses are marked. */
    statusKey: cohort.status === 'published' ? null : `cohort.status.${cohort.status}`,
    cancelled: cohort.status === 'cancelled',
    /** Null for a cancelled or completed round, which nobody enrols in whatever its dates. */
    enrolmentKey: history ? null : ENROLMENT_KEYS[cohort.enrolmentWindow],
    enrolmentDate: cohort.enrolmentWindow === 'not_open_yet' ? cohort.enrolmentOpensAt : cohort.enrolmentWindow === 'open' ? cohort.enrolmentClosesAt : null,
  };
}

const STATUS_NOTICES = { draft: 'cohortPage.draftNotice', cancelled: 'cohortPage.cancelledNotice', completed: 'cohortPage.completedNotice', published: null } as const;

/** Only a web address becomes a link: a meeting link is typed by people, and `javascript:` is not one. */
export const webAddress = (link: string | null) => (link && /^https?:\/\//i.test(link) ? link : null);

/** A round's page (views/catalogue/cohort.hbs) without the reader's enrolment. */
export function cohortView(cohort: CohortDetail) {
  return {
    ...cohortSummaryView(cohort),
    enrolmentOpensAt: cohort.enrolmentOpensAt,
    enrolmentClosesAt: cohort.enrolmentClosesAt,
    programmeSlug: cohort.programmeSlug,
    programmeTitle: cohort.programmeTitle,
    statusNoticeKey: STATUS_NOTICES[cohort.status],
    requiresApproval: cohort.requiresApproval,
    agencySeatCap: cohort.agencySeatCap,
    cancellationDeadline: cohort.cancellationDeadline,
    facilitators: cohort.facilitators,
    mayJoin: cohort.mayJoin,
    meetingLink: cohort.meetingLink,
    meetingLinkHref: webAddress(cohort.meetingLink),
    /** Rounds that meet online say where the link is, or that it is missing. */
    showMeetingLink: cohort.deliveryMode !== 'on_site' || !!cohort.meetingLink,
    sessions: cohort.sessions.map((session) => {
      // A session's own link, when it differs from the round's (shown once above the sessions).
      const ownLink = session.meetingLink && session.meetingLink !== cohort.meetingLink ? session.meetingLink : null;
      return {
        id: session.id,
        startsAt: session.startsAt,
        endsAt: session.endsAt,
        place: session.place,
        agendaHtml: session.agendaHtml,
        cancelled: session.status === 'cancelled',
        meetingLink: ownLink,
        meetingLinkHref: webAddress(ownLink),
      };
    }),
  };
}
