// A person's copy of everything Verso keeps about them (the profile's "download my data"), as JSON:
// one method per part, and a readme in the person's language saying what each part is.
//
// Two rules hold for every part. No secrets: no token, token hash or password hash, only whether a
// link or token exists and its dates. Nothing about anybody else: where a record names another
// person (who changed an enrolment, who marked attendance), the download gives the role they acted
// in ("admin", "facilitator"), never who they were; where the person acted on other people's
// records, it gives counts, since the records are about those people.
//
// The export is by nature about every area, so it reads each area's part through the views that
// area exports (its src/<area>/sql/*.sql: person, enrolment_by_person, forum_post_by_person…), in one
// SQL snapshot, rather than through those areas' services: accounts sits below them (STYLE.md), and
// an import would point the dependency the wrong way. COVERED_COLUMNS and LEFT_OUT list every column
// that holds a person's id or address (in the tables behind the views);
// test/personal-data.test.ts reads the schema and fails on any it finds in neither, so a new table
// holding a user id cannot be forgotten here.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { NotFound } from '../errors/domain-errors';
import { Language, localized, LocalizedText, MESSAGES, translate } from '../i18n/i18n';
import { cohortNameIn } from '../i18n/cohort-name';
import { OneTimeLinkTable } from './one-time-link';

/** The parts of the download, in the order they appear (after `readme` and `exportedAt`). */
export const PERSONAL_DATA_PARTS = [
  'profile',
  'agency',
  'notificationPreferences',
  'enrolments',
  'programmeInterest',
  'eventRegistrations',
  'attendance',
  'completions',
  'feedback',
  'facilitating',
  'threads',
  'posts',
  'forumSubscriptions',
  'forumReadPositions',
  'notifications',
  'calendarFeed',
  'files',
  'materials',
  'toolkitCases',
  'newsletter',
  'apiTokens',
  'emailVerifications',
  'passwordResets',
  'auditLog',
  'auditLogByYou',
  'actionsOnOthersRecords',
] as const;
export type PersonalDataPart = (typeof PERSONAL_DATA_PARTS)[number];

/**
 * Every column (`table.column`) that holds a person's id or address, and the part that reads the
 * person's rows through it. The views the parts read through hold those columns too, so each view's
 * column follows its table's.
 */
export const COVERED_COLUMNS: Readonly<Record<string, PersonalDataPart>> = {
  'app_user.email': 'profile',
  'person.email': 'profile',
  'notification_preference.user_id': 'notificationPreferences',
  'notification_choice.user_id': 'notificationPreferences',
  'enrolment.user_id': 'enrolments',
  'enrolment_by_person.user_id': 'enrolments',
  // The address the participant gave for their manager: part of the participant's own enrolment.
  // A manager is asked by address, with or without an account; those requests are the participant's data.
  'enrolment.manager_email': 'enrolments',
  'enrolment_by_person.manager_email': 'enrolments',
  // "Tell me when the next round opens": the programmes whose next round the person asked to hear of.
  'programme_interest.user_id': 'programmeInterest',
  'programme_interest_by_person.user_id': 'programmeInterest',
  'event_registration.user_id': 'eventRegistrations',
  'event_registration_by_person.user_id': 'eventRegistrations',
  'attendance.user_id': 'attendance',
  'attendance_by_person.user_id': 'attendance',
  'completion.user_id': 'completions',
  'completion_by_person.user_id': 'completions',
  // The register's imported list (issue 18): rows matched to the person by their address.
  'historical_completion.user_id': 'completions',
  'historical_completion_by_person.user_id': 'completions',
  'historical_completion.email': 'completions',
  'historical_completion_by_person.email': 'completions',
  // The agencies whose register contact the person is.
  'agency_contact.user_id': 'profile',
  'agency_contact_by_person.user_id': 'profile',
  // Feedback surveys (issue 18): that the person answered a survey, and their named answers (an anonymous answer holds no person).
  'survey_respondent.user_id': 'feedback',
  'survey_respondent_by_person.user_id': 'feedback',
  'survey_response.user_id': 'feedback',
  'survey_answer_by_person.user_id': 'feedback',
  'cohort_facilitator.user_id': 'facilitating',
  'facilitator_listing.user_id': 'facilitating',
  'programme_facilitator.user_id': 'facilitating',
  'programme_facilitator_listing.user_id': 'facilitating',
  'forum_thread.author_id': 'threads',
  'forum_thread_by_person.author_id': 'threads',
  'forum_post.author_id': 'posts',
  'forum_post_by_person.author_id': 'posts',
  'forum_subscription.user_id': 'forumSubscriptions',
  'forum_subscription_by_person.user_id': 'forumSubscriptions',
  'forum_read.user_id': 'forumReadPositions',
  'forum_read_by_person.user_id': 'forumReadPositions',
  'notification.recipient_user_id': 'notifications',
  'notification_by_person.recipient_user_id': 'notifications',
  'notification.recipient_email': 'notifications',
  'notification_by_person.recipient_email': 'notifications',
  'calendar_feed.user_id': 'calendarFeed',
  'calendar_feed_by_person.user_id': 'calendarFeed',
  'stored_file.uploaded_by': 'files',
  // Materials (issue 19): what the person added to programmes, rounds and sessions, and each version they put up.
  'material.created_by': 'materials',
  'material_by_person.created_by': 'materials',
  'material_version.added_by': 'materials',
  'material_version_by_person.added_by': 'materials',
  // The cases the person told the toolkit, with the outcome.
  'toolkit_entry.submitted_by': 'toolkitCases',
  'toolkit_entry_by_person.submitted_by': 'toolkitCases',
  'toolkit_entry.reviewed_by': 'actionsOnOthersRecords',
  'toolkit_entry_by_person.reviewed_by': 'actionsOnOthersRecords',
  // The newsletter subscription of their account, or of their account's address.
  'newsletter_subscriber.user_id': 'newsletter',
  'newsletter_subscriber_by_person.user_id': 'newsletter',
  'newsletter_subscriber.email': 'newsletter',
  'newsletter_subscriber_by_person.email': 'newsletter',
  'api_token.user_id': 'apiTokens',
  'api_token_listing.user_id': 'apiTokens',
  'email_verification.user_id': 'emailVerifications',
  'password_reset.user_id': 'passwordResets',
  // target_id holds a user's id when target_type is 'user'.
  'audit_log.target_id': 'auditLog',
  'audit_entry.target_id': 'auditLog',
  'audit_log.actor_user_id': 'auditLogByYou',
  'audit_entry.actor_user_id': 'auditLogByYou',
  'attendance.marked_by_id': 'actionsOnOthersRecords',
  'attendance_by_person.marked_by_id': 'actionsOnOthersRecords',
  'completion.marked_by_id': 'actionsOnOthersRecords',
  'completion_by_person.marked_by_id': 'actionsOnOthersRecords',
  'enrolment_change.changed_by_id': 'actionsOnOthersRecords',
  'enrolment_history.changed_by_id': 'actionsOnOthersRecords',
  'session_change.changed_by_id': 'actionsOnOthersRecords',
  'session_change_by_person.changed_by_id': 'actionsOnOthersRecords',
  'forum_moderation.actor_id': 'actionsOnOthersRecords',
  'forum_moderation_by_person.actor_id': 'actionsOnOthersRecords',
};

/** Columns holding a person's id that the download leaves out on purpose, and why. */
export const LEFT_OUT: Readonly<Record<string, string>> = {
  'user_session.sess':
    'sign-in sessions: a session id and the person’s id, nothing they did; they expire after two weeks and are deleted at sign-out and erasure',
  // Views of rows the download reads through another view.
  'stored_file.owner_id': 'not a person: the material, post or toolkit entry a file belongs to (owner_kind says which)',
  'file_attachment.owner_id': 'not a person: what a file belongs to, as stored_file.owner_id',
  'unread_notification_count.user_id': 'a count of the notifications the download lists, read as notification_by_person',
  'cohort_member.user_id': 'the enrolments and facilitator lists, read as enrolment_by_person and facilitator_listing',
  'outbox_entry.recipient_user_id': 'the notifications, read as notification_by_person',
  'live_api_token.user_id': 'the API tokens still valid, read with the others as api_token_listing',
  'completion_listing.user_id': 'the completions, read as completion_by_person',
  // An admin's acts on others' records in the register: each is in the audit log (auditLogByYou).
  'historical_completion.imported_by_id': 'who imported a historical list: the import is in the audit log the download gives as auditLogByYou',
  'historical_completion_by_person.imported_by_id': 'who imported a historical list: the import is in the audit log the download gives as auditLogByYou',
  'agency_contact.granted_by_id': 'who made someone an agency contact: the grant is in the audit log the download gives as auditLogByYou',
  'agency_contact_by_person.granted_by_id': 'who made someone an agency contact: the grant is in the audit log the download gives as auditLogByYou',
  'newsletter_edition.created_by': 'which admin started a newsletter edition: the site’s own publication, sent and archived in its name, not a record about the admin',
};

/** A reason in the person's language: the enrolment area writes its own as message keys; anything else is text a person typed. */
const translatedReason = (reason: string | null, lang: Language): string | null => (reason && Object.hasOwn(MESSAGES.fi, reason) ? translate(lang, reason) : reason);

/**
 * Who acted (an SQL expression for a user id) as a role, never as a person: 'you', 'admin',
 * 'facilitator' (of the round `cohort`), 'system' (nobody: an automatic change, a manager's answer
 * by link) or 'someoneElse' (say, another participant whose cancellation freed a seat). The role
 * is the one they hold now; roles held at the time are not recorded. `$1` is the person.
 */
function actedAs(actor: string, cohort: string): string {
  return `CASE WHEN ${actor} IS NULL THEN 'system' WHEN ${actor} = $1::uuid THEN 'you'
    WHEN EXISTS (SELECT 1 FROM person b WHERE b.id = ${actor} AND b.site_role = 'admin') THEN 'admin'
    WHEN EXISTS (SELECT 1 FROM facilitator_listing f WHERE f.cohort_id = ${cohort} AND f.user_id = ${actor}) THEN 'facilitator'
    ELSE 'someoneElse' END`;
}

/** A round's programme and name, as the person reads them elsewhere. */
interface CohortNames {
  programme_title: LocalizedText;
  cohort_name: string;
}
const OVERVIEW_COHORT_COLUMNS = `p.title AS programme_title, c.name AS cohort_name`;
const cohortNames = (row: CohortNames, lang: Language) => ({ programme: localized(row.programme_title, lang), cohort: cohortNameIn(row.cohort_name, lang) });

/**
 * A channel's name as people see it: a round's forum is named after its round. The same rule as
 * forums' channelName, written again here so accounts does not depend on forums.
 */
interface ChannelNames {
  channel_name: LocalizedText;
  channel_programme_title: LocalizedText | null;
  channel_cohort_name: string | null;
}
const CHANNEL_JOINS = (channel: string) => `LEFT JOIN cohort_listing cc ON cc.id = ${channel}.cohort_id LEFT JOIN programme_listing cp ON cp.id = cc.programme_id`;
const CHANNEL_COLUMNS = (channel: string) => `${channel}.name AS channel_name, cp.title AS channel_programme_title, cc.name AS channel_cohort_name`;
const channelName = (row: ChannelNames, lang: Language): string =>
  row.channel_programme_title && row.channel_cohort_name
    ? `${localized(row.channel_programme_title, lang)}: ${cohortNameIn(row.channel_cohort_name, lang)}`
    : localized(row.channel_name, lang);

@Injectable()
export class PersonalDataService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The whole download, with its readme in the person's own language. One snapshot (REPEATABLE
   * READ), so the parts agree with each other: no reply without its thread, no history without its enrolment.
   */
  async export(userId: string): Promise<Record<PersonalDataPart, unknown> & { readme: Record<string, string>; exportedAt: string }> {
    return this.dataSource.transaction('REPEATABLE READ', async (db) => {
      const profile = await this.profile(db, userId);
      if (!profile) throw new NotFound();
      const lang = profile.language;
      const parts: Record<PersonalDataPart, unknown> = {
        profile,
        agency: await this.agency(db, userId),
        notificationPreferences: await this.notificationPreferences(db, userId),
        enrolments: await this.enrolments(db, userId, lang),
        programmeInterest: await this.programmeInterest(db, userId, lang),
        eventRegistrations: await this.eventRegistrations(db, userId, lang),
        attendance: await this.attendance(db, userId, lang),
        completions: await this.completions(db, userId, lang),
        feedback: await this.feedback(db, userId, lang),
        facilitating: await this.facilitating(db, userId, lang),
        threads: await this.threads(db, userId, lang),
        posts: await this.posts(db, userId, lang),
        forumSubscriptions: await this.forumSubscriptions(db, userId, lang),
        forumReadPositions: await this.forumReadPositions(db, userId, lang),
        notifications: await this.notifications(db, userId),
        calendarFeed: await this.calendarFeed(db, userId),
        files: await this.files(db, userId),
        materials: await this.materials(db, userId),
        toolkitCases: await this.toolkitCases(db, userId),
        newsletter: await this.newsletter(db, userId),
        apiTokens: await this.apiTokens(db, userId),
        emailVerifications: await this.linkDates(db, 'email_verification', userId),
        passwordResets: await this.linkDates(db, 'password_reset', userId),
        auditLog: await this.auditLog(db, userId),
        auditLogByYou: await this.auditLogByYou(db, userId),
        actionsOnOthersRecords: await this.actionsOnOthersRecords(db, userId),
      };
      return { readme: this.readme(lang), exportedAt: new Date().toISOString(), ...parts };
    });
  }

  /** What each part is, in `lang`. */
  readme(lang: Language): Record<string, string> {
    const keys = ['exportedAt', ...PERSONAL_DATA_PARTS];
    return Object.fromEntries(keys.map((key) => [key, translate(lang, `personalData.readme.${key}`)]));
  }

  /** The account itself: no password hash or session version, which say nothing the person needs. */
  private async profile(db: EntityManager, userId: string): Promise<({ language: Language } & Record<string, unknown>) | null> {
    const [row] = await db.query(
      `SELECT id, email, display_name AS "displayName", language, site_role AS "siteRole", status,
              email_verified_at AS "emailVerifiedAt", created_at AS "createdAt", updated_at AS "updatedAt",
              last_signed_in_at AS "lastSignedInAt", erasure_requested_at AS "erasureRequestedAt",
              digest_hour AS "digestHour", digest_rhythm AS "digestRhythm", hide_name_from_participants AS "hideNameFromParticipants",
              (SELECT o.listed_in_register FROM register_person o WHERE o.id = person.id) AS "listedInRegister",
              (SELECT coalesce(json_agg(a.name ORDER BY a.name), '[]') FROM agency_contact_by_person c JOIN agency_name a ON a.id = c.agency_id
                WHERE c.user_id = person.id) AS "registerContactFor"
         FROM person WHERE id = $1`,
      [userId],
    );
    return row ?? null;
  }

  private async agency(db: EntityManager, userId: string): Promise<{ id: string; name: string } | null> {
    const [row] = await db.query(`SELECT a.id, a.name FROM person u JOIN agency_name a ON a.id = u.agency_id WHERE u.id = $1`, [userId]);
    return row ?? null;
  }

  private async notificationPreferences(db: EntityManager, userId: string): Promise<{ kind: string; channel: string }[]> {
    return db.query(`SELECT kind, channel FROM notification_choice WHERE user_id = $1 ORDER BY kind`, [userId]);
  }

  /**
   * Every enrolment, with its history oldest first. The approval link's hash stays out; the
   * manager's address stays in (the person gave it).
   */
  private async enrolments(db: EntityManager, userId: string, lang: Language) {
    const rows: (CohortNames & Record<string, unknown> & { history: { at: string; reason: string | null }[] })[] = await db.query(
      `SELECT e.id, ${OVERVIEW_COHORT_COLUMNS}, e.status, e.waitlist_position AS "waitlistPosition", e.manager_email AS "managerEmail",
              e.approval_expires_at AS "approvalExpiresAt", e.created_at AS "createdAt", e.updated_at AS "updatedAt",
              e.confirmed_at AS "confirmedAt", e.completed_at AS "completedAt",
              coalesce((SELECT json_agg(json_build_object(
                  'at', h.created_at, 'fromStatus', h.from_status, 'toStatus', h.to_status,
                  'fromPosition', h.from_position, 'toPosition', h.to_position, 'reason', h.reason,
                  'by', ${actedAs('h.changed_by_id', 'h.cohort_id')}) ORDER BY h.created_at, h.id)
                FROM enrolment_history h WHERE h.enrolment_id = e.id), '[]') AS history
         FROM enrolment_by_person e JOIN cohort_listing c ON c.id = e.cohort_id JOIN programme_listing p ON p.id = c.programme_id
        WHERE e.user_id = $1 ORDER BY e.created_at, e.id`,
      [userId],
    );
    return rows.map(({ programme_title, cohort_name, history, ...enrolment }) => ({
      ...cohortNames({ programme_title, cohort_name }, lang),
      ...enrolment,
      // json_agg writes times as PostgreSQL does ("+00:00"); every other time in the file is JavaScript's ISO form.
      history: history.map((change) => ({ ...change, at: new Date(change.at), reason: translatedReason(change.reason, lang) })),
    }));
  }

  /** The programmes whose next round the person asked to hear of: when, their agency then, and which round told them. */
  private async programmeInterest(db: EntityManager, userId: string, lang: Language) {
    const rows: ({ programme_title: LocalizedText; cohort_name: string | null } & Record<string, unknown>)[] = await db.query(
      `SELECT p.title AS programme_title, c.name AS cohort_name, a.name AS agency, i.created_at AS "askedAt", i.notified_at AS "notifiedAt"
         FROM programme_interest_by_person i JOIN programme_listing p ON p.id = i.programme_id
         LEFT JOIN cohort_listing c ON c.id = i.notified_cohort_id LEFT JOIN agency_name a ON a.id = i.agency_id
        WHERE i.user_id = $1 ORDER BY i.created_at, i.id`,
      [userId],
    );
    return rows.map(({ programme_title, cohort_name, ...interest }) => ({
      programme: localized(programme_title, lang),
      ...interest,
      notifiedOfRound: cohort_name ? cohortNameIn(cohort_name, lang) : null,
    }));
  }

  private async attendance(db: EntityManager, userId: string, lang: Language) {
    const rows: (CohortNames & Record<string, unknown>)[] = await db.query(
      `SELECT ${OVERVIEW_COHORT_COLUMNS}, s.starts_at AS "sessionStartsAt", s.ends_at AS "sessionEndsAt", a.present,
              a.marked_at AS "markedAt", ${actedAs('a.marked_by_id', 's.cohort_id')} AS "markedBy"
         FROM attendance_by_person a JOIN session_listing s ON s.id = a.session_id JOIN cohort_listing c ON c.id = s.cohort_id
         JOIN programme_listing p ON p.id = c.programme_id
        WHERE a.user_id = $1 ORDER BY s.starts_at, s.id`,
      [userId],
    );
    return rows.map(({ programme_title, cohort_name, ...row }) => ({ ...cohortNames({ programme_title, cohort_name }, lang), ...row }));
  }

  /**
   * The feedback surveys the person answered (when; for an anonymous survey nothing more is kept
   * about them), and their answers to named surveys, question by question.
   */
  private async feedback(db: EntityManager, userId: string, lang: Language) {
    const answered: { title: LocalizedText; cohort_name: string | null; answeredAt: Date }[] = await db.query(
      `SELECT r.title, c.name AS cohort_name, r.answered_at AS "answeredAt"
         FROM survey_respondent_by_person r LEFT JOIN cohort_listing c ON c.id = r.cohort_id
        WHERE r.user_id = $1 ORDER BY r.answered_at, r.survey_id`,
      [userId],
    );
    const answers: { survey_title: LocalizedText; prompt: LocalizedText; options: LocalizedText[]; scale: number | null; choices: number[] | null; text: string | null; submittedAt: Date }[] =
      await db.query(
        `SELECT a.survey_title, a.prompt, a.options, a.scale_value AS scale, a.choices, a.text, a.updated_at AS "submittedAt"
           FROM survey_answer_by_person a WHERE a.user_id = $1 ORDER BY a.submitted_at, a.response_id, a.position`,
        [userId],
      );
    return {
      answered: answered.map(({ title, cohort_name, answeredAt }) => ({ survey: localized(title, lang), cohort: cohort_name && cohortNameIn(cohort_name, lang), answeredAt })),
      namedAnswers: answers.map(({ survey_title, prompt, options, scale, choices, text, submittedAt }) => ({
        survey: localized(survey_title, lang),
        question: localized(prompt, lang),
        answer: text ?? scale ?? (choices ?? []).map((choice) => (options[choice] ? localized(options[choice], lang) : String(choice))),
        submittedAt,
      })),
    };
  }

  /** The register of trained developers: the agency is the one the person was with when they completed. */
  private async completions(db: EntityManager, userId: string, lang: Language) {
    const rows: (CohortNames & Record<string, unknown>)[] = await db.query(
      `SELECT ${OVERVIEW_COHORT_COLUMNS}, a.name AS agency, k.completed_at AS "completedAt", ${actedAs('k.marked_by_id', 'k.cohort_id')} AS "markedBy"
         FROM completion_by_person k JOIN cohort_listing c ON c.id = k.cohort_id JOIN programme_listing p ON p.id = k.programme_id
         LEFT JOIN agency_name a ON a.id = k.agency_id
        WHERE k.user_id = $1 ORDER BY k.completed_at, k.id`,
      [userId],
    );
    // Completions from before Verso, imported from the network's old list and matched to the person by address.
    const imported: { programme_title: LocalizedText; name: string | null; email: string | null; agency: string | null; year: number; importedAt: Date }[] = await db.query(
      `SELECT p.title AS programme_title, h.person_name AS name, h.email, a.name AS agency, h.year, h.imported_at AS "importedAt"
         FROM historical_completion_by_person h JOIN programme_listing p ON p.id = h.programme_id LEFT JOIN agency_name a ON a.id = h.agency_id
        WHERE h.user_id = $1 ORDER BY h.year, h.id`,
      [userId],
    );
    return [
      ...rows.map(({ programme_title, cohort_name, ...row }) => ({ ...cohortNames({ programme_title, cohort_name }, lang), ...row })),
      ...imported.map(({ programme_title, ...row }) => ({ programme: localized(programme_title, lang), imported: true, ...row })),
    ];
  }

  /** The programmes and rounds the person is named a facilitator of. */
  private async facilitating(db: EntityManager, userId: string, lang: Language) {
    const programmes: { title: LocalizedText }[] = await db.query(
      `SELECT p.title FROM programme_facilitator_listing f JOIN programme_listing p ON p.id = f.programme_id WHERE f.user_id = $1 ORDER BY p.position, p.id`,
      [userId],
    );
    const cohorts: CohortNames[] = await db.query(
      `SELECT ${OVERVIEW_COHORT_COLUMNS} FROM facilitator_listing f JOIN cohort_listing c ON c.id = f.cohort_id JOIN programme_listing p ON p.id = c.programme_id
        WHERE f.user_id = $1 ORDER BY c.starts_at NULLS LAST, c.id`,
      [userId],
    );
    return { programmes: programmes.map((row) => localized(row.title, lang)), rounds: cohorts.map((row) => cohortNames(row, lang)) };
  }

  /** The threads the person started (their opening posts are among the posts). */
  private async threads(db: EntityManager, userId: string, lang: Language) {
    const rows: (ChannelNames & Record<string, unknown>)[] = await db.query(
      `SELECT t.id, t.title, ${CHANNEL_COLUMNS('ch')}, t.created_at AS "createdAt", t.pinned, t.locked
         FROM forum_thread_by_person t JOIN forum_channel_name ch ON ch.id = t.channel_id ${CHANNEL_JOINS('ch')}
        WHERE t.author_id = $1 ORDER BY t.created_at, t.id`,
      [userId],
    );
    return rows.map(({ channel_name, channel_programme_title, channel_cohort_name, ...thread }) => ({
      ...thread,
      channel: channelName({ channel_name, channel_programme_title, channel_cohort_name }, lang),
    }));
  }

  /**
   * Every post the person wrote, as written (Markdown), deleted and hidden ones too: they are kept.
   * Which post a reply answers is left out: that post is someone else's.
   */
  private async posts(db: EntityManager, userId: string, lang: Language) {
    const rows: (ChannelNames & Record<string, unknown>)[] = await db.query(
      `SELECT po.id, po.thread_id AS "threadId", t.title AS "threadTitle", ${CHANNEL_COLUMNS('ch')}, po.body, po.language,
              po.created_at AS "createdAt", po.edited_at AS "editedAt", po.deleted_at AS "deletedAt",
              po.hidden_at AS "hiddenAt", po.hidden_reason AS "hiddenReason"
         FROM forum_post_by_person po JOIN forum_thread_by_person t ON t.id = po.thread_id
         JOIN forum_channel_name ch ON ch.id = t.channel_id ${CHANNEL_JOINS('ch')}
        WHERE po.author_id = $1 ORDER BY po.created_at, po.id`,
      [userId],
    );
    return rows.map(({ channel_name, channel_programme_title, channel_cohort_name, ...post }) => ({
      ...post,
      channel: channelName({ channel_name, channel_programme_title, channel_cohort_name }, lang),
    }));
  }

  /** The person's own choices; the levels that apply without one are a rule, not their data. */
  private async forumSubscriptions(db: EntityManager, userId: string, lang: Language) {
    const rows: (ChannelNames & { thread: string | null; level: string })[] = await db.query(
      `SELECT ${CHANNEL_COLUMNS('ch')}, t.title AS thread, s.level
         FROM forum_subscription_by_person s LEFT JOIN forum_thread_by_person t ON t.id = s.thread_id
         JOIN forum_channel_name ch ON ch.id = coalesce(s.channel_id, t.channel_id) ${CHANNEL_JOINS('ch')}
        WHERE s.user_id = $1 ORDER BY s.thread_id NULLS FIRST, s.id`,
      [userId],
    );
    return rows.map(({ channel_name, channel_programme_title, channel_cohort_name, thread, level }) => ({
      channel: channelName({ channel_name, channel_programme_title, channel_cohort_name }, lang),
      thread,
      level,
    }));
  }

  /** Registrations for network events (the developer days), with the answers given. */
  private async eventRegistrations(db: EntityManager, userId: string, lang: Language) {
    const rows: { title: LocalizedText; startsAt: Date; status: string; waitlistPosition: number | null; answers: Record<string, string>; registeredAt: Date; cancelledAt: Date | null }[] = await db.query(
      `SELECT event_title AS title, event_starts_at AS "startsAt", status, waitlist_position AS "waitlistPosition", answers, created_at AS "registeredAt", cancelled_at AS "cancelledAt"
         FROM event_registration_by_person WHERE user_id = $1 ORDER BY created_at, id`,
      [userId],
    );
    return rows.map(({ title, ...row }) => ({ event: localized(title, lang), ...row }));
  }

  private async forumReadPositions(db: EntityManager, userId: string, lang: Language) {
    const rows: (ChannelNames & { thread: string; readUpTo: Date })[] = await db.query(
      `SELECT t.title AS thread, ${CHANNEL_COLUMNS('ch')}, r.read_up_to AS "readUpTo"
         FROM forum_read_by_person r JOIN forum_thread_by_person t ON t.id = r.thread_id
         JOIN forum_channel_name ch ON ch.id = t.channel_id ${CHANNEL_JOINS('ch')}
        WHERE r.user_id = $1 ORDER BY r.read_up_to, t.id`,
      [userId],
    );
    return rows.map(({ channel_name, channel_programme_title, channel_cohort_name, thread, readUpTo }) => ({
      channel: channelName({ channel_name, channel_programme_title, channel_cohort_name }, lang),
      thread,
      readUpTo,
    }));
  }

  /**
   * Mail and messages to the person: to their account, or to their address without one (a test
   * message). The body and payload stay out: secret links live there, and kept copies hide them.
   */
  private async notifications(db: EntityManager, userId: string) {
    return db.query(
      `SELECT n.kind, n.subject, n.status, n.delivery, n.created_at AS "createdAt", n.due_at AS "dueAt", n.sent_at AS "sentAt", n.read_at AS "readAt"
         FROM notification_by_person n, person u
        WHERE u.id = $1 AND (n.recipient_user_id = u.id OR (n.recipient_user_id IS NULL AND lower(n.recipient_email) = lower(u.email)))
        ORDER BY n.created_at DESC, n.id`,
      [userId],
    );
  }

  /** Whether the person has a personal calendar address, and when it was made and last reset; never the address. */
  private async calendarFeed(db: EntityManager, userId: string) {
    const [feed]: { createdAt: Date; updatedAt: Date }[] = await db.query(
      `SELECT created_at AS "createdAt", updated_at AS "updatedAt" FROM calendar_feed_by_person WHERE user_id = $1`,
      [userId],
    );
    return feed ? { exists: true, ...feed } : { exists: false };
  }

  /** The files the person uploaded: names, types, sizes and dates (the files themselves open from their pages). */
  private async files(db: EntityManager, userId: string) {
    return db.query(
      `SELECT original_name AS "name", mime_type AS "type", size::int AS "size", owner_kind AS "belongsTo", created_at AS "uploadedAt"
         FROM stored_file_by_person WHERE uploaded_by = $1 ORDER BY created_at, id`,
      [userId],
    );
  }

  /** The materials the person added (title, kind, where) and the versions they put up (a file's name is under files). */
  private async materials(db: EntityManager, userId: string) {
    const added = await db.query(
      `SELECT m.title, m.kind, CASE WHEN m.programme_id IS NOT NULL THEN 'programme' WHEN m.cohort_id IS NOT NULL THEN 'round' ELSE 'session' END AS "place",
              m.created_at AS "addedAt"
         FROM material_by_person m WHERE m.created_by = $1 ORDER BY m.created_at, m.id`,
      [userId],
    );
    const versions = await db.query(
      `SELECT m.title, v.version, v.url, v.created_at AS "addedAt"
         FROM material_version_by_person v JOIN material_by_person m ON m.id = v.material_id
        WHERE v.added_by = $1 ORDER BY v.created_at, v.id`,
      [userId],
    );
    return { added, versions };
  }

  /** The cases the person submitted to the toolkit, with their status and the reviewer's note (not who reviewed). */
  private async toolkitCases(db: EntityManager, userId: string) {
    return db.query(
      `SELECT title, description, status, review_note AS "reviewNote", reviewed_at AS "reviewedAt", created_at AS "submittedAt"
         FROM toolkit_entry_by_person WHERE submitted_by = $1 ORDER BY created_at, id`,
      [userId],
    );
  }

  /** The newsletter subscription of the account or of its address: status and dates, not the confirmation link. */
  private async newsletter(db: EntityManager, userId: string) {
    return db.query(
      `SELECT n.email, n.language, n.status, n.created_at AS "subscribedAt", n.confirm_sent_at AS "confirmationMailedAt",
              n.confirmed_at AS "confirmedAt", n.unsubscribed_at AS "unsubscribedAt"
         FROM newsletter_subscriber_by_person n
        WHERE n.user_id = $1 OR lower(n.email) = (SELECT lower(email) FROM person WHERE id = $1)
        ORDER BY n.created_at, n.id`,
      [userId],
    );
  }

  /** Names and dates: the token itself was shown once and never kept, its hash stays out. */
  private async apiTokens(db: EntityManager, userId: string) {
    return db.query(
      `SELECT name, created_at AS "createdAt", expires_at AS "expiresAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"
         FROM api_token_listing WHERE user_id = $1 ORDER BY created_at, id`,
      [userId],
    );
  }

  /** The dates of the one-time links mailed to the person (address checks, password resets). */
  private async linkDates(db: EntityManager, table: OneTimeLinkTable, userId: string) {
    return db.query(
      `SELECT created_at AS "createdAt", expires_at AS "expiresAt", used_at AS "usedAt" FROM ${table} WHERE user_id = $1 ORDER BY created_at, id`,
      [userId],
    );
  }

  /** What was done to the person's account, and whether they, an admin or the system did it. */
  private async auditLog(db: EntityManager, userId: string) {
    return db.query(
      `SELECT action, created_at AS "createdAt", details, ${actedAs('actor_user_id', 'NULL')} AS "by"
         FROM audit_entry WHERE target_type = 'user' AND target_id = $1::text ORDER BY created_at, id`,
      [userId],
    );
  }

  /**
   * What the person did to other things (programmes, rounds, agencies, other accounts). The details
   * and, for other accounts, the target stay out: they describe what, or whom, was acted on.
   */
  private async auditLogByYou(db: EntityManager, userId: string) {
    return db.query(
      `SELECT action, target_type AS "targetType", CASE WHEN target_type = 'user' THEN NULL ELSE target_id END AS "targetId", created_at AS "createdAt"
         FROM audit_entry WHERE actor_user_id = $1::uuid AND NOT (target_type = 'user' AND target_id = $1::text) ORDER BY created_at, id`,
      [userId],
    );
  }

  /** How often the person, as an admin, facilitator or moderator, wrote in records about others or about rounds. */
  private async actionsOnOthersRecords(db: EntityManager, userId: string) {
    const [counts] = await db.query(
      `SELECT (SELECT count(*)::int FROM attendance_by_person a WHERE a.marked_by_id = $1 AND a.user_id <> $1) AS "attendanceMarked",
              (SELECT count(*)::int FROM completion_by_person k WHERE k.marked_by_id = $1 AND k.user_id <> $1) AS "completionsMarked",
              (SELECT count(*)::int FROM enrolment_history h JOIN enrolment_by_person e ON e.id = h.enrolment_id
                WHERE h.changed_by_id = $1 AND e.user_id <> $1) AS "enrolmentChanges",
              (SELECT count(*)::int FROM session_change_by_person s WHERE s.changed_by_id = $1) AS "sessionChanges",
              (SELECT count(*)::int FROM forum_moderation_by_person m WHERE m.actor_id = $1) AS "moderationActions",
              (SELECT count(*)::int FROM toolkit_entry_by_person t WHERE t.reviewed_by = $1 AND t.submitted_by IS DISTINCT FROM $1) AS "toolkitCasesReviewed"`,
      [userId],
    );
    return counts;
  }
}
