// What the page of who is in a round shows: its participants and facilitators (a hidden name as
// "a participant from <agency>"), the agency mix and, for those who run the round, the form that
// writes to all of it, with what was typed and what was wrong with it.
import { Language, translate } from '../i18n/i18n';
import { FieldMessages } from '../web/forms';
import { CohortMember, CohortPeople } from './participants.service';

/** The write-to-the-round form as it was sent, and what was wrong with it. */
export interface CohortMessageForm {
  title: string;
  body: string;
  errors: FieldMessages | null;
}

function memberItem(member: CohortMember, lang: Language) {
  const agency = member.agency ?? translate(lang, 'enrolment.roster.noAgency');
  const name = member.erased
    ? translate(lang, 'accounts.deletedUser')
    : member.name ?? (member.agency ? translate(lang, 'participants.hidden', { agency: member.agency }) : translate(lang, 'participants.hidden.noAgency'));
  return { name, agency, self: member.self, hidesName: member.hidesName };
}

/** The page's view model; `write` is the refused form, `sentThreadId` the thread just written to the round. */
export function participantsPage(people: CohortPeople, lang: Language, state: { write?: CohortMessageForm; sentThreadId?: string | null } = {}) {
  const { cohort } = people;
  const errors = state.write?.errors ?? null;
  return {
    title: translate(lang, 'participants.title'),
    cohort,
    notice: state.sentThreadId ? translate(lang, 'participants.notice.sent') : null,
    sentThreadHref: state.sentThreadId ? `/threads/${state.sentThreadId}` : null,
    errors,
    otherErrors: errors ? Object.entries(errors).filter(([field]) => field !== 'title' && field !== 'body').map(([, message]) => message) : [],
    count: translate(lang, 'participants.count', { count: people.participants.length }),
    participants: people.participants.map((member) => memberItem(member, lang)),
    facilitators: people.facilitators.map((member) => memberItem(member, lang)),
    agencyMix: people.agencyMix.map((row) => ({ agency: row.agency ?? translate(lang, 'enrolment.roster.noAgency'), count: row.count })),
    forumHref: `/cohorts/${cohort.id}/forum`,
    write: people.mayWriteToRound
      ? {
          action: `/cohorts/${cohort.id}/participants/message`,
          title: { value: state.write?.title ?? '', error: errors?.title ?? null },
          body: { value: state.write?.body ?? '', error: errors?.body ?? null },
        }
      : null,
  };
}
