// What the pages show of "tell me when the next round opens": the section on a round's page (full or
// closed) and on a programme's page (no round open), and the admins' page with the list by agency.
import { Language, translate } from '../i18n/i18n';
import { InterestList } from './programme-interest.service';

/** What `?interest=` may say on the programme's page after its form. */
export const INTEREST_NOTICES = ['added', 'already', 'removed'] as const;
export type InterestNotice = (typeof INTEREST_NOTICES)[number];

export const interestNoticeText = (done: unknown, lang: Language): string | null => {
  const notice = INTEREST_NOTICES.find((name) => name === done);
  return notice ? translate(lang, `programmeInterest.notice.${notice}`) : null;
};

/** Why the section is offered: the round is full, its enrolment is closed, or the programme has no round open. */
export type InterestReason = 'full' | 'closed' | 'none';

export interface InterestSectionInput {
  programmeId: string;
  /** The round's page it is on; null on the programme's page. */
  cohortId: string | null;
  reason: InterestReason;
  signedIn: boolean;
  waiting: boolean;
  /** The page itself, for the sign-in link to lead back to. */
  pagePath: string;
}

/** The section's view model (views/partials/catalogue/interest.hbs). */
export function interestSection(input: InterestSectionInput, lang: Language) {
  return {
    heading: translate(lang, 'programmeInterest.heading'),
    intro: translate(lang, `programmeInterest.intro.${input.reason}`),
    signedIn: input.signedIn,
    waiting: input.waiting,
    from: input.cohortId,
    askAction: `/programmes/${input.programmeId}/interest`,
    withdrawAction: `/programmes/${input.programmeId}/interest/withdraw`,
    signInHref: `/login?next=${encodeURIComponent(input.pagePath)}`,
  };
}

/** The admins' page of a programme's list: its size, and the agencies in a table, most first. */
export function interestAdminPage(programme: { id: string; title: string }, list: InterestList, lang: Language) {
  return {
    title: translate(lang, 'programmeInterest.admin.title', { programme: programme.title }),
    programme,
    size: list.size,
    sizeText: translate(lang, 'programmeInterest.admin.size', { count: list.size }),
    byAgency: list.byAgency,
  };
}
