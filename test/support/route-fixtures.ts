// What the routes' URLs point at, for the tests that call every route of the app (the access
// matrix, the fuzz suite): a programme with a published round and its sessions, a draft round, the
// round's forum and a thread in the general channel, a rendered outbox message, a network event, a
// token to revoke. Made through the real services; the app must run its workers (APP_ROLE all)
// while this is made, so that the outbox message gets rendered.
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { NetworkEventsService } from '../../src/calendar/network-events.service';
import { SurveyService } from '../../src/feedback/survey.service';
import { FilesService } from '../../src/files/files.service';
import { ForumsService } from '../../src/forums/forums.service';
import { ApiTokensService } from '../../src/identity/api-tokens.service';
import { MaterialsService } from '../../src/materials/materials.service';
import { User } from '../../src/identity/user.entity';
import { NewsletterEditions } from '../../src/newsletter/newsletter-editions.service';
import { unsubscribeToken } from '../../src/newsletter/unsubscribe-token';
import { NotificationsService } from '../../src/notifications/notifications.service';
import { TEST_MESSAGE_KIND } from '../../src/notifications/outbox.service';
import { ToolkitService } from '../../src/toolkit/toolkit.service';
import { EventRegistrationService } from '../../src/calendar/event-registration.service';
import { ATTENDANCE_QUESTION, DIET_QUESTION } from '../../src/calendar/registration-questions';
import { actorOf } from './accounts';
import { adminId, helsinki, newCohort, newProgramme } from './catalogue';
import { TestApp } from './test-app';

export interface RouteFixtures {
  programmeSlug: string;
  programmeId: string;
  /** A published round with its sessions. */
  cohortId: string;
  sessionId: string;
  /** A session of a draft round that an admin's call may cancel. */
  spareSessionId: string;
  /** A person admins look at (in the user's agency). */
  personId: string;
  agencyId: string;
  outboxMessageId: string;
  /** A token of the user's own, which the user may revoke and nobody else may. */
  usersSpareTokenId: string;
  /** A network event (developer day) admins edit; it takes registrations. */
  networkEventId: string;
  /** The fixture person's registration for it, which admins may cancel. */
  eventRegistrationId: string;
  /** The general discussion channel; a thread the user started there, and its opening post. */
  channelId: string;
  threadId: string;
  postId: string;
  /** The fixture round's private forum, which only its members and admins read. */
  cohortChannelId: string;
  /** The draft round's feedback survey (nobody is in that round), and its one question. */
  surveyCohortId: string;
  surveyId: string;
  surveyQuestionId: string;
  /** An image the user uploaded (with a thumbnail), belonging to nothing: the user's and the admins' only. */
  fileId: string;
  /** A published toolkit entry with one link (the library's, public). */
  toolkitEntryId: string;
  toolkitLinkId: string;
  /** A link material of the published round, kept by its facilitators and admins. */
  materialId: string;
  /** A draft newsletter edition admins edit. */
  newsletterEditionId: string;
  /** A sent newsletter edition, in the public archive. */
  sentNewsletterEditionId: string;
  /** A confirmed newsletter subscriber's one-click unsubscribe token. */
  newsletterUnsubscribeToken: string;
}

export interface RouteFixturePeople {
  /** Starts the thread and owns the spare token. */
  user: User;
  person: User;
  agencyId: string;
  /** Facilitators of the published round (their accounts must exist). */
  facilitatorEmails?: string[];
}

export async function buildRouteFixtures(t: TestApp, people: RouteFixturePeople): Promise<RouteFixtures> {
  const db = t.app.get(DataSource);

  // A message that has been rendered (sent, without SMTP), so it has an HTML part to show.
  const messageId = (await t.app.get(NotificationsService).notify(TEST_MESSAGE_KIND, { email: 'matriisi.posti@valtiokonttori.fi', language: 'fi' }, { requestedAt: new Date().toISOString() }))!;
  for (let i = 0; i < 100; i++) {
    const [row] = await db.query(`SELECT status FROM notification WHERE id = $1`, [messageId]);
    if (row.status === 'sent') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const programme = await newProgramme(t);
  const cohort = await newCohort(t, { programmeId: programme.id, facilitatorEmails: people.facilitatorEmails ?? [] });
  const spare = await newCohort(t, { programmeId: programme.id, status: 'draft' });
  const sessionOf = async (cohortId: string) => (await db.query(`SELECT id FROM cohort_session WHERE cohort_id = $1 LIMIT 1`, [cohortId]))[0].id as string;

  const [general]: { id: string }[] = await db.query(`SELECT id FROM forum_channel WHERE name->>'fi' = 'Yleinen keskustelu'`);
  const [cohortChannel]: { id: string }[] = await db.query(`SELECT id FROM forum_channel WHERE cohort_id = $1`, [cohort.id]);
  const { threadId, postId } = await t.app.get(ForumsService).startThread(actorOf(people.user), general.id, { title: 'Matriisin ketju', body: 'Verkosto keskustelee.' }, 'fi');

  const event = await t.app.get(NetworkEventsService).create(await adminId(t), {
    title: { fi: 'Kehittäjäpäivä', sv: 'Utvecklardag', en: 'Developer day' },
    description: { fi: 'Verkoston **kehittäjäpäivä**.' },
    startsAt: helsinki(2027, 4, 20, 9),
    endsAt: helsinki(2027, 4, 20, 16),
    place: 'Valtiokonttori, Helsinki',
    meetingLink: null,
    registration: { capacity: 30, closesAt: null, questions: [DIET_QUESTION, ATTENDANCE_QUESTION] },
  });
  const { registration: eventRegistration } = await t.app.get(EventRegistrationService).register(actorOf(people.person), event.id, { attendance: 'onSite' });

  const admin = (await db.query(
    `SELECT id, email, display_name AS "displayName", agency_id AS "agencyId", language, site_role AS "siteRole", true AS "emailVerified" FROM app_user WHERE id = $1`,
    [await adminId(t)],
  ))[0];
  const surveyId = await t.app.get(SurveyService).createCohortSurvey(admin, spare.id, null);
  const surveyQuestionId = await t.app.get(SurveyService).addQuestion(admin, surveyId, { kind: 'scale', required: true, prompt: { fi: 'Kuinka hyödyllinen?' }, options: [] });

  await t.app.get(MaterialsService).add(admin, 'cohort', cohort.id, { titleFi: 'Työkirja', url: 'https://example.fi/tyokirja' }, null);
  const [material]: { id: string }[] = await db.query(`SELECT id FROM material WHERE cohort_id = $1`, [cohort.id]);

  const toolkit = t.app.get(ToolkitService);
  const toolkitEntryId = await toolkit.create(admin, { kind: 'workbook', themes: ['leadership'], title: { fi: 'VALOA-työkirja' }, description: { fi: 'Tiimin **työkirja**.' }, position: 0 });
  await toolkit.addLink(admin, toolkitEntryId, 'https://valoa.example.fi', 'VALOA');
  const [toolkitLink]: { id: string }[] = await db.query(`SELECT id FROM toolkit_link WHERE entry_id = $1`, [toolkitEntryId]);

  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#2a6f97' } }).png().toBuffer();
  const file = await t.app.get(FilesService).upload(actorOf(people.user), Readable.from([png]), 'seinä.png', 'image/png');

  return {
    programmeSlug: programme.slug,
    programmeId: programme.id,
    cohortId: cohort.id,
    sessionId: await sessionOf(cohort.id),
    spareSessionId: await sessionOf(spare.id),
    personId: people.person.id,
    agencyId: people.agencyId,
    outboxMessageId: messageId,
    usersSpareTokenId: (await t.app.get(ApiTokensService).issue(people.user.id, { name: 'spare' })).id,
    networkEventId: event.id,
    eventRegistrationId: eventRegistration.id,
    channelId: general.id,
    threadId,
    postId,
    cohortChannelId: cohortChannel.id,
    surveyCohortId: spare.id,
    surveyId,
    surveyQuestionId,
    fileId: file.id,
    toolkitEntryId,
    toolkitLinkId: toolkitLink.id,
    materialId: material.id,
    sentNewsletterEditionId: (
      await db.query(
        `INSERT INTO newsletter_edition (subject, body, status, scheduled_at, sent_at) VALUES ('{"fi": "Uutiskirje 12/2026"}', '{"fi": "Joulun **kehittäjäpäivät**."}', 'sent', now(), now()) RETURNING id`,
      )
    )[0].id,
    newsletterUnsubscribeToken: unsubscribeToken(
      t.config.sessionSecret,
      (await db.query(`INSERT INTO newsletter_subscriber (email, status, confirmed_at) VALUES ('reitit.tilaaja@tulli.fi', 'confirmed', now()) RETURNING id`))[0].id,
    ),
    newsletterEditionId: (await t.app.get(NewsletterEditions).create(admin, { subject: { fi: 'Uutiskirje 1/2027' }, body: { fi: 'Kevään **kehittäjäpäivät**.' } })).id,
  };
}
