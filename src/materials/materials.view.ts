// View models of materials: the section a programme, round or session page shows (with the keepers'
// buttons), the add and replace form with a refused form's input and messages, and the short list
// on the home page's next session.
import { formatSize } from '../files/files.view';
import { DISPLAY_TIME_ZONE, formatDate } from '../i18n/dates';
import { cohortNameIn } from '../i18n/cohort-name';
import { Language, localized, LOCALES, translate } from '../i18n/i18n';
import { fieldText, FieldMessages } from '../web/forms';
import { MaterialHome, MaterialItem, MaterialVersionItem } from './materials.service';

/** Where a version leads: the file on this site, or the link; its label and size. */
function target(version: MaterialVersionItem, lang: Language) {
  if (version.file) return { href: `/files/${version.file.id}`, label: version.file.name, size: formatSize(version.file.size, lang), external: false };
  return { href: version.url!, label: version.url!, size: null, external: true };
}

/** Where the add form of a place is. */
export function addPath(home: MaterialHome): string {
  return `/${home.place === 'programme' ? 'programmes' : home.place === 'cohort' ? 'cohorts' : 'sessions'}/${home.ownerId}/materials/new`;
}

/** The materials section of a page; `manage`: the reader keeps them (buttons to add, replace, move and remove). */
export function materialsSection(home: MaterialHome, items: MaterialItem[], manage: boolean, lang: Language) {
  return {
    headingId: `materials-${home.place}`,
    heading: translate(lang, `materials.heading.${home.place}`),
    addHref: manage ? addPath(home) : null,
    manage,
    items: items.map((item, index) => {
      const [latest, ...earlier] = item.versions;
      const title = localized(item.title, lang);
      return {
        id: item.id,
        title,
        note: localized(item.note, lang),
        ...target(latest, lang),
        version: latest.version,
        updatedAt: latest.createdAt,
        updatedBy: latest.addedBy,
        earlier: earlier.map((version) => ({ ...target(version, lang), version: version.version, createdAt: version.createdAt, addedBy: version.addedBy })),
        mayMoveUp: manage && index > 0,
        mayMoveDown: manage && index < items.length - 1,
        replaceHref: manage ? `/materials/${item.id}/replace` : null,
        moveAction: `/materials/${item.id}/move`,
        removeAction: `/materials/${item.id}/remove`,
      };
    }),
  };
}

const FORM_TEXTS = ['titleFi', 'titleSv', 'titleEn', 'noteFi', 'noteSv', 'noteEn', 'url'] as const;

export interface MaterialFormState {
  /** The form as sent, when it is shown again; else the material's own texts (replace) or nothing (add). */
  body?: unknown;
  errors?: FieldMessages | null;
  refusal?: string | null;
}

/** Where the materials go, in words: the programme, the round, or the session's date and its round. */
export function placeName(home: Pick<MaterialHome, 'place' | 'programmeTitle' | 'cohortName' | 'startsAt'>, lang: Language): string {
  const programme = localized(home.programmeTitle, lang);
  if (home.place === 'programme') return programme;
  const round = `${programme}: ${cohortNameIn(home.cohortName!, lang)}`;
  return home.place === 'cohort' ? round : `${formatDate(home.startsAt!, lang, 'longDate')} – ${round}`;
}

/** The add form (no material) or the replace form of one material. */
export function materialForm(home: MaterialHome, material: MaterialItem | null, lang: Language, maxMegabytes: number, state: MaterialFormState) {
  const errors = state.errors ?? {};
  const own: Record<string, string> = material
    ? { titleFi: material.title.fi, titleSv: material.title.sv ?? '', titleEn: material.title.en ?? '', noteFi: material.note.fi ?? '', noteSv: material.note.sv ?? '', noteEn: material.note.en ?? '' }
    : {};
  const value = (field: string) => (state.body !== undefined ? fieldText(state.body, field) : (own[field] ?? ''));
  const fields = Object.fromEntries(FORM_TEXTS.map((field) => [field, { value: value(field), error: errors[field] ?? null }]));
  const heading = translate(lang, material ? 'materials.form.replaceHeading' : 'materials.form.addHeading');
  const known = new Set<string>([...FORM_TEXTS, 'file']);
  return {
    title: heading,
    heading,
    placeName: placeName(home, lang),
    action: material ? `/materials/${material.id}/replace` : addPath(home).replace(/\/new$/, ''),
    backHref: `${home.pagePath}#materials-${home.place}`,
    fields,
    fileError: errors.file ?? null,
    limit: translate(lang, 'files.form.limit', { max: maxMegabytes }),
    offerNotify: !material && home.place === 'session',
    notify: state.body !== undefined && fieldText(state.body, 'notify') === 'yes',
    replacing: !!material,
    versions: material ? material.versions.map((version) => ({ ...target(version, lang), version: version.version, createdAt: version.createdAt, addedBy: version.addedBy })) : [],
    errors: Object.keys(errors).length ? errors : null,
    otherErrors: Object.entries(errors)
      .filter(([field]) => !known.has(field))
      .map(([field, message]) => ({ field, message })),
    refusal: state.refusal ?? null,
  };
}

/** The weekday a session falls on, in Helsinki and the reader's language: "torstai", "torsdag", "Thursday". */
export function weekdayOf(date: Date, lang: Language): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { weekday: 'long', timeZone: DISPLAY_TIME_ZONE }).format(date);
}

/** The home page's next session's materials: "Materiaalit: torstai" and each latest version's link. */
export function nextSessionMaterials(startsAt: Date, items: MaterialItem[], lang: Language) {
  if (items.length === 0) return null;
  return {
    heading: translate(lang, 'materials.home.heading', { weekday: weekdayOf(startsAt, lang) }),
    items: items.map((item) => ({ title: localized(item.title, lang), ...target(item.versions[0], lang) })),
  };
}
