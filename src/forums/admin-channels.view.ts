// What the admins' channel pages show: the list of every channel (network ones, then rounds'), and
// the channel form with its texts in each language, what was typed and what was wrong with it.
import { Language, LANGUAGES, translate } from '../i18n/i18n';
import { fieldText, FieldMessages } from '../web/forms';
import { AdminChannelRow, ChannelForEdit } from './channels-admin.service';

type Values = Record<string, string>;

const suffix = (code: string) => code[0].toUpperCase() + code.slice(1);
const FORM_FIELDS = LANGUAGES.flatMap((code) => [`name${suffix(code)}`, `description${suffix(code)}`]);

/** The channel form's texts as they were sent. */
export const valuesOfBody = (body: unknown): Values => Object.fromEntries(FORM_FIELDS.map((field) => [field, fieldText(body, field)]));

/** The channel form's texts as the channel has them. */
export function valuesOfChannel(channel: ChannelForEdit): Values {
  const values: Values = {};
  for (const code of LANGUAGES) {
    values[`name${suffix(code)}`] = channel.name[code] ?? '';
    values[`description${suffix(code)}`] = channel.description[code] ?? '';
  }
  return values;
}

const otherErrors = (errors: FieldMessages | null) =>
  errors ? Object.entries(errors).filter(([field]) => !FORM_FIELDS.includes(field)).map(([field, message]) => ({ field, message })) : [];

function channelForm(values: Values, errors: FieldMessages | null, lang: Language) {
  const field = (id: string, name: string) => ({ id, name, value: values[name] ?? '', error: errors?.[name] ?? null });
  return {
    languages: LANGUAGES.map((code) => ({
      code,
      required: code === 'fi',
      legend: translate(lang, `admin.programme.texts.${code}`),
      name: field(`channel-name-${code}`, `name${suffix(code)}`),
      description: field(`channel-description-${code}`, `description${suffix(code)}`),
    })),
  };
}

/** The list of every channel, with a change just made or why it was refused. */
export function channelListPage(rows: AdminChannelRow[], lang: Language, state: { notice?: string | null; refusal?: string; errors?: FieldMessages }) {
  const view = (row: AdminChannelRow) => ({
    ...row,
    kindLabel: translate(lang, `forumAdmin.kind.${row.kind}`),
    stateLabel: translate(lang, row.archived ? 'forumAdmin.state.archived' : 'forumAdmin.state.open'),
    cohortStatusLabel: row.cohortStatus ? translate(lang, `cohort.status.${row.cohortStatus}`) : null,
  });
  return {
    title: translate(lang, 'forumAdmin.title'),
    notice: state.notice ?? null,
    refusal: state.refusal ?? null,
    errors: state.errors ?? null,
    otherErrors: otherErrors(state.errors ?? null),
    networkChannels: rows.filter((row) => row.kind !== 'cohort').map(view),
    cohortChannels: rows.filter((row) => row.kind === 'cohort').map(view),
  };
}

/** The new-channel form (`channel` null) or a channel's page with its form and archive button. */
export function channelFormPage(lang: Language, channel: ChannelForEdit | null, values: Values, errors: FieldMessages | null, state: { notice?: string | null; refusal?: string }) {
  return {
    title: channel ? channel.displayName : translate(lang, 'forumAdmin.new'),
    notice: state.notice ?? null,
    refusal: state.refusal ?? null,
    errors,
    otherErrors: otherErrors(errors),
    channel: channel && {
      id: channel.id,
      name: channel.displayName,
      kindLabel: translate(lang, `forumAdmin.kind.${channel.kind}`),
      isCohort: channel.kind === 'cohort',
      archived: !!channel.archivedAt,
      archivedAt: channel.archivedAt,
      threadCount: channel.threadCount,
      mayArchive: channel.mayArchive,
    },
    editable: !channel || channel.editable,
    action: channel ? `/admin/channels/${channel.id}` : '/admin/channels',
    form: channelForm(values, errors, lang),
  };
}
