// Owns programmes as admins keep them: created as drafts, edited (texts per language, theme, the
// facilitators who usually run it), published, archived. Reading the catalogue is
// CatalogueService's; this is the writing side.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { checkedId, constraintRefusal, NotFound, Refused, withValues } from '../errors/domain-errors';
import { LocalizedText } from '../i18n/i18n';
import { UserService } from '../identity/user.service';
import { SearchVocabulary } from '../search/search-vocabulary.service';
import { facilitatorsByEmail } from './facilitators';
import { Programme, ProgrammeStatus, ProgrammeTheme } from './programme.entity';

export interface ProgrammeInput {
  slug: string;
  title: LocalizedText;
  summary: LocalizedText;
  description: LocalizedText;
  theme: ProgrammeTheme;
  position: number;
  facilitatorEmails: string[];
}

/** A programme as the demo data writes it: published at once, with no facilitators. */
export type NewProgramme = Omit<ProgrammeInput, 'facilitatorEmails'>;

/** What a programme form shows: the stored texts and facilitators' emails. */
export interface ProgrammeForEdit extends ProgrammeInput {
  id: string;
  status: ProgrammeStatus;
}

/** Drops the Swedish and English texts left blank: they fall back to Finnish. */
function cleanText(text: LocalizedText): LocalizedText {
  const clean: LocalizedText = { fi: text.fi.trim() };
  if (text.sv?.trim()) clean.sv = text.sv.trim();
  if (text.en?.trim()) clean.en = text.en.trim();
  return clean;
}

/** Constraints PostgreSQL may refuse a write with, as the field message a person can act on. */
const CONSTRAINT_FIELDS: Record<string, [string, string]> = {
  programme_slug_unique: ['slug', 'programme.slug.taken'],
  programme_slug_format: ['slug', 'programme.slug.format'],
  programme_title_has_finnish: ['title.fi', 'programme.text.finnishRequired'],
  programme_summary_has_finnish: ['summary.fi', 'programme.text.finnishRequired'],
};

@Injectable()
export class ProgrammesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UserService,
    private readonly vocabulary: SearchVocabulary,
  ) {}

  async create(actorId: string, input: ProgrammeInput): Promise<Programme> {
    // The words first, so the row's search vector has their base forms and parts (search/search-vocabulary.service.ts).
    await this.vocabulary.learn([input.title, input.summary, input.description]);
    return this.write(async (manager) => {
      const programme = await manager.save(
        manager.create(Programme, {
          slug: input.slug,
          title: cleanText(input.title),
          summary: cleanText(input.summary),
          description: cleanText(input.description),
          theme: input.theme,
          position: input.position,
          status: 'draft',
          facilitators: await facilitatorsByEmail(manager, input.facilitatorEmails),
        }),
      );
      await this.users.audit(manager, { actorUserId: actorId, action: 'programme.created', targetType: 'programme', targetId: programme.id, details: { slug: input.slug } });
      return programme;
    });
  }

  /** Changes the fields given; a missing field stays as it is. */
  async update(actorId: string, programmeId: string, changes: Partial<ProgrammeInput>): Promise<Programme> {
    await this.vocabulary.learn([changes.title, changes.summary, changes.description]);
    return this.write(async (manager) => {
      const programme = await this.lock(manager, programmeId);
      if (changes.slug !== undefined) programme.slug = changes.slug;
      if (changes.title) programme.title = cleanText(changes.title);
      if (changes.summary) programme.summary = cleanText(changes.summary);
      if (changes.description) programme.description = cleanText(changes.description);
      if (changes.theme !== undefined) programme.theme = changes.theme;
      if (changes.position !== undefined) programme.position = changes.position;
      if (changes.facilitatorEmails) programme.facilitators = await facilitatorsByEmail(manager, changes.facilitatorEmails);
      const saved = await manager.save(programme);
      await this.users.audit(manager, { actorUserId: actorId, action: 'programme.updated', targetType: 'programme', targetId: programme.id, details: { fields: Object.keys(changes) } });
      return saved;
    });
  }

  /**
   * Publishes, archives or takes back to draft. A programme with rounds still to come stays
   * published: archiving it would hide rounds people are enrolling in.
   */
  async setStatus(actorId: string, programmeId: string, to: ProgrammeStatus): Promise<Programme> {
    return this.write(async (manager) => {
      const programme = await this.lock(manager, programmeId);
      const from = programme.status;
      if (from === to) return programme;
      if (from === 'published') {
        const [{ upcoming }] = await manager.query(`SELECT count(*)::int AS upcoming FROM cohort WHERE programme_id = $1 AND status = 'published' AND ends_at > now()`, [programme.id]);
        if (upcoming > 0) throw new Refused(withValues('programme.status.hasUpcomingCohorts', { count: upcoming }));
      }
      programme.status = to;
      await manager.save(programme);
      await this.users.audit(manager, { actorUserId: actorId, action: 'programme.status-changed', targetType: 'programme', targetId: programme.id, details: { from, to } });
      return programme;
    });
  }

  /** Adds published programmes whose slug is not taken yet; returns how many were added. */
  async addPublished(programmes: NewProgramme[]): Promise<number> {
    if (programmes.length === 0) return 0;
    await this.vocabulary.learn(programmes.flatMap((programme) => [programme.title, programme.summary, programme.description]));
    const rows = programmes.map((programme) => ({ ...programme, status: 'published' as const }));
    const result = await this.dataSource.createQueryBuilder().insert().into(Programme).values(rows).orIgnore().execute();
    return (result.raw as unknown[]).length;
  }

  async findForEdit(programmeId: string): Promise<ProgrammeForEdit> {
    const programme = await this.dataSource.manager.findOne(Programme, { where: { id: checkedId(programmeId) }, relations: { facilitators: true } });
    if (!programme) throw new NotFound();
    return {
      id: programme.id,
      status: programme.status,
      slug: programme.slug,
      title: programme.title,
      summary: programme.summary,
      description: programme.description,
      theme: programme.theme,
      position: programme.position,
      facilitatorEmails: (programme.facilitators ?? []).map((user) => user.email),
    };
  }

  private async write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      throw constraintRefusal(error, CONSTRAINT_FIELDS);
    }
  }

  private async lock(manager: EntityManager, programmeId: string): Promise<Programme> {
    const programme = await manager.findOne(Programme, { where: { id: checkedId(programmeId) }, lock: { mode: 'pessimistic_write' } });
    if (!programme) throw new NotFound();
    return programme;
  }
}
