// Owns the facilitators' daily roster summary: once a day (DIGEST_HOUR, Helsinki) each facilitator
// whose cohorts' rosters changed since their previous summary gets one email listing the changes
// (person, cohort, from → to, when), in their language. A summary covers the changes up to a moment
// it records in its payload, and the next one starts there, so no change is left out or told twice;
// its key (roster-summary-<userId>-<Helsinki date>) makes a rerun on the same day send nothing.
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CONFIG, Config } from '../config/config';
import { formatDate } from '../i18n/dates';
import { helsinkiDate } from '../i18n/helsinki-time';
import { Language, MESSAGES, translate } from '../i18n/i18n';
import { NotificationKinds } from '../notifications/notification-kinds';
import { NotificationsService } from '../notifications/notifications.service';
import { JobHandler } from '../queue/job-handler.decorator';
import { JobName } from '../queue/jobs';

export const ROSTER_SUMMARY_KIND = 'roster.summary';

declare module '../notifications/notification-kinds' {
  interface NotificationPayloads {
    /** `until` (ISO text) is where the next summary starts; the rest is what the mail shows. */
    [ROSTER_SUMMARY_KIND]: { date: string; since: string; until: string; count: number; cohorts: RosterSummaryCohort[] };
  }
}

/**
 * A change's time is its transaction's start, and a transaction still open when the summary runs
 * commits later with an earlier time: a summary therefore covers changes up to this long ago only,
 * and the newest ones go into the next day's summary.
 */
const SETTLING_TIME = '1 minute';
/** A facilitator with no summary yet gets the changes of the last day, not a cohort's whole history. */
const FIRST_SUMMARY_SPAN = '1 day';
/** Lines per cohort in one email; the rest are counted, and the roster itself has them all. */
const MAX_CHANGES_PER_COHORT = 100;
/** SQL for where a facilitator's previous summary stopped ($1 the kind, $2 the facilitator). */
const PREVIOUS_UNTIL = `SELECT (n.payload->>'until')::timestamptz FROM outbox_entry n
  WHERE n.kind = $1 AND n.recipient_user_id = $2 AND n.status <> 'cancelled' AND n.payload->>'until' IS NOT NULL
  ORDER BY n.created_at DESC LIMIT 1`;

interface Facilitator {
  id: string;
  email: string;
  display_name: string;
  language: Language;
}

interface ChangeRow {
  cohort_id: string;
  cohort_name: string;
  person_name: string;
  from_status: string | null;
  to_status: string;
  from_position: number | null;
  to_position: number | null;
  reason: string | null;
  created_at: Date;
}

interface RosterSummaryCohort {
  cohortId: string;
  cohortName: string;
  cohortUrl: string;
  changes: { at: string; person: string; from: string; to: string; reason: string | null }[];
  /** Changes left out of the email to keep it readable. */
  more: number;
}

@Injectable()
export class RosterSummaryService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
    private readonly kinds: NotificationKinds,
    private readonly notifications: NotificationsService,
  ) {}

  onModuleInit() {
    this.kinds.register({
      name: ROSTER_SUMMARY_KIND,
      template: 'roster-summary',
      secretLinks: [],
      subject: (payload, lang) => translate(lang, 'mail.roster.summary.subject', { date: payload.date, count: payload.count }),
      aboutPath: () => '/my/cohorts',
    });
  }

  /** Writes one summary per facilitator whose rosters changed; returns how many. */
  @JobHandler(JobName.RosterSummary)
  async send(): Promise<{ summaries: number }> {
    const facilitators: Facilitator[] = await this.dataSource.query(
      `SELECT u.id, u.email, u.display_name, u.language FROM person u
       WHERE u.status = 'active' AND u.id IN (SELECT user_id FROM facilitator_listing)
       ORDER BY u.id`,
    );
    let summaries = 0;
    for (const facilitator of facilitators) {
      if (await this.summarise(facilitator)) summaries++;
    }
    return { summaries };
  }

  /** One facilitator's summary, if their rosters changed, in a transaction of its own so that a rerun finds it. */
  private async summarise(facilitator: Facilitator): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [{ now, until }]: { now: Date; until: Date }[] = await manager.query(`SELECT now(), now() - interval '${SETTLING_TIME}' AS until`);
      const key = `roster-summary-${facilitator.id}-${helsinkiDate(now)}`;
      // Two runs at once (a retry beside the scheduled run) take turns per facilitator.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [key]);
      const [already] = await manager.query(`SELECT 1 FROM outbox_entry WHERE key = $1 AND status <> 'cancelled'`, [key]);
      if (already) return false;
      const [{ since }]: { since: Date }[] = await manager.query(
        `SELECT coalesce((${PREVIOUS_UNTIL}), $3::timestamptz - interval '${FIRST_SUMMARY_SPAN}') AS since`,
        [ROSTER_SUMMARY_KIND, facilitator.id, until],
      );
      const changes: ChangeRow[] = await manager.query(
        `SELECT c.cohort_id, co.name AS cohort_name, u.display_name AS person_name, c.from_status, c.to_status,
                c.from_position, c.to_position, c.reason, c.created_at
         FROM enrolment_change c
         JOIN facilitator_listing f ON f.cohort_id = c.cohort_id AND f.user_id = $1
         JOIN cohort_listing co ON co.id = c.cohort_id
         JOIN enrolment e ON e.id = c.enrolment_id
         JOIN person u ON u.id = e.user_id
         WHERE c.created_at > $2 AND c.created_at <= $3
         ORDER BY co.starts_at, co.name, c.cohort_id, c.created_at, c.id`,
        [facilitator.id, since, until],
      );
      if (changes.length === 0) return false;
      const lang = facilitator.language;
      const payload = {
        date: formatDate(now, lang, 'date'),
        since: formatDate(since, lang, 'dateTime'),
        until: until.toISOString(),
        count: changes.length,
        cohorts: this.byCohort(changes, lang),
      };
      const id = await this.notifications.notify(
        ROSTER_SUMMARY_KIND,
        { userId: facilitator.id, email: facilitator.email, name: facilitator.display_name, language: lang },
        payload,
        { key, manager },
      );
      return id !== null;
    });
  }

  private byCohort(changes: ChangeRow[], lang: Language): RosterSummaryCohort[] {
    const cohorts: RosterSummaryCohort[] = [];
    for (const change of changes) {
      let cohort = cohorts.at(-1);
      if (cohort?.cohortId !== change.cohort_id) {
        cohort = { cohortId: change.cohort_id, cohortName: change.cohort_name, cohortUrl: `${this.config.baseUrl}/cohorts/${change.cohort_id}`, changes: [], more: 0 };
        cohorts.push(cohort);
      }
      if (cohort.changes.length >= MAX_CHANGES_PER_COHORT) {
        cohort.more++;
        continue;
      }
      cohort.changes.push({
        at: formatDate(new Date(change.created_at), lang, 'dateTime'),
        person: change.person_name.trim() || translate(lang, 'mail.roster.summary.erasedPerson'),
        from: change.from_status ? this.statusLabel(lang, change.from_status, change.from_position) : translate(lang, 'mail.roster.summary.new'),
        to: this.statusLabel(lang, change.to_status, change.to_position),
        reason: this.reasonText(lang, change.reason),
      });
    }
    return cohorts;
  }

  private statusLabel(lang: Language, status: string, position: number | null): string {
    return translate(lang, `mail.roster.summary.status.${status}`, { position });
  }

  /** Reasons are what a facilitator typed, or the key of a reason the system gave (shown translated, or not at all). */
  private reasonText(lang: Language, reason: string | null): string | null {
    if (!reason?.trim()) return null;
    if (!/^enrolment\.reason\.[\w.-]+$/.test(reason)) return reason.trim();
    return reason in MESSAGES[lang] || reason in MESSAGES.fi ? translate(lang, reason) : null;
  }
}
