// The toolkit library's rules: who sees which entry (published ones everyone, a pending or declined
// case its submitter and the admins only), the library's filter and search, admins' curation of
// entries with their links and files, and cases from the field: submitted pending with their files
// in one transaction, approved or declined by an admin, the submitter told by mail in the same
// transaction as the decision.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, can, Capability } from '../access/capabilities';
import { mustHaveVerifiedEmail } from '../access/email-verified';
import { checkedId, constraintRefusal, FieldErrors, NotAllowed, NotFound, Refused, withValues } from '../errors/domain-errors';
import { FileOwner, FilesService } from '../files/files.service';
import { StoredFile } from '../files/stored-file.entity';
import { Language, LANGUAGES } from '../i18n/i18n';
import { NotificationsService } from '../notifications/notifications.service';
import { matchesAny, queryParameter, typedQueries } from '../search/search-sql';
import { SearchVocabulary } from '../search/search-vocabulary.service';
import { TOOLKIT_KINDS, TOOLKIT_THEMES, ToolkitKind, ToolkitStatus, ToolkitTheme } from './toolkit-entry.entity';
import { TOOLKIT_CASE_DECIDED, ToolkitCaseDecidedMail } from './toolkit.notifications';
import { WEB_LINK_MAX, webLinkProblem } from '../web/web-link';

/** The owner kind of an entry's files (stored_file.owner_kind). */
export const TOOLKIT_FILE_OWNER = 'toolkit';
export const MAX_CASE_FILES = 5;
export const MAX_CASE_LINKS = 3;
export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 20_000;
export const NOTE_MAX = 2_000;
export const LINK_LABEL_MAX = 200;
/** The library shows this many at most; the network's tools are dozens, not thousands. */
const LIST_LIMIT = 200;

/** Text per language; any one language is enough (a case is written in its teller's language). */
export type ToolkitText = Partial<Record<Language, string>>;

export interface ToolkitFilter {
  kind: ToolkitKind | null;
  theme: ToolkitTheme | null;
  /** Words to look for in the titles and descriptions, in any language; '' for none. */
  words: string;
}

export interface ToolkitLinkRow {
  id: string;
  url: string;
  label: string | null;
  position: number;
}

export interface ToolkitEntryRow {
  id: string;
  kind: ToolkitKind;
  themes: ToolkitTheme[];
  title: ToolkitText;
  description: ToolkitText;
  status: ToolkitStatus;
  submittedBy: string | null;
  submitterName: string | null;
  reviewNote: string | null;
  reviewedAt: Date | null;
  position: number;
  createdAt: Date;
}

export interface ToolkitEntryDetail extends ToolkitEntryRow {
  links: ToolkitLinkRow[];
  files: StoredFile[];
}

/** What an admin writes of an entry. */
export interface EntryInput {
  kind: ToolkitKind;
  themes: ToolkitTheme[];
  title: ToolkitText;
  description: ToolkitText;
  position: number;
}

/** What a person tells of their experiment. */
export interface CaseInput {
  title: string;
  description: string;
  themes: ToolkitTheme[];
  links: string[];
}

/** One file of a multipart form as @fastify/multipart gives it. */
export interface UploadPart {
  file: Readable;
  filename: string;
  mimetype: string;
}

const ENTRY_COLUMNS = `e.id, e.kind, e.themes, e.title, e.description, e.status, e.submitted_by AS "submittedBy", p.display_name AS "submitterName",
  e.review_note AS "reviewNote", e.reviewed_at AS "reviewedAt", e.position, e.created_at AS "createdAt"`;
const ENTRY_FROM = `toolkit_entry e LEFT JOIN person p ON p.id = e.submitted_by`;
/** The library's order: by kind as TOOLKIT_KINDS lists them, then as admins placed them, then by age. */
const LIBRARY_ORDER = `array_position($1::text[], e.kind), e.position, e.created_at, e.id`;

export const isKind = (value: unknown): value is ToolkitKind => typeof value === 'string' && (TOOLKIT_KINDS as readonly string[]).includes(value);
export const isTheme = (value: unknown): value is ToolkitTheme => typeof value === 'string' && (TOOLKIT_THEMES as readonly string[]).includes(value);

/** A LIKE pattern that finds `words` as they are written: %, _ and \ match only themselves. */
export function containsPattern(words: string): string {
  return `%${words.replace(/[\\%_]/g, '\\$&')}%`;
}

/** The field's message for a link that is not a web address people can open; null when it is one. */
export function linkProblem(url: string): string | null {
  const problem = webLinkProblem(url);
  if (problem === 'tooLong') return withValues('toolkit.link.tooLong', { max: WEB_LINK_MAX });
  return problem ? 'toolkit.link.web' : null;
}

/** The entry's text in the reader's language, else Finnish, else any language it has. */
export function textIn(text: ToolkitText | null | undefined, lang: Language): string {
  if (!text) return '';
  return text[lang] || text.fi || LANGUAGES.map((other) => text[other]).find((value) => !!value) || '';
}

@Injectable()
export class ToolkitService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly files: FilesService,
    private readonly notifications: NotificationsService,
    private readonly vocabulary: SearchVocabulary,
  ) {}

  /** The filter a query string asks for; FieldErrors for a kind or theme the library does not have. */
  filterOf(query: Record<string, unknown>): ToolkitFilter {
    const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string).trim() : '');
    const errors: Record<string, string> = {};
    const kind = text('kind');
    const theme = text('theme');
    if (kind && !isKind(kind)) errors.kind = 'toolkit.filter.kind.unknown';
    if (theme && !isTheme(theme)) errors.theme = 'toolkit.filter.theme.unknown';
    if (Object.keys(errors).length) throw new FieldErrors(errors);
    return { kind: (kind || null) as ToolkitKind | null, theme: (theme || null) as ToolkitTheme | null, words: text('q') };
  }

  /**
   * The published entries the filter finds, in the library's order. The words are found as written
   * anywhere in a text (a part of a word, "100 %"), or as search finds them (search/search-sql.ts:
   * "työkalu" finds "itsearviointityökalut").
   */
  async published(filter: ToolkitFilter): Promise<ToolkitEntryRow[]> {
    // The typed words analysed as a text's are, so an inflected one is found by its base form.
    const words = filter.words ? queryParameter({ typed: filter.words, analysed: this.vocabulary.analyseTyped(filter.words) }) : null;
    return this.dataSource.query(
      `WITH q AS (${typedQueries('$5')})
       SELECT ${ENTRY_COLUMNS} FROM ${ENTRY_FROM} CROSS JOIN q
        WHERE e.status = 'published'
          AND ($2::text IS NULL OR e.kind = $2)
          AND ($3::text IS NULL OR $3 = ANY (e.themes))
          AND ($4::text IS NULL OR ${matchesAny('e.search')} OR EXISTS (
                SELECT 1 FROM (SELECT value FROM jsonb_each_text(e.title) UNION ALL SELECT value FROM jsonb_each_text(e.description)) AS texts
                 WHERE texts.value ILIKE $4))
        ORDER BY ${LIBRARY_ORDER} LIMIT ${LIST_LIMIT}`,
      [TOOLKIT_KINDS, filter.kind, filter.theme, filter.words ? containsPattern(filter.words) : null, words],
    );
  }

  /** The published entries the filter finds, each with its links and files (the API's list). */
  async publishedWithParts(filter: ToolkitFilter): Promise<ToolkitEntryDetail[]> {
    const rows = await this.published(filter);
    const ids = rows.map((row) => row.id);
    const [links, files]: [(ToolkitLinkRow & { entry_id: string })[], Map<string, StoredFile[]>] = await Promise.all([
      ids.length ? this.dataSource.query(`SELECT id, entry_id, url, label, position FROM toolkit_link WHERE entry_id = ANY ($1::uuid[]) ORDER BY position, id`, [ids]) : [],
      this.files.ownedByEach(TOOLKIT_FILE_OWNER, ids),
    ]);
    return rows.map((row) => ({
      ...row,
      links: links.filter((link) => link.entry_id === row.id).map(({ id, url, label, position }) => ({ id, url, label, position })),
      files: files.get(row.id) ?? [],
    }));
  }

  /**
   * One entry with its links and files, if the viewer may see it: a published one anyone; a pending
   * or declined case its submitter and admins. Others get NotFound, a guest NotAllowed (to sign in).
   */
  async entry(viewer: Actor | null, id: string): Promise<ToolkitEntryDetail> {
    const row = await this.row(this.dataSource.manager, id);
    if (!row || !mayRead(viewer, row)) {
      if (row && !viewer) throw new NotAllowed();
      throw new NotFound();
    }
    return this.detailOf(row);
  }

  /** The rule for the entry's files (FileAccessRules): as for the entry; NotFound for an unknown one. */
  async mayReadFiles(viewer: Actor | null, id: string): Promise<boolean> {
    const row = await this.row(this.dataSource.manager, id);
    if (!row) throw new NotFound();
    if (mayRead(viewer, row)) return true;
    if (viewer) throw new NotFound();
    return false;
  }

  /** The cases a person submitted, newest first, with their outcome. */
  async casesOf(actor: Actor): Promise<ToolkitEntryRow[]> {
    return this.dataSource.query(`SELECT ${ENTRY_COLUMNS} FROM ${ENTRY_FROM} WHERE e.submitted_by = $1 ORDER BY e.created_at DESC, e.id`, [actor.id]);
  }

  // ---------------------------------------------------------------------------------------------
  // Cases from the field.

  /** Checks a case's fields (all at once, so the form shows every message); the service's own rule. */
  caseProblems(input: CaseInput): Record<string, string> | null {
    const errors: Record<string, string> = {};
    if (!input.title.trim()) errors.title = 'toolkit.case.title.required';
    else if (input.title.length > TITLE_MAX) errors.title = withValues('toolkit.title.tooLong', { max: TITLE_MAX });
    if (input.description.length > DESCRIPTION_MAX) errors.description = withValues('toolkit.description.tooLong', { max: DESCRIPTION_MAX });
    if (!input.themes.every(isTheme)) errors.themes = 'toolkit.themes.unknown';
    input.links.forEach((link, index) => {
      const problem = link ? linkProblem(link) : null;
      if (problem) errors[`link${index + 1}`] = problem;
    });
    if (input.links.length > MAX_CASE_LINKS) errors.links = withValues('toolkit.case.links.tooMany', { max: MAX_CASE_LINKS });
    return Object.keys(errors).length ? errors : null;
  }

  /**
   * Stores a case pending, with its links and files, in one transaction: a refused file (by its
   * content, its size, a sixth one) leaves no entry and no file. Returns the entry's id.
   */
  async submitCase(actor: Actor, input: CaseInput, lang: Language, uploads: AsyncIterable<UploadPart>): Promise<string> {
    mustHaveVerifiedEmail(actor);
    const problems = this.caseProblems(input);
    if (problems) throw new FieldErrors(problems);
    // The words first, so the entry's search vector has their base forms and parts (search/search-vocabulary.service.ts).
    await this.vocabulary.learn([input.title, input.description]);
    return this.dataSource.transaction(async (manager) => {
      const [{ id }]: { id: string }[] = await manager.query(
        `INSERT INTO toolkit_entry (kind, themes, title, description, status, submitted_by) VALUES ('case_example', $1, $2, $3, 'pending', $4) RETURNING id`,
        [[...new Set(input.themes)], { [lang]: input.title.trim() }, input.description.trim() ? { [lang]: input.description.trim() } : {}, actor.id],
      );
      const links = input.links.filter((link) => link.trim());
      for (const [index, url] of links.entries()) {
        await manager.query(`INSERT INTO toolkit_link (entry_id, url, position) VALUES ($1, $2, $3)`, [id, url.trim(), index]);
      }
      await this.storeUploads(manager, actor, { kind: TOOLKIT_FILE_OWNER, id }, uploads, MAX_CASE_FILES, 0);
      return id;
    });
  }

  /** Uploads each file of the form to `owner` (a part without a name is an empty file input, skipped). */
  private async storeUploads(manager: EntityManager, actor: Actor, owner: FileOwner, uploads: AsyncIterable<UploadPart>, max: number, firstPosition: number): Promise<number> {
    let stored = 0;
    try {
      for await (const upload of uploads) {
        if (!upload.filename) {
          upload.file.resume();
          continue;
        }
        if (stored >= max) {
          upload.file.resume();
          throw new FieldErrors({ files: withValues('toolkit.files.tooMany', { max }) });
        }
        await this.files.upload(actor, upload.file, upload.filename, upload.mimetype, owner, { manager, position: firstPosition + stored });
        stored++;
      }
    } catch (error) {
      if (error instanceof FieldErrors && error.fields.file) throw new FieldErrors({ files: error.fields.file });
      // More files than a request may carry (web/multipart.ts): the parser stops at the limit.
      if ((error as { code?: string }).code === 'FST_FILES_LIMIT') throw new FieldErrors({ files: withValues('toolkit.files.tooMany', { max }) });
      throw error;
    }
    return stored;
  }

  /** The cases waiting for a decision, oldest first. */
  async pending(): Promise<ToolkitEntryRow[]> {
    return this.dataSource.query(`SELECT ${ENTRY_COLUMNS} FROM ${ENTRY_FROM} WHERE e.status = 'pending' ORDER BY e.created_at, e.id`);
  }

  /** How many cases wait for a decision (the admins' overview). */
  async pendingCount(): Promise<number> {
    const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count FROM toolkit_entry WHERE status = 'pending'`);
    return count;
  }

  /** Takes a pending case into the library; its submitter is told by mail. */
  async approve(actor: Actor, id: string): Promise<void> {
    mustCurate(actor);
    await this.decide(actor, id, 'published', null);
  }

  /** Declines a pending case with a note its submitter reads in the mail and on their list. */
  async decline(actor: Actor, id: string, note: string): Promise<void> {
    mustCurate(actor);
    const text = note.trim();
    if (!text) throw new FieldErrors({ body: 'toolkit.review.note.required' });
    if (text.length > NOTE_MAX) throw new FieldErrors({ body: withValues('toolkit.review.note.tooLong', { max: NOTE_MAX }) });
    await this.decide(actor, id, 'rejected', text);
  }

  private async decide(actor: Actor, id: string, status: 'published' | 'rejected', note: string | null): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // An UPDATE's answer is [rows, count].
      const [[decided]]: [{ id: string; submitted_by: string | null; title: ToolkitText }[], number] = await manager.query(
        `UPDATE toolkit_entry SET status = $2, review_note = $3, reviewed_by = $4, reviewed_at = now(), updated_at = now()
          WHERE id = $1 AND status = 'pending' RETURNING id, submitted_by, title`,
        [checkedId(id), status, note, actor.id],
      );
      if (!decided) {
        if (await this.row(manager, id)) throw new Refused('toolkit.review.notPending');
        throw new NotFound();
      }
      if (!decided.submitted_by) return;
      const [person]: { id: string; email: string; display_name: string; language: Language; status: string }[] = await manager.query(
        `SELECT id, email, display_name, language, status FROM person WHERE id = $1`,
        [decided.submitted_by],
      );
      if (!person || person.status !== 'active') return;
      const payload: ToolkitCaseDecidedMail = { entryId: decided.id, title: textIn(decided.title, person.language), approved: status === 'published', note };
      await this.notifications.notify(
        TOOLKIT_CASE_DECIDED,
        { userId: person.id, email: person.email, name: person.display_name, language: person.language },
        payload,
        { manager, key: `toolkit-case-decided-${decided.id}` },
      );
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Curation.

  /** Every entry for the admins' list: the library's order, cases waiting and declined among them. */
  async all(): Promise<ToolkitEntryRow[]> {
    return this.dataSource.query(`SELECT ${ENTRY_COLUMNS} FROM ${ENTRY_FROM} ORDER BY ${LIBRARY_ORDER}`, [TOOLKIT_KINDS]);
  }

  /** An entry for its admin page, whatever its status. */
  async forCuration(actor: Actor, id: string): Promise<ToolkitEntryDetail> {
    mustCurate(actor);
    const row = await this.row(this.dataSource.manager, id);
    if (!row) throw new NotFound();
    return this.detailOf(row);
  }

  entryProblems(input: EntryInput): Record<string, string> | null {
    const errors: Record<string, string> = {};
    if (!isKind(input.kind)) errors.kind = 'toolkit.kindField.unknown';
    if (!input.themes.every(isTheme)) errors.themes = 'toolkit.themes.unknown';
    if (!LANGUAGES.some((lang) => input.title[lang]?.trim())) errors[`title.fi`] = 'toolkit.title.required';
    for (const lang of LANGUAGES) {
      if ((input.title[lang] ?? '').length > TITLE_MAX) errors[`title.${lang}`] = withValues('toolkit.title.tooLong', { max: TITLE_MAX });
      if ((input.description[lang] ?? '').length > DESCRIPTION_MAX) errors[`description.${lang}`] = withValues('toolkit.description.tooLong', { max: DESCRIPTION_MAX });
    }
    if (!Number.isInteger(input.position) || input.position < 0 || input.position > 10_000) errors.position = 'toolkit.position.invalid';
    return Object.keys(errors).length ? errors : null;
  }

  /** An admin's own entry: published at once. */
  async create(actor: Actor, input: EntryInput): Promise<string> {
    mustCurate(actor);
    this.mustBeValid(input);
    await this.vocabulary.learn([input.title, input.description]);
    try {
      const [{ id }]: { id: string }[] = await this.dataSource.query(
        `INSERT INTO toolkit_entry (kind, themes, title, description, status, position) VALUES ($1, $2, $3, $4, 'published', $5) RETURNING id`,
        [input.kind, [...new Set(input.themes)], compact(input.title), compact(input.description), input.position],
      );
      return id;
    } catch (error) {
      throw constraintRefusal(error, ENTRY_CONSTRAINTS);
    }
  }

  async update(actor: Actor, id: string, input: EntryInput): Promise<void> {
    mustCurate(actor);
    this.mustBeValid(input);
    await this.vocabulary.learn([input.title, input.description]);
    try {
      const result: [unknown[], number] = await this.dataSource.query(
        `UPDATE toolkit_entry SET kind = $2, themes = $3, title = $4, description = $5, position = $6, updated_at = now() WHERE id = $1`,
        [checkedId(id), input.kind, [...new Set(input.themes)], compact(input.title), compact(input.description), input.position],
      );
      if (result[1] === 0) throw new NotFound();
    } catch (error) {
      throw constraintRefusal(error, ENTRY_CONSTRAINTS);
    }
  }

  /** Removes an entry with its links and its files, together. */
  async remove(actor: Actor, id: string): Promise<void> {
    mustCurate(actor);
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.row(manager, id, true))) throw new NotFound();
      for (const file of await this.files.ownedBy({ kind: TOOLKIT_FILE_OWNER, id }, manager)) await this.files.remove(file.id, manager);
      await manager.query(`DELETE FROM toolkit_entry WHERE id = $1`, [id]);
    });
  }

  /** Adds the form's file to the end of the entry's files; a refused file leaves nothing. */
  async addFiles(actor: Actor, id: string, uploads: AsyncIterable<UploadPart>): Promise<number> {
    mustCurate(actor);
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.row(manager, id, true))) throw new NotFound();
      const next = Math.max(-1, ...(await this.files.ownedBy({ kind: TOOLKIT_FILE_OWNER, id }, manager)).map((file) => file.position)) + 1;
      const stored = await this.storeUploads(manager, actor, { kind: TOOLKIT_FILE_OWNER, id }, uploads, MAX_CASE_FILES, next);
      if (stored === 0) throw new FieldErrors({ files: 'files.missing' });
      return stored;
    });
  }

  async removeFile(actor: Actor, id: string, fileId: string): Promise<void> {
    mustCurate(actor);
    checkedId(id);
    await this.dataSource.transaction(async (manager) => {
      const files = await this.files.ownedBy({ kind: TOOLKIT_FILE_OWNER, id }, manager);
      if (!files.some((file) => file.id === checkedId(fileId))) throw new NotFound();
      await this.files.remove(fileId, manager);
    });
  }

  async addLink(actor: Actor, id: string, url: string, label: string): Promise<void> {
    mustCurate(actor);
    const errors: Record<string, string> = {};
    const problem = url.trim() ? linkProblem(url.trim()) : 'toolkit.link.required';
    if (problem) errors.url = problem;
    if (label.trim().length > LINK_LABEL_MAX) errors.label = withValues('toolkit.link.label.tooLong', { max: LINK_LABEL_MAX });
    if (Object.keys(errors).length) throw new FieldErrors(errors);
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.row(manager, id, true))) throw new NotFound();
      await manager.query(
        `INSERT INTO toolkit_link (entry_id, url, label, position) SELECT $1, $2, $3, coalesce(max(position) + 1, 0) FROM toolkit_link WHERE entry_id = $1`,
        [id, url.trim(), label.trim() || null],
      );
    });
  }

  async removeLink(actor: Actor, id: string, linkId: string): Promise<void> {
    mustCurate(actor);
    const result: [unknown[], number] = await this.dataSource.query(`DELETE FROM toolkit_link WHERE id = $1 AND entry_id = $2`, [checkedId(linkId), checkedId(id)]);
    if (result[1] === 0) throw new NotFound();
  }

  /** Moves a link one place up or down in its entry's order (numbering the links afresh). */
  async moveLink(actor: Actor, id: string, linkId: string, direction: 'up' | 'down'): Promise<void> {
    mustCurate(actor);
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.row(manager, id, true))) throw new NotFound();
      const links: { id: string }[] = await manager.query(`SELECT id FROM toolkit_link WHERE entry_id = $1 ORDER BY position, id`, [id]);
      const at = links.findIndex((link) => link.id === checkedId(linkId));
      if (at < 0) throw new NotFound();
      const to = direction === 'up' ? at - 1 : at + 1;
      if (to < 0 || to >= links.length) return;
      [links[at], links[to]] = [links[to], links[at]];
      await manager.query(
        `UPDATE toolkit_link l SET position = ordered.n - 1 FROM unnest($1::uuid[]) WITH ORDINALITY AS ordered(id, n) WHERE l.id = ordered.id`,
        [links.map((link) => link.id)],
      );
    });
  }

  // ---------------------------------------------------------------------------------------------

  private mustBeValid(input: EntryInput): void {
    const problems = this.entryProblems(input);
    if (problems) throw new FieldErrors(problems);
  }

  private async row(manager: EntityManager, id: string, lock = false): Promise<ToolkitEntryRow | null> {
    const rows: ToolkitEntryRow[] = await manager.query(
      lock ? `SELECT e.id FROM toolkit_entry e WHERE e.id = $1 FOR UPDATE` : `SELECT ${ENTRY_COLUMNS} FROM ${ENTRY_FROM} WHERE e.id = $1`,
      [checkedId(id)],
    );
    return rows[0] ?? null;
  }

  private async detailOf(row: ToolkitEntryRow): Promise<ToolkitEntryDetail> {
    const [links, files] = await Promise.all([
      this.dataSource.query(`SELECT id, url, label, position FROM toolkit_link WHERE entry_id = $1 ORDER BY position, id`, [row.id]) as Promise<ToolkitLinkRow[]>,
      this.files.ownedBy({ kind: TOOLKIT_FILE_OWNER, id: row.id }),
    ]);
    return { ...row, links, files };
  }
}

const ENTRY_CONSTRAINTS: Record<string, [string, string]> = {
  toolkit_entry_only_cases_submitted: ['kind', 'toolkit.kindField.caseOnly'],
  toolkit_entry_titled: ['title.fi', 'toolkit.title.required'],
};

function mayRead(viewer: Actor | null, row: ToolkitEntryRow): boolean {
  return row.status === 'published' || (!!viewer && (can(viewer, Capability.ToolkitCurate) || row.submittedBy === viewer.id));
}

function mustCurate(actor: Actor): void {
  if (!can(actor, Capability.ToolkitCurate)) throw new NotAllowed();
}

/** The languages written, trimmed; blank ones left out. */
function compact(text: ToolkitText): ToolkitText {
  return Object.fromEntries(LANGUAGES.map((lang) => [lang, text[lang]?.trim() ?? '']).filter(([, value]) => value));
}
