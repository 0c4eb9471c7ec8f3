// Owns the newsletter's editions from the admins' side: drafts in fi/sv/en (Finnish required), the
// preview, a test message to the admin themself, scheduling, and the sending itself.
//
// Sending: every minute (JobName.NewsletterSend) an edition whose time has come moves from
// 'scheduled' to 'sending' in one UPDATE, so two workers cannot both start it. It is then queued
// in batches, one outbox row per confirmed subscriber (newsletter.notifications.ts renders it when
// it goes). Each batch is one transaction that holds the edition's row lock, takes the next
// subscribers after its cursor (`queued_through`, in id order), writes their rows and moves the
// cursor: a worker that dies mid-batch rolls the batch back whole, and a second worker waits for
// the lock and then continues after the cursor, so no subscriber is queued twice or skipped. (The
// outbox's keys keep only *live* rows unique, so they alone would not stop a second row for a
// subscriber whose first was already sent.) When a batch comes back short, the edition is 'sent'.
// A subscriber confirmed while an edition is sending gets it when their id is still ahead of the cursor.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../access/capabilities';
import { checkedId, FieldErrors, NotFound, Refused, withValues } from '../errors/domain-errors';
import { Language, LocalizedText } from '../i18n/i18n';
import { isEmailAddress, NotificationsService } from '../notifications/notifications.service';
import { JobHandler } from '../queue/job-handler.decorator';
import { JobName } from '../queue/jobs';
import { renderMarkdown } from '../views/markdown';
import { EditionStatus, NewsletterEdition } from './newsletter-edition.entity';
import { NEWSLETTER_EDITION_KIND } from './newsletter.notifications';

export const MAX_SUBJECT_LENGTH = 200;
export const MAX_BODY_LENGTH = 50_000;
/** Subscribers queued per transaction. */
export const SEND_BATCH = 1000;
const LANGUAGES: Language[] = ['fi', 'sv', 'en'];

/** An edition's texts as an admin writes them. */
export interface EditionInput {
  subject: LocalizedText;
  body: LocalizedText;
}

export interface EditionRow {
  id: string;
  subject: string;
  status: EditionStatus;
  scheduledAt: Date | null;
  sentAt: Date | null;
  recipientCount: number;
  updatedAt: Date;
}

/** One language's text as the preview shows it: the body as the mail and the archive render it. */
export interface EditionPreview {
  lang: Language;
  subject: string;
  html: string;
  /** The language has no text of its own: its subscribers get the Finnish. */
  fallsBack: boolean;
}

const suffix = (lang: Language) => lang[0].toUpperCase() + lang.slice(1);

/** The fields at fault in an edition's texts (named as the form's inputs), or null. */
export function editionProblems(input: EditionInput): Record<string, string> | null {
  const problems: Record<string, string> = {};
  for (const lang of LANGUAGES) {
    const subject = input.subject[lang] ?? '';
    const body = input.body[lang] ?? '';
    if (subject.trim().length > MAX_SUBJECT_LENGTH) problems[`subject${suffix(lang)}`] = withValues('newsletter.subject.tooLong', { max: MAX_SUBJECT_LENGTH });
    if (body.length > MAX_BODY_LENGTH) problems[`body${suffix(lang)}`] = withValues('newsletter.body.tooLong', { max: MAX_BODY_LENGTH });
  }
  if (!problems.subjectFi && !(input.subject.fi ?? '').trim()) problems.subjectFi = 'newsletter.subject.fiRequired';
  if (!problems.bodyFi && !(input.body.fi ?? '').trim()) problems.bodyFi = 'newsletter.body.fiRequired';
  return Object.keys(problems).length ? problems : null;
}

/** The texts as stored: trimmed, and a language left blank is left out. */
function stored(text: LocalizedText): LocalizedText {
  const result: LocalizedText = { fi: text.fi.trim() };
  for (const lang of ['sv', 'en'] as const) {
    const value = text[lang]?.trim();
    if (value) result[lang] = value;
  }
  return result;
}

@Injectable()
export class NewsletterEditions {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifications: NotificationsService,
  ) {}

  /** Every edition, the newest first, with its subject in the reader's language. */
  async list(lang: Language): Promise<EditionRow[]> {
    return this.dataSource.query(
      `SELECT id, coalesce(nullif(subject->>$1, ''), subject->>'fi') AS subject, status, scheduled_at AS "scheduledAt", sent_at AS "sentAt",
              recipient_count AS "recipientCount", updated_at AS "updatedAt"
       FROM newsletter_edition ORDER BY coalesce(sent_at, scheduled_at, created_at) DESC, id LIMIT 500`,
      [lang],
    );
  }

  async find(id: string): Promise<NewsletterEdition> {
    const edition = await this.dataSource.getRepository(NewsletterEdition).findOne({ where: { id: checkedId(id) } });
    if (!edition) throw new NotFound();
    return edition;
  }

  async create(actor: Actor, input: EditionInput): Promise<NewsletterEdition> {
    const problems = editionProblems(input);
    if (problems) throw new FieldErrors(problems);
    const [created]: { id: string }[] = await this.dataSource.query(
      `INSERT INTO newsletter_edition (subject, body, created_by) VALUES ($1, $2, $3) RETURNING id`,
      [stored(input.subject), stored(input.body), actor.id],
    );
    return this.find(created.id);
  }

  /** Changes a draft's or a scheduled edition's texts; one being sent or sent is as it went out. */
  async update(_actor: Actor, id: string, input: EditionInput): Promise<void> {
    const problems = editionProblems(input);
    if (problems) throw new FieldErrors(problems);
    const [, changed]: [unknown, number] = await this.dataSource.query(
      `UPDATE newsletter_edition SET subject = $2, body = $3, updated_at = now() WHERE id = $1 AND status IN ('draft', 'scheduled')`,
      [checkedId(id), stored(input.subject), stored(input.body)],
    );
    if (changed === 0) await this.refuseAsItStands(id);
  }

  /** The texts as subscribers would get them, in each language (Finnish where a language has none). */
  preview(input: EditionInput): EditionPreview[] {
    return LANGUAGES.map((lang) => {
      const own = !!input.body[lang]?.trim();
      return {
        lang,
        subject: input.subject[lang]?.trim() || input.subject.fi.trim(),
        html: renderMarkdown(own ? input.body[lang] : input.body.fi),
        fallsBack: lang !== 'fi' && !own,
      };
    });
  }

  /** One message of the edition to the admin themself, in their language, marked as a test. */
  async sendTest(actor: Actor, id: string): Promise<void> {
    const edition = await this.find(id);
    await this.notifications.notify(
      NEWSLETTER_EDITION_KIND,
      { email: actor.email, name: actor.displayName, language: actor.language },
      { editionId: edition.id, test: true },
    );
  }

  /** Sends the edition at `at` (null: a time that could not be read); it must be in the future. */
  async schedule(_actor: Actor, id: string, at: Date | null): Promise<void> {
    checkedId(id);
    if (!at || Number.isNaN(at.getTime())) throw new FieldErrors({ scheduledAt: 'newsletter.scheduledAt.invalid' });
    if (at.getTime() <= Date.now()) throw new FieldErrors({ scheduledAt: 'newsletter.scheduledAt.past' });
    const [, changed]: [unknown, number] = await this.dataSource.query(
      `UPDATE newsletter_edition SET status = 'scheduled', scheduled_at = $2, updated_at = now() WHERE id = $1 AND status IN ('draft', 'scheduled')`,
      [id, at],
    );
    if (changed === 0) await this.refuseAsItStands(id);
  }

  /** Back to a draft, while it is not yet being sent. */
  async unschedule(_actor: Actor, id: string): Promise<void> {
    const [, changed]: [unknown, number] = await this.dataSource.query(
      `UPDATE newsletter_edition SET status = 'draft', scheduled_at = NULL, updated_at = now() WHERE id = $1 AND status IN ('draft', 'scheduled')`,
      [checkedId(id)],
    );
    if (changed === 0) await this.refuseAsItStands(id);
  }

  /** Not found, or being sent or sent: no longer to be changed. */
  private async refuseAsItStands(id: string): Promise<never> {
    const edition = await this.find(id);
    throw new Refused(edition.status === 'sent' ? 'newsletter.edition.isSent' : 'newsletter.edition.isSending');
  }

  /**
   * Starts the editions whose time has come and queues every edition being sent (one a worker left
   * half-queued, too). Safe to run on several workers at once and again after a crash.
   */
  @JobHandler(JobName.NewsletterSend)
  async sendDue(): Promise<{ editions: number; queued: number }> {
    // Started afresh from the first subscriber, whatever an earlier sending of it left.
    await this.dataSource.query(
      `UPDATE newsletter_edition SET status = 'sending', queued_through = NULL, recipient_count = 0 WHERE status = 'scheduled' AND scheduled_at <= now()`,
    );
    const sending: { id: string }[] = await this.dataSource.query(`SELECT id FROM newsletter_edition WHERE status = 'sending' ORDER BY scheduled_at, id`);
    let queued = 0;
    for (const { id } of sending) queued += await this.queueEdition(id);
    return { editions: sending.length, queued };
  }

  /** Queues an edition being sent, batch by batch from its cursor, until it is sent; returns how many rows this call wrote. */
  async queueEdition(id: string): Promise<number> {
    let queued = 0;
    for (;;) {
      const batch = await this.dataSource.transaction(async (manager) => {
        const [edition]: { status: EditionStatus; queued_through: string | null }[] = await manager.query(
          `SELECT status, queued_through FROM newsletter_edition WHERE id = $1 FOR UPDATE`,
          [id],
        );
        if (edition?.status !== 'sending') return { done: true, written: 0 };
        const subscribers: { id: string; email: string; language: Language }[] = await manager.query(
          `SELECT id, email, language FROM newsletter_subscriber
           WHERE status = 'confirmed' AND ($1::uuid IS NULL OR id > $1::uuid) ORDER BY id LIMIT ${SEND_BATCH}`,
          [edition.queued_through],
        );
        // A subscriber is written without their account: the newsletter is no kind of theirs to turn off or put in a digest.
        const written = await this.notifications.notifyAll(
          NEWSLETTER_EDITION_KIND,
          subscribers
            .filter((subscriber) => isEmailAddress(subscriber.email))
            .map((subscriber) => ({
              recipient: { email: subscriber.email, language: subscriber.language },
              key: `newsletter-${id}-${subscriber.id}`,
              payload: { editionId: id, subscriberId: subscriber.id },
            })),
          { manager },
        );
        const done = subscribers.length < SEND_BATCH;
        await manager.query(
          `UPDATE newsletter_edition
              SET queued_through = coalesce($2::uuid, queued_through), recipient_count = recipient_count + $3,
                  status = CASE WHEN $4 THEN 'sent' ELSE status END, sent_at = CASE WHEN $4 THEN now() ELSE sent_at END
            WHERE id = $1`,
          [id, subscribers.at(-1)?.id ?? null, written, done],
        );
        return { done, written };
      });
      queued += batch.written;
      if (batch.done) return queued;
    }
  }
}
