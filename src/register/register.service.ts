// The register of trained developers: everyone who completed a programme (in Verso, and the imported
// list from before it), by agency, with programme and year. Who sees whom is decided here alone:
// - anyone signed in sees the numbers per agency (a number names nobody), the people who chose
//   to be listed (the profile's setting) by their account's name, and their own rows;
// - an admin sees every name; an agency contact (AgencyContactsService) sees every name of their
//   own agency's rows, and may export them as CSV;
// - an imported row without an account is never shown by name to anyone else; an anonymised row
//   (the retention job) has no name left to show.
// Completions are read through enrolment's completion_listing, people through identity's
// register_person and person, programmes and rounds through catalogue's listings.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../access/capabilities';
import { FieldErrors, NotAllowed } from '../errors/domain-errors';
import { Language, localized, LocalizedText } from '../i18n/i18n';
import { cohortNameIn } from '../i18n/cohort-name';
import { AgencyContactsService } from './agency-contacts.service';

/** Named people per page of the register. */
export const REGISTER_PAGE_SIZE = 100;
/** Pages beyond this are refused as a bad filter (100,000 people by name is plenty). */
const MAX_PAGE = 1000;

export interface RegisterFilter {
  agencyId: string | null;
  programmeId: string | null;
  page: number;
}

/** How the viewer may see the register: everything (admin), their contact agencies' names, or the listed only. */
export interface RegisterScope {
  /** The viewer, who always sees their own rows by name (marked when others do not). */
  viewerId: string | null;
  admin: boolean;
  contactAgencyIds: string[];
}

export interface RegisterPerson {
  id: string;
  name: string;
  agencyId: string | null;
  agencyName: string | null;
  programme: string;
  year: number;
  source: 'verso' | 'imported';
  listed: boolean;
}

export interface AgencyCount {
  agencyId: string | null;
  agencyName: string | null;
  count: number;
}

export interface RegisterListing {
  people: RegisterPerson[];
  /** Everyone who completed, per agency (with the filter's programme), names or not. */
  counts: AgencyCount[];
  total: number;
  /** Of `total`, how many the viewer sees by name (all pages). */
  namedTotal: number;
  page: number;
  pages: number;
}

export interface RegisterCsvRow {
  name: string;
  email: string | null;
  programme: string;
  round: string | null;
  year: number;
  source: 'verso' | 'imported';
  listed: boolean;
}

export interface FilterOptions {
  agencies: { id: string; name: string }[];
  programmes: { id: string; title: string }[];
}

/**
 * Completions and imported rows as one list for the filter ($1 agency, $2 programme, either null).
 * A completion's year is YEAR_OF's, worked out only for the rows shown (a page, not 20,000).
 */
const ENTRIES = `
  SELECT 'verso' AS source, k.id, k.programme_id, k.agency_id, k.cohort_id, k.user_id, k.completed_at,
         NULL::int AS imported_year, NULL::text AS imported_name, NULL::text AS imported_email
    FROM completion_listing k
   WHERE ($1::uuid IS NULL OR k.agency_id = $1::uuid) AND ($2::uuid IS NULL OR k.programme_id = $2::uuid)
  UNION ALL
  SELECT 'imported', h.id, h.programme_id, h.agency_id, NULL, h.user_id, NULL, h.year, h.person_name, h.email
    FROM historical_completion h
   WHERE ($1::uuid IS NULL OR h.agency_id = $1::uuid) AND ($2::uuid IS NULL OR h.programme_id = $2::uuid)`;

/** The year of an entry `e` joined to its round `c`: the year its round's last session ended (Helsinki), or the completion's own; an imported row's year as given. */
const YEAR_OF = `coalesce(e.imported_year, extract(year FROM coalesce(c.ends_at, e.completed_at) AT TIME ZONE 'Europe/Helsinki')::int)`;

@Injectable()
export class RegisterService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly contacts: AgencyContactsService,
  ) {}

  async scopeOf(actor: Actor): Promise<RegisterScope> {
    return { viewerId: actor.id, admin: actor.siteRole === 'admin', contactAgencyIds: actor.siteRole === 'admin' ? [] : await this.contacts.agenciesOf(actor.id) };
  }

  /** The agencies and programmes the filter offers (every programme, drafts too: a completion may outlive a programme's listing). */
  async filterOptions(lang: Language, agencies: { id: string; name: string }[]): Promise<FilterOptions> {
    const programmes: { id: string; title: LocalizedText }[] = await this.dataSource.query(`SELECT id, title FROM programme_listing ORDER BY position, id`);
    return { agencies, programmes: programmes.map((p) => ({ id: p.id, title: localized(p.title, lang) })) };
  }

  /**
   * The register page: the filter's options, and for a good filter the listing and whether the
   * viewer may download the agency's CSV. A bad filter is refused per field (FieldErrors), nothing read.
   */
  async page(actor: Actor, query: Record<string, unknown>, options: FilterOptions, lang: Language): Promise<{ listing: RegisterListing; filter: RegisterFilter; mayExport: boolean }> {
    const filter = this.parseFilter(query, options);
    const scope = await this.scopeOf(actor);
    const listing = await this.listing(scope, filter, lang);
    const mayExport = filter.agencyId !== null && (scope.admin || scope.contactAgencyIds.includes(filter.agencyId));
    return { listing, filter, mayExport };
  }

  /**
   * Checks a filter from a query string: agency and programme are ids of the options (or empty),
   * page a whole number from 1. Refused per field.
   */
  parseFilter(query: Record<string, unknown>, options: FilterOptions): RegisterFilter {
    const errors: Record<string, string> = {};
    const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string).trim() : '');
    const agency = text('agency');
    const programme = text('programme');
    const page = text('page');
    if (agency && !options.agencies.some((a) => a.id === agency)) errors.agency = 'register.filter.agency.unknown';
    if (programme && !options.programmes.some((p) => p.id === programme)) errors.programme = 'register.filter.programme.unknown';
    if (page && !(/^[0-9]{1,4}$/.test(page) && Number(page) >= 1 && Number(page) <= MAX_PAGE)) errors.page = 'register.filter.page.bad';
    if (Object.keys(errors).length) throw new FieldErrors(errors);
    return { agencyId: agency || null, programmeId: programme || null, page: page ? Number(page) : 1 };
  }

  /** The register as the viewer (`scope`) may see it, for the filter: counts per agency, and the people they see by name, a page at a time. */
  async listing(scope: RegisterScope, filter: RegisterFilter, lang: Language): Promise<RegisterListing> {
    const params = [filter.agencyId, filter.programmeId];
    const countsQuery: Promise<{ agency_id: string | null; agency_name: string | null; count: number }[]> = this.dataSource.query(
      `SELECT e.agency_id, a.name AS agency_name, count(*)::int AS count
         FROM (SELECT k.agency_id FROM completion_listing k
                WHERE ($1::uuid IS NULL OR k.agency_id = $1::uuid) AND ($2::uuid IS NULL OR k.programme_id = $2::uuid)
               UNION ALL
               SELECT h.agency_id FROM historical_completion h
                WHERE ($1::uuid IS NULL OR h.agency_id = $1::uuid) AND ($2::uuid IS NULL OR h.programme_id = $2::uuid)) e
         LEFT JOIN agency_name a ON a.id = e.agency_id
        GROUP BY e.agency_id, a.name ORDER BY a.name NULLS LAST`,
      params,
    );
    const offset = (filter.page - 1) * REGISTER_PAGE_SIZE;
    // The page is chosen first (names and who may see them), then dressed with its programme, agency and year.
    const rowsQuery: Promise<(Omit<RegisterPerson, 'programme'> & { programmeTitle: LocalizedText; named: number })[]> = this.dataSource.query(
      `WITH entries AS (${ENTRIES}),
       shown AS (
         SELECT e.*, coalesce(o.listed_in_register AND o.status = 'active', false) AS listed,
                CASE WHEN o.status = 'erased' THEN e.imported_name ELSE coalesce(o.display_name, e.imported_name) END AS name
           FROM entries e LEFT JOIN register_person o ON o.id = e.user_id
          WHERE $3::boolean OR e.agency_id = ANY($4::uuid[]) OR (o.listed_in_register AND o.status = 'active') OR e.user_id = $6::uuid),
       page AS (
         SELECT s.*, count(*) OVER ()::int AS named FROM shown s WHERE s.name IS NOT NULL
          ORDER BY s.name, s.id LIMIT ${REGISTER_PAGE_SIZE} OFFSET $5)
       SELECT e.id, e.name, e.agency_id AS "agencyId", a.name AS "agencyName", p.title AS "programmeTitle", ${YEAR_OF} AS year, e.source, e.listed, e.named
         FROM page e LEFT JOIN cohort_listing c ON c.id = e.cohort_id JOIN programme_listing p ON p.id = e.programme_id
         LEFT JOIN agency_name a ON a.id = e.agency_id
        ORDER BY e.name, e.id`,
      [...params, scope.admin, scope.contactAgencyIds, offset, scope.viewerId],
    );
    // Two connections at once: the numbers and the page do not wait for each other.
    const [counts, rows] = await Promise.all([countsQuery, rowsQuery]);
    const namedTotal = rows[0]?.named ?? (offset > 0 ? await this.namedCount(params, scope) : 0);
    const total = counts.reduce((sum, row) => sum + row.count, 0);
    return {
      people: rows.map(({ programmeTitle, named: _named, ...row }) => ({ ...row, programme: localized(programmeTitle, lang) })),
      counts: counts.map((row) => ({ agencyId: row.agency_id, agencyName: row.agency_name, count: row.count })),
      total,
      namedTotal,
      page: filter.page,
      pages: Math.max(1, Math.ceil(namedTotal / REGISTER_PAGE_SIZE)),
    };
  }

  /** How many named rows there are, for a page past the last (which then shows none). */
  private async namedCount(params: (string | null)[], scope: RegisterScope): Promise<number> {
    const [{ named }]: { named: number }[] = await this.dataSource.query(
      `WITH entries AS (${ENTRIES})
       SELECT count(*)::int AS named FROM entries e LEFT JOIN register_person o ON o.id = e.user_id
        WHERE ($3::boolean OR e.agency_id = ANY($4::uuid[]) OR (o.listed_in_register AND o.status = 'active') OR e.user_id = $5::uuid)
          AND CASE WHEN o.status = 'erased' THEN e.imported_name ELSE coalesce(o.display_name, e.imported_name) END IS NOT NULL`,
      [...params, scope.admin, scope.contactAgencyIds, scope.viewerId],
    );
    return named;
  }

  /** Whether `actor` may export the agency's rows: admins any agency, an agency contact their own. */
  async mayExport(actor: Actor, agencyId: string): Promise<boolean> {
    if (actor.siteRole === 'admin') return true;
    return (await this.contacts.agenciesOf(actor.id)).includes(agencyId);
  }

  /** The CSV's filter: as the page's, with the agency required (FieldErrors otherwise). */
  async csvFilter(query: Record<string, unknown>, lang: Language): Promise<RegisterFilter> {
    const agencies: { id: string; name: string }[] = await this.dataSource.query(`SELECT id, name FROM agency_name`);
    const filter = this.parseFilter(query, await this.filterOptions(lang, agencies));
    if (!filter.agencyId) throw new FieldErrors({ agency: 'register.csv.agencyRequired' });
    return filter;
  }

  /**
   * One agency's rows for its CSV, every person by name, listed or not (anonymised rows have no
   * person left and are not in it). Refused (403) to anyone but admins and the agency's contacts.
   */
  async csvRows(actor: Actor, filter: RegisterFilter, lang: Language): Promise<{ agencyName: string; rows: RegisterCsvRow[] }> {
    if (!filter.agencyId) throw new FieldErrors({ agency: 'register.csv.agencyRequired' });
    if (!(await this.mayExport(actor, filter.agencyId))) throw new NotAllowed('register.csv.notAllowed');
    const [{ name: agencyName }]: { name: string }[] = await this.dataSource.query(`SELECT name FROM agency_name WHERE id = $1`, [filter.agencyId]);
    const rows: (Omit<RegisterCsvRow, 'programme' | 'round'> & { programmeTitle: LocalizedText; cohortName: string | null })[] = await this.dataSource.query(
      `WITH entries AS (${ENTRIES})
       SELECT CASE WHEN u.status = 'erased' THEN e.imported_name ELSE coalesce(u.display_name, e.imported_name) END AS name,
              CASE WHEN u.status = 'erased' THEN e.imported_email ELSE coalesce(u.email, e.imported_email) END AS email,
              p.title AS "programmeTitle", c.name AS "cohortName", ${YEAR_OF} AS year, e.source,
              coalesce(u.listed_in_register AND u.status = 'active', false) AS listed
         FROM entries e
         LEFT JOIN (SELECT r.id, r.display_name, r.status, r.listed_in_register, pe.email FROM register_person r JOIN person pe ON pe.id = r.id) u ON u.id = e.user_id
         JOIN programme_listing p ON p.id = e.programme_id LEFT JOIN cohort_listing c ON c.id = e.cohort_id
        WHERE e.user_id IS NOT NULL OR e.imported_name IS NOT NULL
        ORDER BY 1, 5, e.id`,
      [filter.agencyId, filter.programmeId],
    );
    return {
      agencyName,
      rows: rows
        .filter((row) => row.name !== null)
        .map(({ programmeTitle, cohortName, ...row }) => ({ ...row, programme: localized(programmeTitle, lang), round: cohortName ? cohortNameIn(cohortName, lang) : null })),
    };
  }
}
