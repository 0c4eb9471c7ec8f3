// Importing the network's historical list of trained developers (Kaiku 2002–2018) into the register:
// a CSV with the header `name,email,agency,programme,year`. `preview` checks every row and says
// what is wrong with each; `confirm` checks the same text again and imports all of it in one
// transaction, or nothing when any row is wrong (a row already imported by then is wrong too).
// An agency is matched by its name (case does not matter); a programme by its slug or its title in
// Finnish, Swedish or English. A row whose address belongs to a confirmed account is linked to it
// at once; the others when someone confirms that address (the 'user.email-verified' event).
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { withValues } from '../errors/domain-errors';
import { DomainEvents } from '../events/domain-events';
import { LocalizedText } from '../i18n/i18n';
import { UserService } from '../identity/user.service';
import { parseCsv } from './csv-text';

export const IMPORT_HEADER = ['name', 'email', 'agency', 'programme', 'year'] as const;
/** Rows per file: the old list has a few thousand; more is surely a wrong file. */
export const MAX_IMPORT_ROWS = 20_000;
const FIRST_YEAR = 1990;
const EMAIL = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>"]+$/;

export interface ImportRow {
  /** The row's line in the file, counting the header as 1. */
  line: number;
  name: string;
  email: string;
  agency: string;
  programme: string;
  year: string;
  /** Message keys (maybe withValues); none: the row will be imported. */
  errors: string[];
}

export interface ImportPreview {
  /** A fault of the whole file (wrong header, empty, too long): no rows then. */
  fileError: string | null;
  rows: ImportRow[];
  errorCount: number;
}

interface CheckedRow {
  row: ImportRow;
  agencyId: string | null;
  programmeId: string | null;
}

@Injectable()
export class RegisterImportService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly users: UserService,
  ) {}

  onModuleInit() {
    this.events.on('user.email-verified', async ({ userId, email }, manager) => {
      await this.matchAccount(manager, userId, email);
    });
    // An erased person's imported rows keep only the numbers, as the retention job leaves them.
    this.events.on('user.leaving', async ({ userId, reason }, manager) => {
      if (reason !== 'erased') return;
      await manager.query(
        `UPDATE historical_completion SET person_name = NULL, email = NULL, user_id = NULL, anonymised_at = now() WHERE user_id = $1 AND anonymised_at IS NULL`,
        [userId],
      );
    });
  }

  /** Every row of the text with what is wrong with it; changes nothing. */
  async preview(text: string, now: Date = new Date()): Promise<ImportPreview> {
    const { fileError, checked } = await this.check(this.dataSource.manager, text, now);
    return { fileError, rows: checked.map((c) => c.row), errorCount: checked.filter((c) => c.row.errors.length > 0).length };
  }

  /**
   * Imports the text when every row is right: all rows in one transaction, under a lock that makes
   * two imports at once take turns (so they cannot both add one person). Otherwise imports nothing
   * and answers the preview that says why.
   */
  async confirm(actorUserId: string, text: string, now: Date = new Date()): Promise<{ imported: number } | { refused: ImportPreview }> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('register-import'))`);
      const { fileError, checked } = await this.check(manager, text, now);
      const errorCount = checked.filter((c) => c.row.errors.length > 0).length;
      if (fileError || errorCount > 0 || checked.length === 0) {
        return { refused: { fileError: fileError ?? (checked.length === 0 ? 'register.import.file.empty' : null), rows: checked.map((c) => c.row), errorCount } };
      }
      const importId = randomUUID();
      const inserted: unknown[] = await manager.query(
        `INSERT INTO historical_completion (person_name, email, agency_id, programme_id, year, user_id, imported_by_id, import_id)
         SELECT r.name, r.email, r.agency_id, r.programme_id, r.year,
                (SELECT p.id FROM person p WHERE lower(p.email) = r.email AND p.email_verified_at IS NOT NULL AND p.status = 'active'), $7::uuid, $8::uuid
           FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[], $5::int[], $6::int[]) AS r(name, email, agency_id, programme_id, year, line)
          ORDER BY r.line
         RETURNING id`,
        [
          checked.map((c) => c.row.name),
          checked.map((c) => c.row.email.toLowerCase()),
          checked.map((c) => c.agencyId),
          checked.map((c) => c.programmeId),
          checked.map((c) => Number(c.row.year)),
          checked.map((c) => c.row.line),
          actorUserId,
          importId,
        ],
      );
      await this.users.audit(manager, { actorUserId, action: 'register.imported', targetType: 'historical_import', targetId: importId, details: { rows: inserted.length } });
      return { imported: inserted.length };
    });
  }

  /** Links the person's unmatched imported rows to their account, by the address they just confirmed. */
  async matchAccount(manager: EntityManager, userId: string, email: string): Promise<number> {
    const [, count]: [unknown, number] = await manager.query(
      `UPDATE historical_completion SET user_id = $1 WHERE user_id IS NULL AND email = lower($2) AND anonymised_at IS NULL`,
      [userId, email],
    );
    return count;
  }

  private async check(manager: EntityManager, text: string, now: Date): Promise<{ fileError: string | null; checked: CheckedRow[] }> {
    const parsed = parseCsv(text);
    if (parsed === null) return { fileError: 'register.import.file.unreadable', checked: [] };
    const records = parsed.filter((record) => record.some((cell) => cell.trim() !== ''));
    if (records.length === 0) return { fileError: 'register.import.file.empty', checked: [] };
    const header = records[0].map((cell) => cell.trim().replace(/^\uFEFF/, '').toLowerCase());
    if (header.length !== IMPORT_HEADER.length || header.some((cell, i) => cell !== IMPORT_HEADER[i])) {
      return { fileError: withValues('register.import.file.header', { expected: IMPORT_HEADER.join(','), found: header.join(',').slice(0, 200) }), checked: [] };
    }
    if (records.length - 1 > MAX_IMPORT_ROWS) return { fileError: withValues('register.import.file.tooLong', { max: MAX_IMPORT_ROWS }), checked: [] };

    const agencies = await this.agencyNames(manager);
    const programmes = await this.programmeNames(manager);
    const thisYear = Number(new Intl.DateTimeFormat('en', { timeZone: 'Europe/Helsinki', year: 'numeric' }).format(now));
    const seen = new Map<string, number>();
    const checked: CheckedRow[] = records.slice(1).map((cells, index) => {
      const [name = '', email = '', agency = '', programme = '', year = ''] = cells.map((cell) => cell.trim());
      const row: ImportRow = { line: index + 2, name, email, agency, programme, year, errors: [] };
      if (cells.length !== IMPORT_HEADER.length) row.errors.push(withValues('register.import.row.columns', { expected: IMPORT_HEADER.length, found: cells.length }));
      if (!name) row.errors.push('register.import.row.nameMissing');
      else if (name.length > 200) row.errors.push('register.import.row.nameTooLong');
      if (!email) row.errors.push('register.import.row.emailMissing');
      else if (!EMAIL.test(email) || email.length > 254) row.errors.push('register.import.row.emailBad');
      const agencyId = agencies.get(agency.toLocaleLowerCase('fi')) ?? null;
      if (!agency) row.errors.push('register.import.row.agencyMissing');
      else if (!agencyId) row.errors.push('register.import.row.agencyUnknown');
      const programmeId = programmes.get(programme.toLocaleLowerCase('fi')) ?? null;
      if (!programme) row.errors.push('register.import.row.programmeMissing');
      else if (!programmeId) row.errors.push('register.import.row.programmeUnknown');
      if (!/^[0-9]{4}$/.test(year) || Number(year) < FIRST_YEAR || Number(year) > thisYear) {
        row.errors.push(withValues('register.import.row.yearBad', { first: FIRST_YEAR, last: thisYear }));
      }
      if (programmeId && EMAIL.test(email)) {
        const key = `${programmeId} ${email.toLowerCase()}`;
        const first = seen.get(key);
        if (first !== undefined) row.errors.push(withValues('register.import.row.duplicate', { line: first }));
        else seen.set(key, row.line);
      }
      return { row, agencyId, programmeId };
    });
    await this.markAlreadyInRegister(manager, checked);
    return { fileError: null, checked };
  }

  /** A person and programme already imported (the unique index would refuse the row) is an error of the row. */
  private async markAlreadyInRegister(manager: EntityManager, checked: CheckedRow[]): Promise<void> {
    const candidates = checked.filter((c) => c.programmeId && EMAIL.test(c.row.email));
    if (candidates.length === 0) return;
    const existing: { programme_id: string; email: string }[] = await manager.query(
      `SELECT h.programme_id, h.email FROM historical_completion h
         JOIN unnest($1::uuid[], $2::text[]) AS r(programme_id, email) ON h.programme_id = r.programme_id AND h.email = r.email`,
      [candidates.map((c) => c.programmeId), candidates.map((c) => c.row.email.toLowerCase())],
    );
    const taken = new Set(existing.map((row) => `${row.programme_id} ${row.email}`));
    for (const c of candidates) if (taken.has(`${c.programmeId} ${c.row.email.toLowerCase()}`)) c.row.errors.push('register.import.row.alreadyImported');
  }

  /** Agencies by name, lower case. */
  private async agencyNames(manager: EntityManager): Promise<Map<string, string>> {
    const rows: { id: string; name: string }[] = await manager.query(`SELECT id, name FROM agency_name`);
    return new Map(rows.map((row) => [row.name.trim().toLocaleLowerCase('fi'), row.id]));
  }

  /** Programmes by slug and by each title, lower case; a title two programmes share matches neither. */
  private async programmeNames(manager: EntityManager): Promise<Map<string, string>> {
    const rows: { id: string; slug: string; title: LocalizedText }[] = await manager.query(`SELECT id, slug, title FROM programme_listing`);
    const names = new Map<string, string | null>();
    const add = (name: string | undefined, id: string) => {
      if (!name?.trim()) return;
      const key = name.trim().toLocaleLowerCase('fi');
      names.set(key, names.has(key) && names.get(key) !== id ? null : id);
    };
    for (const row of rows) {
      add(row.slug, row.id);
      for (const title of Object.values(row.title ?? {})) add(title as string, row.id);
    }
    return new Map([...names].filter((entry): entry is [string, string] => entry[1] !== null));
  }
}
