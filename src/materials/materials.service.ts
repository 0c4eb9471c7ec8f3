// Owns the materials of programmes, rounds and sessions: who sees them (programme: whoever may see
// the programme; round and session: the round's people), who keeps them (admins, and the
// programme's or round's facilitators), adding, replacing (a new version, the old kept), removing
// (with their stored files), ordering, and telling a round's participants of a session's new
// material. A material and its first version (and its file) are written in one transaction, so a
// refused upload leaves no material behind.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, can, Capability } from '../access/capabilities';
import { checkedId, FieldErrors, isUuid, NotAllowed, NotFound } from '../errors/domain-errors';
import { Language, localized, LocalizedText } from '../i18n/i18n';
import { FilesService } from '../files/files.service';
import { StoredFile } from '../files/stored-file.entity';
import { NotificationsService } from '../notifications/notifications.service';
import { SearchVocabulary } from '../search/search-vocabulary.service';
import { MaterialAddedMail, MATERIAL_ADDED } from './materials.notifications';
import { MaterialVersion } from './material-version.entity';
import { materialTexts } from './materials.search';
import { Material, MaterialKind } from './material.entity';
import { MoveDirection, NOTE_MAX, TITLE_MAX } from './materials.dto';
import { webLinkProblem } from '../web/web-link';

export const MATERIAL_PLACES = ['programme', 'cohort', 'session'] as const;
export type MaterialPlace = (typeof MATERIAL_PLACES)[number];

/** The owner kind of a material's files in FileAccessRules. */
export const MATERIAL_FILE_OWNER = 'material';

/** Where materials sit, as resolved: the page that shows them and the round it belongs to. */
export interface MaterialHome {
  place: MaterialPlace;
  ownerId: string;
  programmeId: string;
  programmeStatus: string;
  /** The round, for round and session materials. */
  cohortId: string | null;
  /** The page on this site that shows the materials. */
  pagePath: string;
  /** For sessions: when it starts (the form names the session). */
  startsAt: Date | null;
  /** The programme's title and the round's name, for the form's heading. */
  programmeTitle: LocalizedText;
  cohortName: string | null;
}

/** The form as the service takes it (untrimmed text as typed). */
export interface MaterialFormInput {
  titleFi?: string;
  titleSv?: string;
  titleEn?: string;
  noteFi?: string;
  noteSv?: string;
  noteEn?: string;
  url?: string;
  notify?: string;
}

/** A file as it arrives: its bytes, unread, and what the browser said of it. */
export interface IncomingFile {
  content: Readable;
  name: string;
  type: string;
}

/** What one version points at. */
export interface MaterialVersionItem {
  version: number;
  createdAt: Date;
  addedBy: string | null;
  url: string | null;
  file: { id: string; name: string; size: number; mimeType: string } | null;
}

export interface MaterialItem {
  id: string;
  kind: MaterialKind;
  title: LocalizedText;
  note: LocalizedText;
  /** The latest version first, then the earlier ones. */
  versions: MaterialVersionItem[];
}

/** The checked input: text per language (Finnish required) and the link, if it is one. */
interface CheckedInput {
  title: LocalizedText;
  note: LocalizedText;
  url: string | null;
  notify: boolean;
}

const text = (value: string | undefined) => (value ?? '').trim();

/** The texts given, Finnish always; empty languages left out (they fall back to Finnish). */
function localizedOf(fi: string, sv: string, en: string): LocalizedText {
  return { fi, ...(sv ? { sv } : {}), ...(en ? { en } : {}) };
}

/**
 * The form's rules, each field's message at once: a Finnish title, titles and notes within their
 * lengths, a link that is a web address or a file, never both, never neither. `hasFile`: a file part
 * with a name came after the fields.
 */
export function materialInput(form: MaterialFormInput, hasFile: boolean): CheckedInput {
  const errors: Record<string, string> = {};
  const title = localizedOf(text(form.titleFi), text(form.titleSv), text(form.titleEn));
  const note = localizedOf(text(form.noteFi), text(form.noteSv), text(form.noteEn));
  if (!title.fi) errors.titleFi = 'materials.title.required';
  for (const [field, value] of [['titleFi', title.fi], ['titleSv', title.sv], ['titleEn', title.en]] as const) {
    if (value && value.length > TITLE_MAX) errors[field] = 'materials.title.tooLong';
  }
  for (const [field, value] of [['noteFi', note.fi], ['noteSv', note.sv], ['noteEn', note.en]] as const) {
    if (value && value.length > NOTE_MAX) errors[field] = 'materials.note.tooLong';
  }
  const given = text(form.url);
  let url: string | null = null;
  if (given && hasFile) errors.url = 'materials.fileOrLink.both';
  else if (given) {
    const problem = webLinkProblem(given);
    if (problem) errors.url = problem === 'tooLong' ? 'materials.url.tooLong' : 'materials.url.invalid';
    else url = given;
  } else if (!hasFile) errors.file = 'materials.fileOrLink.missing';
  if (Object.keys(errors).length) throw new FieldErrors(errors);
  return { title, note, url, notify: form.notify === 'yes' };
}

const isAdmin = (actor: Actor | null) => can(actor, Capability.ProgrammeManage);

@Injectable()
export class MaterialsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly files: FilesService,
    private readonly notifications: NotificationsService,
    private readonly vocabulary: SearchVocabulary,
  ) {}

  get maxMegabytes(): number {
    return this.files.maxMegabytes;
  }

  /** The programme (by id or slug), round or session materials sit on; NotFound when there is none. */
  async home(place: MaterialPlace, ownerId: string, manager: EntityManager = this.dataSource.manager): Promise<MaterialHome> {
    if (place === 'programme') {
      const [row] = await manager.query(`SELECT id, slug, status, title FROM programme_listing WHERE ${isUuid(ownerId) ? 'id = $1' : 'slug = $1'}`, [ownerId]);
      if (!row) throw new NotFound();
      return { place, ownerId: row.id, programmeId: row.id, programmeStatus: row.status, cohortId: null, pagePath: `/programmes/${row.slug}`, startsAt: null, programmeTitle: row.title, cohortName: null };
    }
    checkedId(ownerId);
    const [row] =
      place === 'cohort'
        ? await manager.query(
            `SELECT c.id AS cohort_id, c.name, p.id AS programme_id, p.status, p.title, NULL::timestamptz AS starts_at
               FROM cohort_listing c JOIN programme_listing p ON p.id = c.programme_id WHERE c.id = $1`,
            [ownerId],
          )
        : await manager.query(
            `SELECT c.id AS cohort_id, c.name, p.id AS programme_id, p.status, p.title, s.starts_at
               FROM session_listing s JOIN cohort_listing c ON c.id = s.cohort_id JOIN programme_listing p ON p.id = c.programme_id WHERE s.id = $1`,
            [ownerId],
          );
    if (!row) throw new NotFound();
    const pagePath = place === 'cohort' ? `/cohorts/${row.cohort_id}` : `/cohorts/${row.cohort_id}/sessions/${ownerId}`;
    return { place, ownerId, programmeId: row.programme_id, programmeStatus: row.status, cohortId: row.cohort_id, pagePath, startsAt: row.starts_at, programmeTitle: row.title, cohortName: row.name };
  }

  /** Admins, and the programme's facilitators (programme materials) or the round's (round and session materials). */
  async mayManage(actor: Actor | null, home: MaterialHome): Promise<boolean> {
    if (!actor) return false;
    if (isAdmin(actor)) return true;
    const [row] =
      home.place === 'programme'
        ? await this.dataSource.query(`SELECT 1 FROM programme_facilitator_listing WHERE programme_id = $1 AND user_id = $2`, [home.programmeId, actor.id])
        : await this.dataSource.query(`SELECT 1 FROM facilitator_listing WHERE cohort_id = $1 AND user_id = $2`, [home.cohortId, actor.id]);
    return !!row;
  }

  /** Programme materials: whoever may see the programme (a draft: its keepers). Round and session: the round's people. */
  async mayRead(actor: Actor | null, home: MaterialHome): Promise<boolean> {
    if (home.place === 'programme' && home.programmeStatus !== 'draft') return true;
    if (await this.mayManage(actor, home)) return true;
    if (!actor || home.place === 'programme') return false;
    const [row] = await this.dataSource.query(`SELECT 1 FROM cohort_member WHERE cohort_id = $1 AND user_id = $2 AND is_in`, [home.cohortId, actor.id]);
    return !!row;
  }

  /** The place, when `actor` keeps its materials; NotFound or NotAllowed otherwise. */
  async managed(actor: Actor, place: MaterialPlace, ownerId: string): Promise<MaterialHome> {
    const home = await this.home(place, ownerId);
    if (!(await this.mayManage(actor, home))) throw new NotAllowed('materials.notAllowed');
    return home;
  }

  /** A material and its place, when `actor` keeps it. */
  async managedMaterial(actor: Actor, materialId: string): Promise<{ material: MaterialItem; home: MaterialHome }> {
    const row = await this.dataSource.manager.findOneBy(Material, { id: checkedId(materialId) });
    if (!row) throw new NotFound();
    const home = await this.managed(actor, ...placeOf(row));
    const [material] = await this.itemsOf([row]);
    return { material, home };
  }

  /** Whether `actor` may read the material (and so its files): the file access rule. */
  async mayReadMaterial(actor: Actor | null, materialId: string): Promise<boolean> {
    if (!isUuid(materialId)) return false;
    const row = await this.dataSource.manager.findOneBy(Material, { id: materialId });
    if (!row) return false;
    return this.mayRead(actor, await this.home(...placeOf(row)));
  }

  /** The materials of one place, in their order, each with its versions (latest first). */
  async list(place: MaterialPlace, ownerId: string): Promise<MaterialItem[]> {
    const rows = await this.dataSource.manager.find(Material, { where: { [`${place}Id`]: ownerId }, order: { position: 'ASC', createdAt: 'ASC', id: 'ASC' } });
    return this.itemsOf(rows);
  }

  private async itemsOf(rows: Material[]): Promise<MaterialItem[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const versions: { material_id: string; version: number; file_id: string | null; url: string | null; created_at: Date; adder: string | null }[] = await this.dataSource.query(
      `SELECT v.material_id, v.version, v.file_id, v.url, v.created_at, u.display_name AS adder
         FROM material_version v LEFT JOIN person u ON u.id = v.added_by
        WHERE v.material_id = ANY($1::uuid[]) ORDER BY v.version DESC`,
      [ids],
    );
    const files = new Map<string, StoredFile>();
    for (const owned of (await this.files.ownedByEach(MATERIAL_FILE_OWNER, ids)).values()) for (const file of owned) files.set(file.id, file);
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      title: row.title,
      note: row.note,
      versions: versions
        .filter((version) => version.material_id === row.id)
        .map((version) => {
          const file = version.file_id ? files.get(version.file_id) : undefined;
          return {
            version: version.version,
            createdAt: version.created_at,
            addedBy: version.adder,
            url: version.url,
            file: file ? { id: file.id, name: file.originalName, size: file.size, mimeType: file.mimeType } : null,
          };
        }),
    }));
  }

  /**
   * Adds a material at the end of its place's list, with its first version: the link, or the file
   * (read to its end here, inside the transaction). A session's material may tell the round's
   * participants, one mail each, in the same transaction.
   */
  async add(actor: Actor, place: MaterialPlace, ownerId: string, form: MaterialFormInput, file: IncomingFile | null): Promise<MaterialHome> {
    const home = await this.refusingUnread(file, async () => this.managed(actor, place, ownerId));
    const input = await this.refusingUnread(file, async () => materialInput(form, !!file));
    // The words first, so the material's search vector has their base forms and parts (search/search-vocabulary.service.ts).
    await this.refusingUnread(file, () => this.vocabulary.learn(materialTexts(input)));
    await this.dataSource.transaction(async (manager) => {
      // One list's positions are given out one at a time.
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 1919))', [home.ownerId]);
      const [{ next }] = await manager.query(`SELECT coalesce(max(position) + 1, 0) AS next FROM material WHERE ${place}_id = $1`, [home.ownerId]);
      const material = await manager.save(
        manager.create(Material, {
          programmeId: place === 'programme' ? home.ownerId : null,
          cohortId: place === 'cohort' ? home.ownerId : null,
          sessionId: place === 'session' ? home.ownerId : null,
          kind: input.url ? 'link' : 'file',
          title: input.title,
          note: input.note,
          position: Number(next),
          createdBy: actor.id,
        }),
      );
      await this.addVersion(manager, actor, material.id, 1, input.url, file);
      if (input.notify && place === 'session') await this.tellRound(manager, actor, home, material.id, input.title);
    });
    return home;
  }

  /** A new version (file or link), with the title and note as now given; the earlier versions stay listed. */
  async replace(actor: Actor, materialId: string, form: MaterialFormInput, file: IncomingFile | null): Promise<MaterialHome> {
    const { home } = await this.refusingUnread(file, () => this.managedMaterial(actor, materialId));
    const input = await this.refusingUnread(file, async () => materialInput(form, !!file));
    await this.refusingUnread(file, () => this.vocabulary.learn(materialTexts(input)));
    await this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query(`SELECT id FROM material WHERE id = $1 FOR UPDATE`, [materialId]);
      if (!row) throw new NotFound();
      const [{ next }] = await manager.query(`SELECT max(version) + 1 AS next FROM material_version WHERE material_id = $1`, [materialId]);
      await this.addVersion(manager, actor, materialId, Number(next), input.url, file);
      await manager.update(Material, { id: materialId }, { kind: input.url ? 'link' : 'file', title: input.title, note: input.note });
    });
    return home;
  }

  /** Removes the material, its versions and their stored files, together. */
  async remove(actor: Actor, materialId: string): Promise<MaterialHome> {
    const { home } = await this.managedMaterial(actor, materialId);
    await this.dataSource.transaction(async (manager) => {
      const versions: { file_id: string | null }[] = await manager.query(`SELECT file_id FROM material_version WHERE material_id = $1`, [materialId]);
      await manager.query(`DELETE FROM material WHERE id = $1`, [materialId]);
      for (const fileId of new Set(versions.map((version) => version.file_id).filter((id): id is string => !!id))) await this.files.remove(fileId, manager);
    });
    return home;
  }

  /** Moves the material one place up or down its list (nothing at either end). */
  async move(actor: Actor, materialId: string, direction: MoveDirection): Promise<MaterialHome> {
    const { home } = await this.managedMaterial(actor, materialId);
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 1919))', [home.ownerId]);
      const list: { id: string }[] = await manager.query(`SELECT id FROM material WHERE ${home.place}_id = $1 ORDER BY position, created_at, id`, [home.ownerId]);
      const at = list.findIndex((row) => row.id === materialId);
      const to = direction === 'up' ? at - 1 : at + 1;
      if (at < 0 || to < 0 || to >= list.length) return;
      [list[at], list[to]] = [list[to], list[at]];
      await manager.query(`UPDATE material m SET position = ordered.n - 1 FROM unnest($1::uuid[]) WITH ORDINALITY AS ordered(id, n) WHERE m.id = ordered.id`, [list.map((row) => row.id)]);
    });
    return home;
  }

  private async addVersion(manager: EntityManager, actor: Actor, materialId: string, version: number, url: string | null, file: IncomingFile | null): Promise<void> {
    const stored = url ? null : await this.files.upload(actor, file!.content, file!.name, file!.type, { kind: MATERIAL_FILE_OWNER, id: materialId }, { manager, position: version });
    await manager.save(manager.create(MaterialVersion, { materialId, version, fileId: stored?.id ?? null, url, addedBy: actor.id }));
  }

  /** The round's participants who hold a place, but not the one adding, each in their language. */
  private async tellRound(manager: EntityManager, actor: Actor, home: MaterialHome, materialId: string, title: LocalizedText): Promise<void> {
    const people: { id: string; email: string; display_name: string; language: Language }[] = await manager.query(
      `SELECT u.id, u.email, u.display_name, u.language
         FROM cohort_member m JOIN person u ON u.id = m.user_id AND u.status = 'active'
        WHERE m.cohort_id = $1 AND m.role = 'participant' AND m.is_in AND m.user_id <> $2
        ORDER BY u.id`,
      [home.cohortId, actor.id],
    );
    await this.notifications.notifyAll(
      MATERIAL_ADDED,
      people.map((person) => ({
        recipient: { userId: person.id, email: person.email, name: person.display_name, language: person.language },
        payload: {
          materialId,
          sessionId: home.ownerId,
          cohortId: home.cohortId!,
          cohortName: home.cohortName!,
          programmeTitle: localized(home.programmeTitle, person.language),
          title: localized(title, person.language),
          sessionStartsAt: home.startsAt!.toISOString(),
          addedBy: actor.displayName,
        } satisfies MaterialAddedMail,
        // One mail per material and person, however often the sending is retried.
        key: `${MATERIAL_ADDED}-${materialId}-${person.id}`,
      })),
      { manager },
    );
  }

  /** Runs a check before a file is read; a refusal drains the file so the request ends cleanly. */
  private async refusingUnread<T>(file: IncomingFile | null, check: () => Promise<T>): Promise<T> {
    try {
      return await check();
    } catch (error) {
      file?.content.resume();
      throw error;
    }
  }
}

/** The place a material sits in, from its row. */
function placeOf(row: Material): [MaterialPlace, string] {
  if (row.programmeId) return ['programme', row.programmeId];
  if (row.cohortId) return ['cohort', row.cohortId];
  return ['session', row.sessionId!];
}
