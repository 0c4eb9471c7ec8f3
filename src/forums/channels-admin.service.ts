// Channel administration, for site admins (Capability.ChannelsManage): the network's channels are
// created here with their names and descriptions in Finnish (required), Swedish and English, edited,
// put in order (move up or down one place) and archived or brought back. Every write is audited.
//
// Rules:
// - only network channels are created here; the announcements channel comes with the installation
//   and each round's channel with its round (a trigger);
// - a round's channel is named after its round, so its texts are not edited here, and it keeps to
//   the rounds' order (latest round first) rather than a position; it can be archived;
// - the announcements channel cannot be archived (409): everybody is subscribed to it and it is
//   where facilitators and the programme team reach the whole network, so archiving it would leave
//   them nowhere to announce;
// - an archived channel can be read but not written in (ForumsService refuses, 409); non-admins no
//   longer see it in their list;
// - moving renumbers the network's channels 0, 1, 2 … in their current order with the two swapped,
//   in one transaction under an advisory lock that creating also takes, so two admins reordering at
//   once cannot interleave and ties or gaps left by older data do not stall a move. Moving the first
//   one up, or the last one down, changes nothing.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { checkedId, constraintRefusal, FieldErrors, NotFound, Refused, withValues } from '../errors/domain-errors';
import { Language, LANGUAGES, localized, LocalizedText } from '../i18n/i18n';
import { UserService } from '../identity/user.service';
import { ChannelKind } from './forum-channel.entity';
import { ChannelColumns } from './forums.service';
import { cohortNameIn } from '../i18n/cohort-name';

export const MAX_CHANNEL_NAME_LENGTH = 100;
export const MAX_CHANNEL_DESCRIPTION_LENGTH = 1000;

/** Arbitrary, fixed key of the advisory lock that serialises changes to the channels' order ("chOr"). */
const ORDER_LOCK_KEY = 0x63684f72;

const LANGUAGE_SUFFIXES: Record<Language, string> = { fi: 'Fi', sv: 'Sv', en: 'En' };

export type MoveDirection = 'up' | 'down';

/** A network channel's texts as an admin writes them: Finnish name required, the rest optional. */
export interface ChannelInput {
  name: LocalizedText;
  /** Plain text per language; may be blank. */
  description: LocalizedText;
}

/** One line of the admin's list of channels. */
export interface AdminChannelRow {
  id: string;
  kind: ChannelKind;
  /** The channel's name in the reader's language; a round's channel is named after its round. */
  name: string;
  archived: boolean;
  threadCount: number;
  lastActivityAt: Date | null;
  /** The round's status, for a round's channel (a draft round's forum is not shown to participants). */
  cohortStatus: string | null;
  /** Network and announcements channels only: whether there is a place above or below to move to. */
  mayMoveUp: boolean;
  mayMoveDown: boolean;
  mayArchive: boolean;
}

export interface ChannelForEdit {
  id: string;
  kind: ChannelKind;
  cohortId: string | null;
  /** The texts as stored; for a round's channel, empty (its name is its round's). */
  name: LocalizedText;
  description: LocalizedText;
  /** The name shown, in the reader's language. */
  displayName: string;
  archivedAt: Date | null;
  threadCount: number;
  /** Whether its texts are written here (not a round's channel). */
  editable: boolean;
  mayArchive: boolean;
}

interface ChannelRow extends ChannelColumns {
  cohort_status: string | null;
  thread_count: number;
  last_activity_at: Date | null;
}

/**
 * Field messages for a channel's texts (empty when all is well), fields named as the admin form
 * names them (`nameFi`, `descriptionSv` …).
 */
export function channelProblems(input: ChannelInput): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const lang of LANGUAGES) {
    const suffix = LANGUAGE_SUFFIXES[lang];
    const name = input.name[lang]?.trim() ?? '';
    if (lang === 'fi' && !name) problems.nameFi = 'forumAdmin.nameFi.required';
    else if (name.length > MAX_CHANNEL_NAME_LENGTH) problems[`name${suffix}`] = withValues('forumAdmin.name.tooLong', { max: MAX_CHANNEL_NAME_LENGTH });
    if ((input.description[lang]?.trim().length ?? 0) > MAX_CHANNEL_DESCRIPTION_LENGTH) {
      problems[`description${suffix}`] = withValues('forumAdmin.description.tooLong', { max: MAX_CHANNEL_DESCRIPTION_LENGTH });
    }
  }
  return problems;
}

/** Constraint names PostgreSQL may refuse a write with, as the field message a person can act on. */
const CONSTRAINT_FIELDS: Record<string, [string, string]> = {
  forum_channel_named: ['nameFi', 'forumAdmin.nameFi.required'],
};

/** Texts as stored: trimmed, with blank optional languages left out. */
function cleanText(text: LocalizedText): LocalizedText {
  const clean: LocalizedText = { fi: text.fi?.trim() ?? '' };
  if (text.sv?.trim()) clean.sv = text.sv.trim();
  if (text.en?.trim()) clean.en = text.en.trim();
  return clean;
}

const SELECT_CHANNEL = `SELECT ch.id, ch.kind, ch.cohort_id, ch.name, ch.description, ch.archived_at,
    c.name AS cohort_name, c.status AS cohort_status, p.title AS programme_title,
    (SELECT count(*)::int FROM forum_thread t WHERE t.channel_id = ch.id) AS thread_count,
    (SELECT max(t.last_post_at) FROM forum_thread t WHERE t.channel_id = ch.id) AS last_activity_at
  FROM forum_channel ch LEFT JOIN cohort_listing c ON c.id = ch.cohort_id LEFT JOIN programme_listing p ON p.id = c.programme_id`;

/** The network's channels in their order, ties as ForumsService.channels breaks them. */
const NETWORK_ORDER = `ORDER BY ch.position, ch.created_at, ch.id`;

@Injectable()
export class ChannelsAdminService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UserService,
  ) {}

  /** Every channel, archived ones too: the network's in their order, then the rounds' forums, latest round first. */
  async list(lang: Language): Promise<AdminChannelRow[]> {
    const network: ChannelRow[] = await this.dataSource.query(`${SELECT_CHANNEL} WHERE ch.cohort_id IS NULL ${NETWORK_ORDER}`);
    const cohorts: ChannelRow[] = await this.dataSource.query(
      `${SELECT_CHANNEL} WHERE ch.cohort_id IS NOT NULL ORDER BY c.enrolment_opens_at DESC NULLS LAST, ch.created_at, ch.id`,
    );
    return [
      ...network.map((row, index) => ({ ...this.row(row, lang), mayMoveUp: index > 0, mayMoveDown: index < network.length - 1 })),
      ...cohorts.map((row) => this.row(row, lang)),
    ];
  }

  async findForEdit(id: string, lang: Language): Promise<ChannelForEdit> {
    const row = await this.find(this.dataSource.manager, id);
    return {
      id: row.id,
      kind: row.kind,
      cohortId: row.cohort_id,
      name: row.cohort_id ? { fi: '' } : row.name,
      description: row.cohort_id ? { fi: '' } : row.description,
      displayName: displayName(row, lang),
      archivedAt: row.archived_at,
      threadCount: row.thread_count,
      editable: row.kind !== 'cohort',
      mayArchive: row.kind !== 'announcements',
    };
  }

  /** A new network channel, placed last. Returns its id. */
  async create(actorId: string, input: ChannelInput): Promise<string> {
    const problems = channelProblems(input);
    if (Object.keys(problems).length) throw new FieldErrors(problems);
    const name = cleanText(input.name);
    const description = cleanText(input.description);
    return this.write(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [ORDER_LOCK_KEY]);
      const [{ next }]: { next: number }[] = await manager.query(`SELECT coalesce(max(position) + 1, 0)::int AS next FROM forum_channel WHERE cohort_id IS NULL`);
      const [channel]: { id: string }[] = await manager.query(`INSERT INTO forum_channel (kind, name, description, position) VALUES ('network', $1, $2, $3) RETURNING id`, [
        name,
        description,
        next,
      ]);
      await this.users.audit(manager, { actorUserId: actorId, action: 'forum-channel.created', targetType: 'forum_channel', targetId: channel.id, details: { name: name.fi } });
      return channel.id;
    });
  }

  /** New texts for a network or announcements channel; a round's channel follows its round (409). */
  async update(actorId: string, id: string, input: ChannelInput): Promise<void> {
    const problems = channelProblems(input);
    await this.write(async (manager) => {
      const channel = await this.find(manager, id, true);
      if (channel.kind === 'cohort') throw new Refused('forumAdmin.edit.cohort');
      if (Object.keys(problems).length) throw new FieldErrors(problems);
      const name = cleanText(input.name);
      await manager.query(`UPDATE forum_channel SET name = $2, description = $3, updated_at = now() WHERE id = $1`, [id, name, cleanText(input.description)]);
      await this.users.audit(manager, {
        actorUserId: actorId,
        action: 'forum-channel.updated',
        targetType: 'forum_channel',
        targetId: id,
        details: { from: channel.name.fi, to: name.fi },
      });
    });
  }

  /** Archives a channel: readable, no longer written in, hidden from non-admins' list. The announcements channel stays (409). */
  async archive(actorId: string, id: string): Promise<boolean> {
    return this.write(async (manager) => {
      const channel = await this.find(manager, id, true);
      if (channel.kind === 'announcements') throw new Refused('forumAdmin.archive.announcements');
      if (channel.archived_at) return false;
      await manager.query(`UPDATE forum_channel SET archived_at = now(), updated_at = now() WHERE id = $1`, [id]);
      await this.users.audit(manager, { actorUserId: actorId, action: 'forum-channel.archived', targetType: 'forum_channel', targetId: id, details: {} });
      return true;
    });
  }

  async unarchive(actorId: string, id: string): Promise<boolean> {
    return this.write(async (manager) => {
      const channel = await this.find(manager, id, true);
      if (!channel.archived_at) return false;
      await manager.query(`UPDATE forum_channel SET archived_at = NULL, updated_at = now() WHERE id = $1`, [id]);
      await this.users.audit(manager, { actorUserId: actorId, action: 'forum-channel.unarchived', targetType: 'forum_channel', targetId: id, details: {} });
      return true;
    });
  }

  /** Swaps a network channel with its neighbour above or below; false when it is already first or last. */
  async move(actorId: string, id: string, direction: MoveDirection): Promise<boolean> {
    return this.write(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [ORDER_LOCK_KEY]);
      const channel = await this.find(manager, id);
      if (channel.kind === 'cohort') throw new Refused('forumAdmin.move.cohort');
      const order: { id: string; position: number }[] = await manager.query(`SELECT ch.id, ch.position FROM forum_channel ch WHERE ch.cohort_id IS NULL ${NETWORK_ORDER}`);
      const from = order.findIndex((row) => row.id === id);
      const to = direction === 'up' ? from - 1 : from + 1;
      if (to < 0 || to >= order.length) return false;
      [order[from], order[to]] = [order[to], order[from]];
      for (const [position, row] of order.entries()) {
        if (row.position !== position) await manager.query(`UPDATE forum_channel SET position = $2, updated_at = now() WHERE id = $1`, [row.id, position]);
      }
      await this.users.audit(manager, { actorUserId: actorId, action: 'forum-channel.moved', targetType: 'forum_channel', targetId: id, details: { direction, position: to } });
      return true;
    });
  }

  private async find(manager: EntityManager, id: string, lock = false): Promise<ChannelRow> {
    checkedId(id);
    const [row]: ChannelRow[] = await manager.query(`${SELECT_CHANNEL} WHERE ch.id = $1 ${lock ? 'FOR UPDATE OF ch' : ''}`, [id]);
    if (!row) throw new NotFound();
    return row;
  }

  private row(row: ChannelRow, lang: Language): AdminChannelRow {
    return {
      id: row.id,
      kind: row.kind,
      name: displayName(row, lang),
      archived: !!row.archived_at,
      threadCount: row.thread_count,
      lastActivityAt: row.last_activity_at ? new Date(row.last_activity_at) : null,
      cohortStatus: row.cohort_status,
      mayMoveUp: false,
      mayMoveDown: false,
      mayArchive: row.kind !== 'announcements',
    };
  }

  /** A write in one transaction; a constraint it breaks comes back as the field message. */
  private async write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      throw constraintRefusal(error, CONSTRAINT_FIELDS);
    }
  }
}

function displayName(row: ChannelRow, lang: Language): string {
  if (row.cohort_id) return row.programme_title ? `${localized(row.programme_title, lang)}: ${cohortNameIn(row.cohort_name ?? '', lang)}` : cohortNameIn(row.cohort_name ?? '', lang);
  return localized(row.name, lang);
}
