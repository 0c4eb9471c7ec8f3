// What the admin pages for people's accounts show (admin-users.controller.ts): the searchable list
// (erasure requests on top) and one person's record with the forms an admin may use on it.
import { Language, MESSAGES, translate } from '../i18n/i18n';
import { USER_STATUSES } from '../identity/user.entity';
import { FieldMessages } from '../web/forms';
import { USER_SORTS, UserListQueryDto } from './admin.dto';
import { FacilitatorMark, UserRecord, UserRow } from './admin-users.service';

/** What a successful form says on the page it leads back to (?done=…). */
export const USER_NOTICES = ['role', 'deactivated', 'reactivated', 'erased', 'contactGranted', 'contactRevoked'] as const;
/** Fields that have a place on the person's page; a message for any other goes in the summary. */
const USER_FORM_FIELDS = ['role', 'status', 'erase', 'confirm', 'agencyId'];

function nameOf(row: Pick<UserRow, 'displayName' | 'status'>, lang: Language): string {
  return row.status === 'erased' ? translate(lang, 'accounts.deletedUser') : row.displayName;
}

function rowView(row: UserRow, lang: Language) {
  return {
    ...row,
    name: nameOf(row, lang),
    roleLabel: translate(lang, row.siteRole === 'admin' ? 'admin.role.admin' : 'admin.role.none'),
    statusLabel: translate(lang, `admin.status.${row.status}`),
  };
}

/** "from: –, to: admin": audit details as a line of text (their values are ids, names, roles and counts). */
function detailsText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${value === null || value === undefined ? '–' : typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(', ');
}

function actionLabel(action: string, lang: Language): string {
  const key = `admin.audit.${action}`;
  return key in MESSAGES.fi ? translate(lang, key) : action;
}

/** The list for a filter (a refused one kept as typed, with its messages translated), with the link to the next page. */
export function usersPage(
  lang: Language,
  filter: Partial<UserListQueryDto>,
  errors: FieldMessages | null,
  listing: { rows: (UserRow & FacilitatorMark)[]; hasNext: boolean; page: number; nextHref: string },
  erasureRequests: UserRow[],
) {
  return {
    title: translate(lang, 'admin.users.title'),
    errors,
    filter,
    statuses: USER_STATUSES.map((value) => ({ value, label: translate(lang, `admin.status.${value}`), selected: value === filter.status })),
    sorts: USER_SORTS.map((value) => ({ value, label: translate(lang, `admin.users.sort.${value}`), selected: value === (filter.sort ?? 'newest') })),
    erasureRequests: erasureRequests.map((row) => rowView(row, lang)),
    rows: listing.rows.map((row) => ({ ...rowView(row, lang), facilitator: row.facilitatedCount > 0, facilitating: row.facilitating.map((cohort) => ({ ...cohort, href: `/admin/cohorts/${cohort.id}` })) })),
    page: listing.page,
    nextHref: listing.hasNext ? listing.nextHref : null,
  };
}

export function userPage(user: UserRecord, actorId: string, lang: Language, extra: { notice?: string | null; errors?: FieldMessages }) {
  const erased = user.status === 'erased';
  const errors = extra.errors ?? null;
  return {
    title: nameOf(user, lang),
    notice: extra.notice ?? null,
    errors,
    otherErrors: errors ? Object.entries(errors).filter(([field]) => !USER_FORM_FIELDS.includes(field)).map(([field, message]) => ({ field, message })) : [],
    user: { ...rowView(user, lang), erased, languageName: translate(lang, `admin.language.${user.language}`) },
    isSelf: user.id === actorId,
    roleOptions: erased
      ? null
      : (['admin', 'none'] as const).map((value) => ({ value, label: translate(lang, `admin.role.${value}`), selected: (user.siteRole ?? 'none') === value })),
    canDeactivate: user.mayDeactivate,
    canReactivate: user.mayReactivate,
    erasureRequested: Boolean(user.erasureRequestedAt) && !erased,
    canErase: user.mayErase,
    auditEntries: user.auditEntries.map((entry) => ({
      createdAt: entry.createdAt,
      action: actionLabel(entry.action, lang),
      actor: entry.actorUserId === null ? translate(lang, 'admin.audit.system') : entry.actorErased || entry.actorName === null ? translate(lang, 'accounts.deletedUser') : entry.actorName,
      details: detailsText(entry.details),
    })),
  };
}
