// Owns "tell me when the next round opens": people on a programme's interest list (programme_interest).
// A signed-in person with a verified address joins the list of a published programme (once: asking
// again keeps the one waiting row) or leaves it. When a round of the programme is published, everyone
// waiting is mailed once, in the publishing transaction, and their rows record which round told them;
// publishing it again (or another round later) finds nobody waiting. Admins see the list's size by agency.
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../access/capabilities';
import { mustHaveVerifiedEmail } from '../access/email-verified';
import { checkedId, NotFound, Refused } from '../errors/domain-errors';
import { DomainEvents } from '../events/domain-events';
import { Language, localized, LocalizedText, translate } from '../i18n/i18n';
import { NotificationsService } from '../notifications/notifications.service';
import { ROUND_OPENED_KIND } from './programme-interest.notifications';

export interface InterestAnswer {
  /** The person is on the list now. */
  waiting: boolean;
  /** They were on it already: nothing changed. */
  already: boolean;
}

export interface AgencyDemand {
  agencyId: string | null;
  /** The agency's name; "ei virastoa" (in the reader's language) for people without one. */
  agency: string;
  count: number;
}

export interface InterestList {
  programmeId: string;
  /** How many people wait for the programme's next round. */
  size: number;
  /** By agency, most first. */
  byAgency: AgencyDemand[];
}

@Injectable()
export class ProgrammeInterestService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly notifications: NotificationsService,
  ) {}

  onModuleInit() {
    this.events.on('cohort.status-changed', async ({ cohortId, to }, manager) => {
      if (to === 'published') await this.notifyOnPublish(manager, cohortId);
    });
    this.events.on('user.leaving', async ({ userId }, manager) => {
      await manager.query(`DELETE FROM programme_interest WHERE user_id = $1 AND notified_at IS NULL`, [userId]);
    });
  }

  /** Puts the person on the programme's list; asking again keeps their one waiting row. */
  async register(actor: Actor, programmeId: string): Promise<InterestAnswer> {
    mustHaveVerifiedEmail(actor);
    const programme = await this.publishedProgramme(programmeId);
    // The partial unique index programme_interest_one_waiting keeps one waiting row per person, whoever asks at once.
    const inserted: { id: string }[] = await this.dataSource.query(
      `INSERT INTO programme_interest (programme_id, user_id, agency_id) VALUES ($1, $2, $3)
       ON CONFLICT (programme_id, user_id) WHERE notified_at IS NULL DO NOTHING RETURNING id`,
      [programme.id, actor.id, actor.agencyId],
    );
    return { waiting: true, already: inserted.length === 0 };
  }

  /** Takes the person off the programme's list; true when they were on it. */
  async withdraw(actor: Actor, programmeId: string): Promise<boolean> {
    const [, removed]: [unknown, number] = await this.dataSource.query(`DELETE FROM programme_interest WHERE programme_id = $1 AND user_id = $2 AND notified_at IS NULL`, [
      checkedId(programmeId),
      actor.id,
    ]);
    return removed > 0;
  }

  async isWaiting(actorId: string, programmeId: string): Promise<boolean> {
    const [row] = await this.dataSource.query(`SELECT 1 FROM programme_interest WHERE programme_id = $1 AND user_id = $2 AND notified_at IS NULL`, [checkedId(programmeId), actorId]);
    return !!row;
  }

  /** The list's size and who is on it by agency (each person's agency when they asked), most first. */
  async listFor(programmeId: string, lang: Language): Promise<InterestList> {
    const [programme] = await this.dataSource.query(`SELECT id FROM programme WHERE id = $1`, [checkedId(programmeId)]);
    if (!programme) throw new NotFound();
    const rows: { agency_id: string | null; name: string | null; count: number }[] = await this.dataSource.query(
      `SELECT i.agency_id, a.name, count(*)::int AS count
         FROM programme_interest i LEFT JOIN agency_name a ON a.id = i.agency_id
        WHERE i.programme_id = $1 AND i.notified_at IS NULL
        GROUP BY i.agency_id, a.name
        ORDER BY count(*) DESC, a.name NULLS LAST`,
      [programme.id],
    );
    return {
      programmeId: programme.id,
      size: rows.reduce((sum, row) => sum + row.count, 0),
      byAgency: rows.map((row) => ({ agencyId: row.agency_id, agency: row.name ?? translate(lang, 'programmeInterest.noAgency'), count: row.count })),
    };
  }

  /** How many people wait for a next round, over every programme (the admin overview). */
  async totalWaiting(): Promise<number> {
    const [row] = await this.dataSource.query(`SELECT count(*)::int AS count FROM programme_interest WHERE notified_at IS NULL`);
    return row.count;
  }

  /**
   * A round was published: everyone waiting for its programme is told, once, in the publishing
   * transaction. Their rows are marked with the round, so publishing it again tells nobody; someone
   * who asked again after this round told them is not told of it twice. People already in the round
   * are marked but not mailed.
   */
  async notifyOnPublish(manager: EntityManager, cohortId: string): Promise<number> {
    const [cohort]: {
      id: string;
      programme_id: string;
      name: string;
      starts_at: Date;
      enrolment_opens_at: Date;
      enrolment_closes_at: Date;
      programme_title: LocalizedText;
    }[] = await manager.query(
      `SELECT c.id, c.programme_id, c.name, c.starts_at, c.enrolment_opens_at, c.enrolment_closes_at, p.title AS programme_title
         FROM cohort c JOIN programme p ON p.id = c.programme_id WHERE c.id = $1`,
      [cohortId],
    );
    if (!cohort) return 0;
    // An UPDATE … RETURNING answers [rows, count].
    const [told]: [{ user_id: string }[], number] = await manager.query(
      `UPDATE programme_interest i SET notified_at = now(), notified_cohort_id = $2
        WHERE i.programme_id = $1 AND i.notified_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM programme_interest o WHERE o.user_id = i.user_id AND o.notified_cohort_id = $2)
        RETURNING i.user_id`,
      [cohort.programme_id, cohort.id],
    );
    if (told.length === 0) return 0;
    const people: { id: string; email: string; display_name: string; language: Language }[] = await manager.query(
      `SELECT u.id, u.email, u.display_name, u.language FROM person u
        WHERE u.id = ANY($1::uuid[]) AND u.status = 'active'
          AND NOT EXISTS (SELECT 1 FROM cohort_member m WHERE m.cohort_id = $2 AND m.user_id = u.id
                            AND m.status IN ('confirmed', 'waitlisted', 'pending_approval', 'offered', 'facilitating'))
        ORDER BY u.id`,
      [told.map((row) => row.user_id), cohort.id],
    );
    return this.notifications.notifyAll(
      ROUND_OPENED_KIND,
      people.map((person) => ({
        recipient: { userId: person.id, email: person.email, name: person.display_name, language: person.language },
        key: `round-opened-${cohort.id}-${person.id}`,
        payload: {
          cohortId: cohort.id,
          programmeId: cohort.programme_id,
          cohortName: cohort.name,
          programmeTitle: localized(cohort.programme_title, person.language),
          startsAt: cohort.starts_at,
          enrolmentOpensAt: cohort.enrolment_opens_at,
          enrolmentClosesAt: cohort.enrolment_closes_at,
        },
      })),
      { manager },
    );
  }

  /** A programme one may ask about: unknown is a 404, one not published (a draft, archived) is refused. */
  private async publishedProgramme(programmeId: string): Promise<{ id: string }> {
    const [programme]: { id: string; status: string }[] = await this.dataSource.query(`SELECT id, status FROM programme WHERE id = $1`, [checkedId(programmeId)]);
    if (!programme) throw new NotFound();
    if (programme.status !== 'published') throw new Refused('programmeInterest.refused.notPublished');
    return programme;
  }
}
