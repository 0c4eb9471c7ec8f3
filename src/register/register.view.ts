// What the register's pages show (register.controller.ts, register-import.controller.ts,
// privacy.controller.ts): the register with its filter, the numbers per agency and the people the
// viewer sees by name; its CSV; the import form and its preview; the privacy page.
import { spreadsheetCell, spreadsheetCsv } from '../web/spreadsheet';
import { Language, translate } from '../i18n/i18n';
import { FieldMessages, translateMessage } from '../web/forms';
import { ImportPreview } from './register-import.service';
import { FilterOptions, RegisterCsvRow, RegisterFilter, RegisterListing } from './register.service';

/** The filter as typed (a refused one kept), its messages translated. */
export interface FilterInput {
  agency: string;
  programme: string;
}

function hrefOf(filter: { agency?: string | null; programme?: string | null; page?: number }): string {
  const params = new URLSearchParams();
  if (filter.agency) params.set('agency', filter.agency);
  if (filter.programme) params.set('programme', filter.programme);
  if (filter.page && filter.page > 1) params.set('page', String(filter.page));
  const query = params.toString();
  return query ? `/developers?${query}` : '/developers';
}

export function developersPage(
  lang: Language,
  input: FilterInput,
  options: FilterOptions,
  ownAgency: { id: string; name: string } | null,
  result: { listing: RegisterListing; filter: RegisterFilter; mayExport: boolean } | { errors: FieldMessages },
) {
  const errors = 'errors' in result ? result.errors : null;
  const base = {
    title: translate(lang, 'register.title'),
    errors,
    filter: {
      agencies: options.agencies.map((a) => ({ value: a.id, label: a.name, selected: a.id === input.agency })),
      programmes: options.programmes.map((p) => ({ value: p.id, label: p.title, selected: p.id === input.programme })),
    },
    ownAgency: ownAgency && ownAgency.id !== input.agency ? { name: ownAgency.name, href: hrefOf({ agency: ownAgency.id, programme: input.programme || null }) } : null,
    filtered: Boolean(input.agency || input.programme),
  };
  if ('errors' in result) return { ...base, listing: null };
  const { listing, filter, mayExport } = result;
  const agencyLabel = (name: string | null) => name ?? translate(lang, 'register.noAgency');
  return {
    ...base,
    listing: {
      total: listing.total,
      summary: translate(lang, 'register.summary', { total: listing.total, named: listing.namedTotal }),
      counts: listing.counts.map((row) => ({ agency: agencyLabel(row.agencyName), count: row.count })),
      people: listing.people.map((person) => ({
        ...person,
        agency: agencyLabel(person.agencyName),
        sourceLabel: translate(lang, `register.source.${person.source}`),
        notListed: !person.listed,
      })),
      page: listing.page,
      pages: listing.pages,
      paginated: listing.pages > 1,
      pageLabel: translate(lang, 'register.page', { page: listing.page, pages: listing.pages }),
      previousHref: listing.page > 1 ? hrefOf({ agency: filter.agencyId, programme: filter.programmeId, page: Math.min(listing.page - 1, listing.pages) }) : null,
      nextHref: listing.page < listing.pages ? hrefOf({ agency: filter.agencyId, programme: filter.programmeId, page: listing.page + 1 }) : null,
      csvHref: mayExport && filter.agencyId ? `/developers.csv?${new URLSearchParams({ agency: filter.agencyId, ...(filter.programmeId ? { programme: filter.programmeId } : {}) })}` : null,
    },
  };
}

export function registerCsv(rows: RegisterCsvRow[], lang: Language): string {
  const header = ['name', 'email', 'programme', 'round', 'year', 'source', 'listed'].map((column) => translate(lang, `register.csv.${column}`));
  const body = rows.map((row) => [
    spreadsheetCell(row.name),
    spreadsheetCell(row.email ?? ''),
    spreadsheetCell(row.programme),
    spreadsheetCell(row.round ?? ''),
    String(row.year),
    translate(lang, `register.source.${row.source}`),
    translate(lang, row.listed ? 'register.csv.yes' : 'register.csv.no'),
  ]);
  return spreadsheetCsv([header, ...body]);
}

/** The import form (empty, or with its text and a fault of the whole file), or the preview of a file. */
export function importPage(lang: Language, text: string, preview: ImportPreview | null, extra: { errors?: FieldMessages; imported?: number | null } = {}) {
  // The form has one field: any message (an empty text, a field it does not have) is about it.
  const fileError = preview?.fileError ? translateMessage(lang, preview.fileError) : (Object.values(extra.errors ?? {})[0] ?? null);
  const rows = preview && !preview.fileError ? preview.rows : [];
  return {
    title: translate(lang, 'register.import.title'),
    text,
    fileError,
    imported: extra.imported ? translate(lang, 'register.import.done', { count: extra.imported }) : null,
    preview:
      preview && !preview.fileError
        ? {
            rowCount: rows.length,
            errorCount: preview.errorCount,
            summary:
              preview.errorCount > 0
                ? translate(lang, 'register.import.preview.hasErrors', { errors: preview.errorCount, rows: rows.length })
                : translate(lang, 'register.import.preview.allGood', { rows: rows.length }),
            mayConfirm: preview.errorCount === 0 && rows.length > 0,
            rows: rows.map((row) => ({ ...row, errors: row.errors.map((error) => translateMessage(lang, error)), hasErrors: row.errors.length > 0 })),
          }
        : null,
  };
}

export function privacyPage(lang: Language, retentionYears: number) {
  return {
    title: translate(lang, 'privacy.title'),
    retention: translate(lang, 'privacy.register.retention', { years: retentionYears }),
  };
}
