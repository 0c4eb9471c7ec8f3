// Owns reading the catalogue: programmes, their rounds (cohorts) and sessions, as the pages and the
// JSON API show them. Everyone reads what is published; drafts are for admins only. The online
// meeting link is shown only to the cohort's facilitators and admins (and, with enrolment, to its
// confirmed participants).
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { Brackets, DataSource, In, Repository } from 'typeorm';
import { Actor, can, Capability } from '../access/capabilities';
import { checkedId, isUuid, NotFound } from '../errors/domain-errors';
import { Language, localized, LocalizedText } from '../i18n/i18n';
import { renderMarkdown } from '../views/markdown';
import { decodeCursor, Page, pageOf } from '../web/api/cursor';
import { Cohort, CohortStatus, CompletionRule, DeliveryMode } from './cohort.entity';
import { CohortSession, SessionStatus } from './cohort-session.entity';
import { Programme, ProgrammeStatus, ProgrammeTheme } from './programme.entity';
import { termLabel } from './scheduling.rules';

export interface ProgrammeSummary {
  id: string;
  slug: string;
  title: string;
  summary: string;
  theme: ProgrammeTheme;
  status: ProgrammeStatus;
}

export interface PersonSummary {
  id: string;
  displayName: string;
}

export interface ProgrammeDetail extends ProgrammeSummary {
  /** Markdown as written (the API gives it; pages show descriptionHtml). */
  description: string;
  /** Sanitised HTML. */
  descriptionHtml: string;
  facilitators: PersonSummary[];
  updatedAt: Date;
}

export type EnrolmentWindow = 'not_open_yet' | 'open' | 'closed';

export interface CohortSummary {
  id: string;
  programmeId: string;
  programmeSlug: string;
  programmeTitle: string;
  name: string;
  term: string;
  termLabel: string;
  status: CohortStatus;
  deliveryMode: DeliveryMode;
  place: string | null;
  capacity: number;
  seatsLeft: number;
  waitlistLength: number;
  agencySeatCap: number | null;
  requiresApproval: boolean;
  enrolmentOpensAt: Date;
  enrolmentClosesAt: Date;
  enrolmentWindow: EnrolmentWindow;
  cancellationDeadline: Date | null;
  startsAt: Date;
  endsAt: Date;
  sessionCount: number;
}

export interface SessionView {
  id: string;
  startsAt: Date;
  endsAt: Date;
  status: SessionStatus;
  place: string | null;
  /** Null unless the reader may join (see the file comment). */
  meetingLink: string | null;
  agenda: string | null;
  agendaHtml: string;
}

export interface CohortDetail extends CohortSummary {
  facilitators: PersonSummary[];
  /** Null unless the reader may join. */
  meetingLink: string | null;
  /** Whether the reader may see meeting links (so a page can say why there is none). */
  mayJoin: boolean;
  sessions: SessionView[];
  copiedFromId: string | null;
  /** Minutes before each session that reminders go, earliest first; empty: none. */
  reminderOffsets: number[];
  /** How completion is decided: from attendance (at least completionMinSessions, null: all), or by the facilitator. */
  completionRule: CompletionRule;
  completionMinSessions: number | null;
  /** Hours the next in line has to claim a freed seat; null: a freed seat is confirmed at once. */
  seatOfferHours: number | null;
}

/** What the catalogue cannot know about the reader of a cohort. */
export interface CohortReaderOptions {
  /** The reader has a confirmed (or completed) place in the cohort. */
  participant?: boolean;
}

export interface CohortFilter {
  programme?: string;
  status?: CohortStatus;
  term?: string;
  /** Rounds that end on or after this instant. */
  from?: Date;
  /** Rounds that start before this instant. */
  to?: Date;
  cursor?: string;
  limit: number;
}

export interface ProgrammeFilter {
  status?: ProgrammeStatus;
  theme?: ProgrammeTheme;
  cursor?: string;
  limit: number;
}

/** Statuses a reader who is not an admin may see. */
const PUBLIC_PROGRAMME: ProgrammeStatus[] = ['published', 'archived'];
const PUBLIC_COHORT: CohortStatus[] = ['published', 'cancelled', 'completed'];

const isAdmin = (actor: Actor | null) => can(actor, Capability.ProgrammeManage);

@Injectable()
export class CatalogueService {
  constructor(
    @InjectRepository(Programme) private readonly programmes: Repository<Programme>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The published programmes, in catalogue order (home page). */
  async listProgrammes(lang: Language): Promise<ProgrammeSummary[]> {
    const rows = await this.programmes.find({ where: { status: 'published' }, order: { position: 'ASC', slug: 'ASC' } });
    return rows.map((row) => summaryOf(row, lang));
  }

  /** Every programme, drafts included, for the admin list. */
  async listAllProgrammes(lang: Language): Promise<(ProgrammeSummary & { cohortCount: number })[]> {
    const rows = await this.programmes.find({ order: { position: 'ASC', slug: 'ASC' } });
    const counts: { programme_id: string; count: number }[] = await this.dataSource.query(`SELECT programme_id, count(*)::int AS count FROM cohort GROUP BY programme_id`);
    return rows.map((row) => ({ ...summaryOf(row, lang), cohortCount: counts.find((c) => c.programme_id === row.id)?.count ?? 0 }));
  }

  /**
   * A page of programmes for the API, in catalogue order: the published ones, or those of the
   * status asked for (archived ones only when asked; drafts only for admins).
   */
  async programmePage(filter: ProgrammeFilter, actor: Actor | null, lang: Language): Promise<Page<ProgrammeSummary>> {
    const statuses = this.programmeStatuses(filter.status, actor);
    if (statuses.length === 0) return { items: [], nextCursor: null };
    const query = this.programmes.createQueryBuilder('p').orderBy('p.position', 'ASC').addOrderBy('p.slug', 'ASC').take(filter.limit + 1);
    query.where('p.status IN (:...statuses)', { statuses });
    if (filter.theme) query.andWhere('p.theme = :theme', { theme: filter.theme });
    if (filter.cursor) {
      const [position, slug] = decodeCursor(filter.cursor, ['int', 'string']);
      query.andWhere('(p.position, p.slug) > (:position, :slug)', { position, slug });
    }
    const page = pageOf(await query.getMany(), filter.limit, (row) => [row.position, row.slug]);
    return { items: page.items.map((row) => summaryOf(row, lang)), nextCursor: page.nextCursor };
  }

  /** A programme by slug or id, as the reader may see it; null when it does not exist for them. */
  async findProgramme(slugOrId: string, lang: Language, actor: Actor | null = null): Promise<ProgrammeDetail | null> {
    const row = await this.programmes.findOne({ where: isUuid(slugOrId) ? { id: slugOrId } : { slug: slugOrId }, relations: { facilitators: true } });
    if (!row || !this.readableStatuses(actor).includes(row.status)) return null;
    const description = localized(row.description, lang);
    return {
      ...summaryOf(row, lang),
      description,
      descriptionHtml: renderMarkdown(description),
      facilitators: people(row.facilitators),
      updatedAt: row.updatedAt,
    };
  }

  /** The rounds of a programme that have not ended yet, soonest first (the programme page). */
  async upcomingCohorts(programmeId: string, lang: Language, actor: Actor | null): Promise<CohortSummary[]> {
    const page = await this.cohortPage({ programme: programmeId, from: new Date(), limit: 100 }, actor, lang);
    return page.items;
  }

  /** A page of cohorts, in order of their first session; filters as the API offers them. */
  async cohortPage(filter: CohortFilter, actor: Actor | null, lang: Language): Promise<Page<CohortSummary>> {
    const query = this.dataSource
      .getRepository(Cohort)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.programme', 'p')
      .orderBy('c.startsAt', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .take(filter.limit + 1);
    if (!isAdmin(actor)) {
      query.where('c.status IN (:...cohortStatuses)', { cohortStatuses: PUBLIC_COHORT }).andWhere('p.status IN (:...programmeStatuses)', { programmeStatuses: PUBLIC_PROGRAMME });
    }
    if (filter.status) query.andWhere('c.status = :status', { status: filter.status });
    if (filter.programme) {
      query.andWhere(isUuid(filter.programme) ? 'p.id = :programme' : 'p.slug = :programme', { programme: filter.programme });
    }
    if (filter.term) query.andWhere('c.term = :term', { term: filter.term });
    if (filter.from) query.andWhere('c.endsAt >= :from', { from: filter.from });
    if (filter.to) query.andWhere('c.startsAt < :to', { to: filter.to });
    if (filter.cursor) {
      const [startsAt, id] = decodeCursor(filter.cursor, ['instant', 'uuid']);
      query.andWhere(new Brackets((where) => where.where('(c.startsAt, c.id) > (:cursorStart, :cursorId)', { cursorStart: startsAt, cursorId: id })));
    }
    const page = pageOf(await query.getMany(), filter.limit, (row) => [row.startsAt.toISOString(), row.id]);
    const counts = await this.sessionCounts(page.items.map((row) => row.id));
    return { items: page.items.map((row) => cohortSummaryOf(row, row.programme!, counts.get(row.id) ?? 0, lang)), nextCursor: page.nextCursor };
  }

  /**
   * A cohort with its sessions and facilitators as the reader may see it; null when hidden from them.
   * `participant`: the reader holds a confirmed place, which enrolment knows and says (the catalogue
   * does not read enrolments), so they may join too.
   */
  async findCohort(cohortId: string, lang: Language, actor: Actor | null, options: CohortReaderOptions = {}): Promise<CohortDetail | null> {
    const row = await this.dataSource.getRepository(Cohort).findOne({
      where: { id: checkedId(cohortId) },
      relations: { programme: true, facilitators: true },
    });
    if (!row || !row.programme) return null;
    if (!isAdmin(actor) && (!PUBLIC_COHORT.includes(row.status) || !PUBLIC_PROGRAMME.includes(row.programme.status))) return null;
    const sessions = await this.dataSource.getRepository(CohortSession).find({ where: { cohortId: row.id }, order: { startsAt: 'ASC' } });
    const mayJoin = isAdmin(actor) || (!!actor && (!!options.participant || (row.facilitators ?? []).some((user) => user.id === actor.id)));
    const scheduled = sessions.filter((session) => session.status === 'scheduled').length;
    return {
      ...cohortSummaryOf(row, row.programme, scheduled, lang),
      facilitators: people(row.facilitators),
      meetingLink: mayJoin ? row.meetingLink : null,
      mayJoin,
      copiedFromId: row.copiedFromId,
      reminderOffsets: row.reminderOffsets,
      completionRule: row.completionRule,
      completionMinSessions: row.completionMinSessions,
      seatOfferHours: row.seatOfferHours,
      sessions: sessions.map((session) => ({
        id: session.id,
        startsAt: session.startsAt,
        endsAt: session.endsAt,
        status: session.status,
        place: session.place ?? row.place,
        meetingLink: mayJoin ? (session.meetingLink ?? row.meetingLink) : null,
        agenda: session.agenda,
        agendaHtml: renderMarkdown(session.agenda),
      })),
    };
  }

  /** Like findCohort, but a hidden or unknown cohort is a 404. */
  async cohort(cohortId: string, lang: Language, actor: Actor | null, options: CohortReaderOptions = {}): Promise<CohortDetail> {
    const cohort = await this.findCohort(cohortId, lang, actor, options);
    if (!cohort) throw new NotFound();
    return cohort;
  }

  async countProgrammes(): Promise<number> {
    return this.programmes.count();
  }

  /** Programme statuses whose pages the reader may open. */
  private readableStatuses(actor: Actor | null): ProgrammeStatus[] {
    return isAdmin(actor) ? ['draft', 'published', 'archived'] : PUBLIC_PROGRAMME;
  }

  /** The statuses a list shows: the one asked for if the reader may see it; else admins all, others the published. */
  private programmeStatuses(wanted: ProgrammeStatus | undefined, actor: Actor | null): ProgrammeStatus[] {
    if (wanted) return this.readableStatuses(actor).filter((status) => status === wanted);
    return isAdmin(actor) ? this.readableStatuses(actor) : ['published'];
  }

  /** Scheduled sessions per cohort, in one query for a whole page. */
  private async sessionCounts(cohortIds: string[]): Promise<Map<string, number>> {
    if (cohortIds.length === 0) return new Map();
    const rows: { cohortId: string; count: string }[] = await this.dataSource
      .getRepository(CohortSession)
      .createQueryBuilder('s')
      .select('s.cohortId', 'cohortId')
      .addSelect('count(*)', 'count')
      .where({ cohortId: In(cohortIds), status: 'scheduled' })
      .groupBy('s.cohortId')
      .getRawMany();
    return new Map(rows.map((row) => [row.cohortId, Number(row.count)]));
  }
}

function summaryOf(row: Programme, lang: Language): ProgrammeSummary {
  return { id: row.id, slug: row.slug, title: localized(row.title, lang), summary: localized(row.summary, lang), theme: row.theme, status: row.status };
}

function people(users: { id: string; displayName: string }[] | undefined): PersonSummary[] {
  return (users ?? []).map((user) => ({ id: user.id, displayName: user.displayName })).sort((a, b) => a.displayName.localeCompare(b.displayName, 'fi'));
}

/** Only a published round takes enrolments; a cancelled or completed one is closed whatever its dates. */
function enrolmentWindow(row: Cohort, now = new Date()): EnrolmentWindow {
  if (row.status === 'cancelled' || row.status === 'completed') return 'closed';
  if (now < row.enrolmentOpensAt) return 'not_open_yet';
  return now < row.enrolmentClosesAt ? 'open' : 'closed';
}

function cohortSummaryOf(row: Cohort, programme: Programme, sessionCount: number, lang: Language): CohortSummary {
  return {
    id: row.id,
    programmeId: programme.id,
    programmeSlug: programme.slug,
    programmeTitle: localized(programme.title as LocalizedText, lang),
    name: row.name,
    term: row.term,
    termLabel: termLabel(row.term, lang),
    status: row.status,
    deliveryMode: row.deliveryMode,
    place: row.place,
    capacity: row.capacity,
    seatsLeft: Math.max(0, row.capacity - row.seatsTaken),
    waitlistLength: row.waitlistLength,
    agencySeatCap: row.agencySeatCap,
    requiresApproval: row.requiresApproval,
    enrolmentOpensAt: row.enrolmentOpensAt,
    enrolmentClosesAt: row.enrolmentClosesAt,
    enrolmentWindow: enrolmentWindow(row),
    cancellationDeadline: row.cancellationDeadline,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    sessionCount,
  };
}
