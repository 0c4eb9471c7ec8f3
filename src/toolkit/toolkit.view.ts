// What the toolkit's pages show and how their forms are read: the library with its filter, one
// entry, the case form, a person's own cases, and the admins' list and entry page. Forms are read
// here (field by field, unknown fields refused) into what ToolkitService takes; the service checks again.
import { formatSize } from '../files/files.view';
import { StoredFile } from '../files/stored-file.entity';
import { Language, LANGUAGE_NAMES, LANGUAGES, translate } from '../i18n/i18n';
import { renderMarkdown } from '../views/markdown';
import { FieldMessages } from '../web/forms';
import { TOOLKIT_KINDS, TOOLKIT_THEMES, ToolkitKind, ToolkitStatus, ToolkitTheme } from './toolkit-entry.entity';
import { CaseInput, EntryInput, MAX_CASE_FILES, MAX_CASE_LINKS, textIn, ToolkitEntryDetail, ToolkitEntryRow, ToolkitFilter, ToolkitLinkRow, ToolkitText } from './toolkit.service';

type Body = Record<string, unknown>;
const bodyOf = (body: unknown): Body => (body && typeof body === 'object' ? (body as Body) : {});
const text = (body: Body, name: string): string => (typeof body[name] === 'string' ? (body[name] as string) : '');

export const kindLabel = (kind: ToolkitKind, lang: Language) => translate(lang, `toolkit.kind.${kind}`);
export const themeLabel = (theme: ToolkitTheme, lang: Language) => translate(lang, `toolkit.theme.${theme}`);
export const statusLabel = (status: ToolkitStatus, lang: Language) => translate(lang, `toolkit.status.${status}`);

/** A theme's checkbox field: one name per theme, as no form of ours repeats a name (web/input-guard.ts). */
const themeField = (theme: ToolkitTheme) => `theme-${theme}`;
const LANGUAGE_SUFFIX: Record<Language, string> = { fi: 'Fi', sv: 'Sv', en: 'En' };

function unknownFieldsOf(body: Body, known: string[]): FieldMessages {
  return Object.fromEntries(
    Object.keys(body)
      .filter((name) => name !== '_csrf' && !known.includes(name))
      .map((name) => [name, 'form.unknownField']),
  );
}

function themeBoxes(lang: Language, chosen: readonly string[], prefix: string) {
  return TOOLKIT_THEMES.map((theme) => ({ id: `${prefix}-${theme}`, name: themeField(theme), label: themeLabel(theme, lang), checked: chosen.includes(theme) }));
}

function themesOfBody(body: Body): ToolkitTheme[] {
  return TOOLKIT_THEMES.filter((theme) => body[themeField(theme)] !== undefined && body[themeField(theme)] !== '');
}

function filesOf(files: StoredFile[], lang: Language) {
  return files.map((file) => ({
    id: file.id,
    href: `/files/${file.id}`,
    name: file.originalName,
    size: formatSize(file.size, lang),
    thumbnail: file.thumbnailSha256 ? `/files/${file.id}/thumbnail` : null,
  }));
}

function linksOf(links: ToolkitLinkRow[]) {
  return links.map((link, index) => ({ id: link.id, url: link.url, label: link.label || link.url, first: index === 0, last: index === links.length - 1 }));
}

/** A line of an entry in a list: its title, kind, themes and the start of its description. */
function summaryOf(row: ToolkitEntryRow, lang: Language) {
  const description = textIn(row.description, lang);
  return {
    id: row.id,
    href: `/toolkit/${row.id}`,
    title: textIn(row.title, lang),
    kind: kindLabel(row.kind, lang),
    themes: row.themes.map((theme) => themeLabel(theme, lang)),
    excerpt: description.length > 240 ? `${description.slice(0, 240).replace(/\s+\S*$/, '')}…` : description,
    status: row.status,
    statusLabel: statusLabel(row.status, lang),
    submitterName: row.submitterName,
    createdAt: row.createdAt,
    reviewNote: row.reviewNote,
  };
}

// -----------------------------------------------------------------------------------------------
// The library.

export function libraryPage(lang: Language, query: { kind: string; theme: string; q: string }, listing: { entries: ToolkitEntryRow[]; filter: ToolkitFilter } | { errors: FieldMessages }, signedIn: boolean) {
  const entries = 'entries' in listing ? listing.entries.map((row) => summaryOf(row, lang)) : null;
  return {
    title: translate(lang, 'toolkit.title'),
    filter: {
      q: query.q,
      kinds: TOOLKIT_KINDS.map((kind) => ({ value: kind, label: kindLabel(kind, lang), selected: kind === query.kind })),
      themes: TOOLKIT_THEMES.map((theme) => ({ value: theme, label: themeLabel(theme, lang), selected: theme === query.theme })),
    },
    filtered: !!(query.kind || query.theme || query.q),
    errors: 'errors' in listing ? listing.errors : null,
    entries,
    listed: entries !== null,
    found: entries ? translate(lang, entries.length === 1 ? 'toolkit.found.one' : 'toolkit.found.other', { count: entries.length }) : null,
    signedIn,
  };
}

export function entryPage(lang: Language, entry: ToolkitEntryDetail, viewer: { curates: boolean; own: boolean }) {
  return {
    title: textIn(entry.title, lang),
    entry: {
      ...summaryOf(entry, lang),
      description: renderMarkdown(textIn(entry.description, lang)),
      links: linksOf(entry.links),
      files: filesOf(entry.files, lang),
      published: entry.status === 'published',
      pending: entry.status === 'pending',
      rejected: entry.status === 'rejected',
    },
    curates: viewer.curates,
    own: viewer.own,
  };
}

// -----------------------------------------------------------------------------------------------
// Cases from the field.

export const CASE_FIELDS = ['title', 'description', ...Array.from({ length: MAX_CASE_LINKS }, (_, i) => `link${i + 1}`), ...TOOLKIT_THEMES.map(themeField)];

/** The case form as typed, and the fields it has that the form does not. */
export function caseFormOf(body: unknown): { input: CaseInput; unknown: FieldMessages } {
  const fields = bodyOf(body);
  return {
    input: {
      title: text(fields, 'title'),
      description: text(fields, 'description'),
      themes: themesOfBody(fields),
      links: Array.from({ length: MAX_CASE_LINKS }, (_, i) => text(fields, `link${i + 1}`).trim()),
    },
    unknown: unknownFieldsOf(fields, CASE_FIELDS),
  };
}

export function caseFormPage(lang: Language, input: CaseInput, errors: FieldMessages | null, maxMegabytes: number) {
  return {
    title: translate(lang, 'toolkit.case.title'),
    form: {
      title: input.title,
      description: input.description,
      themes: themeBoxes(lang, input.themes, 'case-theme'),
      links: Array.from({ length: MAX_CASE_LINKS }, (_, i) => ({ id: `case-link${i + 1}`, name: `link${i + 1}`, value: input.links[i] ?? '', error: errors?.[`link${i + 1}`], label: translate(lang, 'toolkit.case.link', { n: i + 1 }) })),
    },
    errors,
    filesHint: translate(lang, 'toolkit.case.files.hint', { max: MAX_CASE_FILES, size: maxMegabytes }),
  };
}

export function myCasesPage(lang: Language, cases: ToolkitEntryRow[], submitted: boolean) {
  return {
    title: translate(lang, 'toolkit.myCases.title'),
    cases: cases.map((row) => summaryOf(row, lang)),
    notice: submitted ? translate(lang, 'toolkit.case.submitted') : null,
  };
}

// -----------------------------------------------------------------------------------------------
// Curation.

export const ENTRY_FIELDS = ['kind', 'position', ...LANGUAGES.flatMap((lang) => [`title${LANGUAGE_SUFFIX[lang]}`, `description${LANGUAGE_SUFFIX[lang]}`]), ...TOOLKIT_THEMES.map(themeField)];

export interface EntryForm {
  kind: string;
  position: string;
  title: ToolkitText;
  description: ToolkitText;
  themes: string[];
}

export function entryFormOf(body: unknown): { form: EntryForm; input: EntryInput; unknown: FieldMessages } {
  const fields = bodyOf(body);
  const form: EntryForm = {
    kind: text(fields, 'kind'),
    position: text(fields, 'position').trim(),
    title: Object.fromEntries(LANGUAGES.map((lang) => [lang, text(fields, `title${LANGUAGE_SUFFIX[lang]}`)])),
    description: Object.fromEntries(LANGUAGES.map((lang) => [lang, text(fields, `description${LANGUAGE_SUFFIX[lang]}`)])),
    themes: themesOfBody(fields),
  };
  const position = form.position === '' ? 0 : /^[0-9]{1,5}$/.test(form.position) ? Number(form.position) : -1;
  return {
    form,
    input: { kind: form.kind as ToolkitKind, themes: form.themes as ToolkitTheme[], title: form.title, description: form.description, position },
    unknown: unknownFieldsOf(fields, ENTRY_FIELDS),
  };
}

export function entryFormOfEntry(entry: ToolkitEntryDetail): EntryForm {
  return { kind: entry.kind, position: String(entry.position), title: entry.title, description: entry.description, themes: entry.themes };
}

/** The service's field names (`title.fi`) as the form's inputs (`titleFi`). */
export function entryFieldsOf(fields: FieldMessages): FieldMessages {
  return Object.fromEntries(Object.entries(fields).map(([name, message]) => [name.replace(/^(title|description)\.(fi|sv|en)$/, (_, field: string, lang: Language) => `${field}${LANGUAGE_SUFFIX[lang]}`), message]));
}

export function adminListPage(lang: Language, entries: ToolkitEntryRow[], pending: ToolkitEntryRow[], notice: string | null) {
  return {
    title: translate(lang, 'toolkit.admin.title'),
    pending: pending.map((row) => summaryOf(row, lang)),
    entries: entries.map((row) => summaryOf(row, lang)),
    notice,
  };
}

export function adminEntryPage(
  lang: Language,
  entry: ToolkitEntryDetail | null,
  form: EntryForm,
  state: { errors?: FieldMessages | null; refusal?: string | null; notice?: string | null; linkForm?: { url: string; label: string }; decline?: string },
  maxMegabytes: number,
) {
  const errors = state.errors ?? null;
  return {
    title: entry ? textIn(entry.title, lang) : translate(lang, 'toolkit.admin.new'),
    entry: entry ? { ...summaryOf(entry, lang), links: linksOf(entry.links), files: filesOf(entry.files, lang), pending: entry.status === 'pending' } : null,
    action: entry ? `/admin/toolkit/${entry.id}` : '/admin/toolkit',
    form: {
      kinds: TOOLKIT_KINDS.map((kind) => ({ value: kind, label: kindLabel(kind, lang), selected: kind === form.kind })),
      position: form.position,
      themes: themeBoxes(lang, form.themes, 'entry-theme'),
      languages: LANGUAGES.map((language) => ({
        legend: LANGUAGE_NAMES[language],
        title: { id: `entry-title-${language}`, name: `title${LANGUAGE_SUFFIX[language]}`, value: form.title[language] ?? '', error: errors?.[`title${LANGUAGE_SUFFIX[language]}`] },
        description: { id: `entry-description-${language}`, name: `description${LANGUAGE_SUFFIX[language]}`, value: form.description[language] ?? '', error: errors?.[`description${LANGUAGE_SUFFIX[language]}`] },
      })),
    },
    linkForm: state.linkForm ?? { url: '', label: '' },
    decline: state.decline ?? '',
    errors,
    refusal: state.refusal ?? null,
    notice: state.notice ?? null,
    filesHint: translate(lang, 'toolkit.admin.files.hint', { max: MAX_CASE_FILES, size: maxMegabytes }),
  };
}
