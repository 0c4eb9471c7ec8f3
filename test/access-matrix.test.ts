// The access matrix: every route of the app, called as each kind of actor, against the status its
// access rule promises. The table below is the data; a route added without a row, or a row whose
// route is gone, fails the test, so no route reaches users without someone deciding who may use it.
//
// Calls are harmless: forms get a valid CSRF token and a body with an unknown field, which a form
// refuses (400) once the actor is let in, so "allowed" shows as 400 and "refused" as 403 without
// changing data (the few forms without fields say what they do instead). Web routes are called
// with the actor's browser session, /api/v1 routes with the actor's bearer token.
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { declaredRoutes } from '../src/access/route-table';
import { AgencyService } from '../src/identity/agency.service';
import { ApiTokensService } from '../src/identity/api-tokens.service';
import { createUser, signIn, WebClient } from './support/accounts';
import { buildRouteFixtures, RouteFixtures } from './support/route-fixtures';
import { startTestApp, TestApp } from './support/test-app';

const ACTORS = ['anonymous', 'user', 'otherAgency', 'admin', 'deactivated'] as const;
type ActorName = (typeof ACTORS)[number];

/** 303 to the sign-in page, which then leads back to the page asked for. */
const SIGN_IN = 'sign-in';
type Expected = number | typeof SIGN_IN;

interface Row {
  url: string | ((f: RouteFixtures) => string);
  /** [anonymous, user, user of another agency, admin, deactivated user] */
  expect: [Expected, Expected, Expected, Expected, Expected];
  /** Ends the session it is called with (sign-out): called with a session of its own. */
  endsSession?: true;
}

/** A field no form has: an allowed actor gets the form back with 400, nothing saved. */
const PROBE = { accessMatrixProbe: '1' };

// Keyed as declaredRoutes() prints a route: "METHOD /path/:param".
const MATRIX: Record<string, Row> = {
  // Public pages and forms.
  'GET /': { url: '/', expect: [200, 200, 200, 200, 200] },
  'GET /programmes': { url: '/programmes', expect: [200, 200, 200, 200, 200] },
  'GET /programmes/:slug': { url: (f) => `/programmes/${f.programmeSlug}`, expect: [200, 200, 200, 200, 200] },
  // The one search: anyone; each kind shows only what the asker may see (test/search.test.ts).
  'GET /search': { url: '/search?q=verkosto', expect: [200, 200, 200, 200, 200] },
  'GET /cohorts/:id': { url: (f) => `/cohorts/${f.cohortId}`, expect: [200, 200, 200, 200, 200] },
  'POST /cohorts/:id/enrol': { url: (f) => `/cohorts/${f.cohortId}/enrol`, expect: [403, 400, 400, 400, 403] },
  'POST /cohorts/:id/cancel': { url: (f) => `/cohorts/${f.cohortId}/cancel`, expect: [403, 400, 400, 400, 403] },
  // "Tell me when the next round opens": anyone signed in, for themself (test/programme-interest.test.ts).
  'POST /programmes/:id/interest': { url: (f) => `/programmes/${f.programmeId}/interest`, expect: [403, 400, 400, 400, 403] },
  'POST /programmes/:id/interest/withdraw': { url: (f) => `/programmes/${f.programmeId}/interest/withdraw`, expect: [403, 400, 400, 400, 403] },
  'POST /cohorts/:id/offer': { url: (f) => `/cohorts/${f.cohortId}/offer`, expect: [403, 400, 400, 400, 403] },
  'GET /my/cohorts': { url: '/my/cohorts', expect: [SIGN_IN, 200, 200, 200, SIGN_IN] },
  // Calendars. A personal feed opens with its token alone, whoever asks; without a working token it
  // is 404 for everyone (test/calendar-feeds.test.ts calls it with real, reset and malformed ones).
  'GET /calendar/feed/:file': { url: `/calendar/feed/${'x'.repeat(43)}.ics`, expect: [404, 404, 404, 404, 404] },
  'GET /calendar/all.ics': { url: '/calendar/all.ics', expect: [200, 200, 200, 200, 200] },
  'GET /cohorts/:id/calendar.ics': { url: (f) => `/cohorts/${f.cohortId}/calendar.ics`, expect: [200, 200, 200, 200, 200] },
  'GET /my/calendar': { url: '/my/calendar', expect: [SIGN_IN, 200, 200, 200, SIGN_IN] },
  'GET /events': { url: '/events', expect: [200, 200, 200, 200, 200] },
  'GET /admin/events': { url: '/admin/events', expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'GET /admin/events/new': { url: '/admin/events/new', expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /admin/events': { url: '/admin/events', expect: [403, 403, 403, 400, 403] },
  'GET /admin/events/:id': { url: (f) => `/admin/events/${f.networkEventId}`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /admin/events/:id': { url: (f) => `/admin/events/${f.networkEventId}`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/events/:id/cancel': { url: (f) => `/admin/events/${f.networkEventId}/cancel`, expect: [403, 403, 403, 400, 403] },
  // Registration for network events (test/event-registration.test.ts): the page is public, registering needs an account, the lists are admins'.
  'GET /events/:id': { url: (f) => `/events/${f.networkEventId}`, expect: [200, 200, 200, 200, 200] },
  'POST /events/:id/registration': { url: (f) => `/events/${f.networkEventId}/registration`, expect: [403, 400, 400, 400, 403] },
  'POST /events/:id/registration/cancel': { url: (f) => `/events/${f.networkEventId}/registration/cancel`, expect: [403, 400, 400, 400, 403] },
  'GET /admin/events/:id/registrations': { url: (f) => `/admin/events/${f.networkEventId}/registrations`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'GET /admin/events/:id/registrations.csv': { url: (f) => `/admin/events/${f.networkEventId}/registrations.csv`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /admin/events/:id/registrations/:registrationId/cancel': {
    url: (f) => `/admin/events/${f.networkEventId}/registrations/${f.eventRegistrationId}/cancel`,
    expect: [403, 403, 403, 400, 403],
  },
  'GET /api/v1/events/:id/registration': { url: (f) => `/api/v1/events/${f.networkEventId}/registration`, expect: [401, 200, 200, 200, 401] },
  'POST /api/v1/events/:id/registration': { url: (f) => `/api/v1/events/${f.networkEventId}/registration`, expect: [401, 400, 400, 400, 401] },
  'DELETE /api/v1/events/:id/registration': { url: (f) => `/api/v1/events/${f.networkEventId}/registration`, expect: [401, 404, 404, 404, 401] },
  // The newsletter's editions: admins only (test/newsletter-editions.test.ts).
  'GET /admin/newsletter': { url: '/admin/newsletter', expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'GET /admin/newsletter/new': { url: '/admin/newsletter/new', expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /admin/newsletter': { url: '/admin/newsletter', expect: [403, 403, 403, 400, 403] },
  'GET /admin/newsletter/:id': { url: (f) => `/admin/newsletter/${f.newsletterEditionId}`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /admin/newsletter/:id': { url: (f) => `/admin/newsletter/${f.newsletterEditionId}`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/newsletter/:id/test': { url: (f) => `/admin/newsletter/${f.newsletterEditionId}/test`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/newsletter/:id/schedule': { url: (f) => `/admin/newsletter/${f.newsletterEditionId}/schedule`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/newsletter/:id/unschedule': { url: (f) => `/admin/newsletter/${f.newsletterEditionId}/unschedule`, expect: [403, 403, 403, 400, 403] },
  // The newsletter's public side (test/newsletter-subscribers.test.ts): the archive and a sent
  // edition for anyone; the confirmation and unsubscribe links answer by their token alone (404 without a good one).
  'GET /newsletter': { url: '/newsletter', expect: [200, 200, 200, 200, 200] },
  'GET /newsletter/:id': { url: (f) => `/newsletter/${f.sentNewsletterEditionId}`, expect: [200, 200, 200, 200, 200] },
  'POST /newsletter/subscribe': { url: '/newsletter/subscribe', expect: [400, 400, 400, 400, 400] },
  'POST /newsletter/unsubscribe': { url: '/newsletter/unsubscribe', expect: [403, 400, 400, 400, 403] },
  'GET /newsletter/confirm/:token': { url: `/newsletter/confirm/${'x'.repeat(43)}`, expect: [404, 404, 404, 404, 404] },
  'POST /newsletter/confirm/:token': { url: `/newsletter/confirm/${'x'.repeat(43)}`, expect: [404, 404, 404, 404, 404] },
  'GET /newsletter/unsubscribe/:token': { url: `/newsletter/unsubscribe/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}.${'x'.repeat(22)}`, expect: [404, 404, 404, 404, 404] },
  'POST /newsletter/unsubscribe/:token': { url: `/newsletter/unsubscribe/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}.${'x'.repeat(22)}`, expect: [404, 404, 404, 404, 404] },
  // Makes the caller a new feed address (their own only): 303 back to the calendar page.
  'POST /my/calendar/reset': { url: '/my/calendar/reset', expect: [403, 303, 303, 303, 403] },
  // A round's discussion by the round's id: 303 to its channel, which then decides who reads it.
  'GET /cohorts/:id/forum': { url: (f) => `/cohorts/${f.cohortId}/forum`, expect: [SIGN_IN, 303, 303, 303, SIGN_IN] },
  'GET /channels': { url: '/channels', expect: [SIGN_IN, 200, 200, 200, SIGN_IN] },
  'GET /channels/:id': { url: (f) => `/channels/${f.channelId}`, expect: [SIGN_IN, 200, 200, 200, SIGN_IN] },
  'POST /channels/:id/subscription': { url: (f) => `/channels/${f.channelId}/subscription`, expect: [403, 400, 400, 400, 403] },
  'GET /channels/:id/threads/new': { url: (f) => `/channels/${f.cohortChannelId}/threads/new`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /channels/:id/threads': { url: (f) => `/channels/${f.cohortChannelId}/threads`, expect: [403, 403, 403, 400, 403] },
  'GET /threads/:id': { url: (f) => `/threads/${f.threadId}`, expect: [SIGN_IN, 200, 200, 200, SIGN_IN] },
  'POST /threads/:id/posts': { url: (f) => `/threads/${f.threadId}/posts`, expect: [403, 400, 400, 400, 403] },
  'POST /threads/:id/subscription': { url: (f) => `/threads/${f.threadId}/subscription`, expect: [403, 400, 400, 400, 403] },
  'GET /posts/:id/edit': { url: (f) => `/posts/${f.postId}/edit`, expect: [SIGN_IN, 200, 403, 403, SIGN_IN] },
  'POST /posts/:id/edit': { url: (f) => `/posts/${f.postId}/edit`, expect: [403, 400, 403, 403, 403] },
  'POST /posts/:id/delete': { url: (f) => `/posts/${f.postId}/delete`, expect: [403, 400, 400, 400, 403] },
  'POST /threads/:id/moderation/:action': { url: (f) => `/threads/${f.threadId}/moderation/pin`, expect: [403, 400, 400, 400, 403] },
  'POST /threads/:id/move': { url: (f) => `/threads/${f.threadId}/move`, expect: [403, 400, 400, 400, 403] },
  'POST /posts/:id/hide': { url: (f) => `/posts/${f.postId}/hide`, expect: [403, 400, 400, 400, 403] },
  'POST /posts/:id/unhide': { url: (f) => `/posts/${f.postId}/unhide`, expect: [403, 400, 400, 400, 403] },
  'GET /threads/:id/moderation': { url: (f) => `/threads/${f.threadId}/moderation`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'GET /unsubscribe/forum/:token': { url: `/unsubscribe/forum/${'x'.repeat(67)}`, expect: [404, 404, 404, 404, 404] },
  'POST /unsubscribe/forum/:token': { url: `/unsubscribe/forum/${'x'.repeat(67)}`, expect: [404, 404, 404, 404, 404] },
  'GET /admin/channels': { url: '/admin/channels', expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'GET /admin/channels/new': { url: '/admin/channels/new', expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /admin/channels': { url: '/admin/channels', expect: [403, 403, 403, 400, 403] },
  'GET /admin/channels/:id': { url: (f) => `/admin/channels/${f.channelId}`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /admin/channels/:id': { url: (f) => `/admin/channels/${f.channelId}`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/channels/:id/archive': { url: (f) => `/admin/channels/${f.channelId}/archive`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/channels/:id/unarchive': { url: (f) => `/admin/channels/${f.channelId}/unarchive`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/channels/:id/move-up': { url: (f) => `/admin/channels/${f.channelId}/move-up`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/channels/:id/move-down': { url: (f) => `/admin/channels/${f.channelId}/move-down`, expect: [403, 403, 403, 400, 403] },
  // A link that was never sent (or already used) says so to anyone.
  'GET /enrolments/approval/:token': { url: '/enrolments/approval/no-such-token', expect: [409, 409, 409, 409, 409] },
  'POST /enrolments/approval/:token': { url: '/enrolments/approval/no-such-token', expect: [400, 400, 400, 400, 400] },
  // A seat offer's link is its permission, as the manager's: an unknown one says it no longer works.
  'GET /enrolments/offer/:token': { url: '/enrolments/offer/no-such-token', expect: [409, 409, 409, 409, 409] },
  'POST /enrolments/offer/:token': { url: '/enrolments/offer/no-such-token', expect: [409, 409, 409, 409, 409] },
  // Rosters: the cohort's facilitators and admins only.
  // Who is in the round: its confirmed participants, facilitators and admins; the fixture's user is in no round.
  'GET /cohorts/:id/participants': { url: (f) => `/cohorts/${f.cohortId}/participants`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /cohorts/:id/participants/message': { url: (f) => `/cohorts/${f.cohortId}/participants/message`, expect: [403, 403, 403, 400, 403] },
  'GET /cohorts/:id/roster': { url: (f) => `/cohorts/${f.cohortId}/roster`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'GET /cohorts/:id/roster.csv': { url: (f) => `/cohorts/${f.cohortId}/roster.csv`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  // Feedback results: the round's facilitators and admins (the fixture round has no survey: its page says so); the site form's, admins.
  'GET /cohorts/:id/feedback/results': { url: (f) => `/cohorts/${f.cohortId}/feedback/results`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'GET /cohorts/:id/feedback/results.csv': { url: (f) => `/cohorts/${f.cohortId}/feedback/results.csv`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'GET /admin/feedback/results': { url: '/admin/feedback/results', expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'GET /admin/feedback/results.csv': { url: '/admin/feedback/results.csv', expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  // Feedback surveys. Answering a round's is for its participants (nobody is in the survey's draft round: 403
  // for all); editing it for its facilitators and admins; the template and the site form for admins.
  'GET /cohorts/:id/feedback': { url: (f) => `/cohorts/${f.surveyCohortId}/feedback`, expect: [SIGN_IN, 403, 403, 403, SIGN_IN] },
  'POST /cohorts/:id/feedback': { url: (f) => `/cohorts/${f.surveyCohortId}/feedback`, expect: [403, 403, 403, 403, 403] },
  'GET /cohorts/:id/feedback/edit': { url: (f) => `/cohorts/${f.surveyCohortId}/feedback/edit`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /cohorts/:id/feedback/edit': { url: (f) => `/cohorts/${f.cohortId}/feedback/edit`, expect: [403, 403, 403, 400, 403] },
  'POST /surveys/:id/settings': { url: (f) => `/surveys/${f.surveyId}/settings`, expect: [403, 403, 403, 400, 403] },
  'POST /surveys/:id/copy': { url: (f) => `/surveys/${f.surveyId}/copy`, expect: [403, 403, 403, 400, 403] },
  'GET /surveys/:id/questions/new': { url: (f) => `/surveys/${f.surveyId}/questions/new`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /surveys/:id/questions': { url: (f) => `/surveys/${f.surveyId}/questions`, expect: [403, 403, 403, 400, 403] },
  'GET /surveys/:id/questions/:questionId': { url: (f) => `/surveys/${f.surveyId}/questions/${f.surveyQuestionId}`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /surveys/:id/questions/:questionId': { url: (f) => `/surveys/${f.surveyId}/questions/${f.surveyQuestionId}`, expect: [403, 403, 403, 400, 403] },
  'POST /surveys/:id/questions/:questionId/move': { url: (f) => `/surveys/${f.surveyId}/questions/${f.surveyQuestionId}/move`, expect: [403, 403, 403, 400, 403] },
  'POST /surveys/:id/questions/:questionId/delete': { url: (f) => `/surveys/${f.surveyId}/questions/${f.surveyQuestionId}/delete`, expect: [403, 403, 403, 400, 403] },
  'GET /admin/feedback': { url: '/admin/feedback', expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'GET /admin/programmes/:id/feedback': { url: (f) => `/admin/programmes/${f.programmeId}/feedback`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /admin/programmes/:id/feedback': { url: (f) => `/admin/programmes/${f.programmeId}/feedback`, expect: [403, 403, 403, 400, 403] },
  // The site's open feedback form, for anyone (the probe is an unknown answer: 400, nothing stored).
  'GET /feedback': { url: '/feedback', expect: [200, 200, 200, 200, 200] },
  'POST /feedback': { url: '/feedback', expect: [400, 400, 400, 400, 400] },
  'GET /feedback/thanks': { url: '/feedback/thanks', expect: [200, 200, 200, 200, 200] },
  'POST /cohorts/:id/roster/enrol': { url: (f) => `/cohorts/${f.cohortId}/roster/enrol`, expect: [403, 403, 403, 400, 403] },
  'POST /cohorts/:id/roster/:userId/remove': { url: (f) => `/cohorts/${f.cohortId}/roster/${f.personId}/remove`, expect: [403, 403, 403, 400, 403] },
  'POST /cohorts/:id/roster/:userId/move': { url: (f) => `/cohorts/${f.cohortId}/roster/${f.personId}/move`, expect: [403, 403, 403, 400, 403] },
  'POST /cohorts/:id/roster/:userId/position': { url: (f) => `/cohorts/${f.cohortId}/roster/${f.personId}/position`, expect: [403, 403, 403, 400, 403] },
  'POST /cohorts/:id/roster/:userId/complete': { url: (f) => `/cohorts/${f.cohortId}/roster/${f.personId}/complete`, expect: [403, 403, 403, 400, 403] },
  'POST /cohorts/:id/attendance': { url: (f) => `/cohorts/${f.cohortId}/attendance`, expect: [403, 403, 403, 400, 403] },
  'POST /cohorts/:id/roster/completions': { url: (f) => `/cohorts/${f.cohortId}/roster/completions`, expect: [403, 403, 403, 400, 403] },
  'POST /cohorts/:id/roster/:userId/undo-completion': { url: (f) => `/cohorts/${f.cohortId}/roster/${f.personId}/undo-completion`, expect: [403, 403, 403, 400, 403] },
  // A certificate check is public; a code nobody holds is 404 for everyone (test/certificates.test.ts checks real ones).
  'GET /certificates/:code': { url: '/certificates/K7QX-M3PA-9TRD', expect: [404, 404, 404, 404, 404] },
  // One's own certificate again: signed in, and only the owner's (or an admin's) completion; none here, so 404.
  'GET /my/certificates/:file': { url: '/my/certificates/00000000-0000-4000-8000-000000000000.pdf', expect: [SIGN_IN, 404, 404, 404, SIGN_IN] },
  'GET /language/:code': { url: '/language/fi?next=/', expect: [303, 303, 303, 303, 303] },
  'GET /register': { url: '/register', expect: [200, 200, 200, 200, 200] },
  'POST /register': { url: '/register', expect: [400, 400, 400, 400, 400] },
  'GET /login': { url: '/login', expect: [200, 200, 200, 200, 200] },
  'POST /login': { url: '/login', expect: [400, 400, 400, 400, 400] },
  'POST /logout': { url: '/logout', expect: [303, 303, 303, 303, 303], endsSession: true },
  'GET /password/forgot': { url: '/password/forgot', expect: [200, 200, 200, 200, 200] },
  'POST /password/forgot': { url: '/password/forgot', expect: [400, 400, 400, 400, 400] },
  // Without a working link the page says the link does not work.
  'GET /password/reset': { url: '/password/reset', expect: [400, 400, 400, 400, 400] },
  'POST /password/reset': { url: '/password/reset', expect: [400, 400, 400, 400, 400] },
  // Email verification: a link that does not work says so to anyone; asking for a new one is the
  // signed-in person's own (the matrix's people are verified, so it would send nothing anyway).
  'GET /verify-email': { url: `/verify-email?token=${'x'.repeat(43)}`, expect: [400, 400, 400, 400, 400] },
  'POST /verify-email/resend': { url: '/verify-email/resend', expect: [403, 400, 400, 400, 403] },
  'GET /health/live': { url: '/health/live', expect: [200, 200, 200, 200, 200] },
  'GET /health/ready': { url: '/health/ready', expect: [200, 200, 200, 200, 200] },

  // The signed-in person's own pages.
  'GET /profile': { url: '/profile', expect: [SIGN_IN, 200, 200, 200, SIGN_IN] },
  'POST /profile': { url: '/profile', expect: [403, 400, 400, 400, 403] },
  'POST /profile/notifications': { url: '/profile/notifications', expect: [403, 400, 400, 400, 403] },
  'POST /profile/password': { url: '/profile/password', expect: [403, 400, 400, 400, 403] },
  'POST /profile/digest': { url: '/profile/digest', expect: [403, 400, 400, 400, 403] },
  'POST /profile/register': { url: '/profile/register', expect: [403, 400, 400, 400, 403] },
  // My notifications. The fixture's outbox message is nobody's own: 404 for everyone who opens it.
  'GET /notifications': { url: '/notifications', expect: [SIGN_IN, 200, 200, 200, SIGN_IN] },
  'GET /notifications/:id': { url: (f) => `/notifications/${f.outboxMessageId}`, expect: [SIGN_IN, 404, 404, 404, SIGN_IN] },
  // Marks the caller's own notifications read: 303 back to the list.
  'POST /notifications/read': { url: '/notifications/read', expect: [403, 303, 303, 303, 403] },
  'GET /profile/data.json': { url: '/profile/data.json', expect: [SIGN_IN, 200, 200, 200, SIGN_IN] },
  // The only form here without fields: asking for erasure is recorded (303), which an admin then confirms or not.
  'POST /profile/erasure': { url: '/profile/erasure', expect: [403, 303, 303, 303, 403] },

  // Administration.
  'GET /admin': { url: '/admin', expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'GET /admin/users': { url: '/admin/users', expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'GET /admin/users/:id': { url: (f) => `/admin/users/${f.personId}`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /admin/users/:id/role': { url: (f) => `/admin/users/${f.personId}/role`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/users/:id/deactivate': { url: (f) => `/admin/users/${f.personId}/deactivate`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/users/:id/reactivate': { url: (f) => `/admin/users/${f.personId}/reactivate`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/users/:id/erase': { url: (f) => `/admin/users/${f.personId}/erase`, expect: [403, 403, 403, 400, 403] },
  // The register's agency contacts: an admin grants and revokes them on the person's page.
  'POST /admin/users/:id/agency-contact': { url: (f) => `/admin/users/${f.personId}/agency-contact`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/users/:id/agency-contact/revoke': { url: (f) => `/admin/users/${f.personId}/agency-contact/revoke`, expect: [403, 403, 403, 400, 403] },
  // The register of trained developers: signed-in people see it; an agency's CSV is for admins and the
  // agency's contacts only (the matrix's user is in the agency but not its contact).
  'GET /developers': { url: (f) => `/developers?agency=${f.agencyId}`, expect: [SIGN_IN, 200, 200, 200, SIGN_IN] },
  'GET /developers.csv': { url: (f) => `/developers.csv?agency=${f.agencyId}`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'GET /admin/register/import': { url: '/admin/register/import', expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /admin/register/import': { url: '/admin/register/import', expect: [403, 403, 403, 400, 403] },
  'POST /admin/register/import/confirm': { url: '/admin/register/import/confirm', expect: [403, 403, 403, 400, 403] },
  'GET /privacy': { url: '/privacy', expect: [200, 200, 200, 200, 200] },
  // Files (issue 19): the fixture file belongs to nothing, so only its uploader (the user) and admins read it.
  'GET /files': { url: '/files', expect: [SIGN_IN, 200, 200, 200, SIGN_IN] },
  'POST /files': { url: '/files', expect: [403, 400, 400, 400, 403] },
  'GET /files/:id': { url: (f) => `/files/${f.fileId}`, expect: [SIGN_IN, 200, 403, 200, SIGN_IN] },
  'GET /files/:id/thumbnail': { url: (f) => `/files/${f.fileId}/thumbnail`, expect: [SIGN_IN, 200, 403, 200, SIGN_IN] },
  // Materials (issue 19): kept by admins and the programme's or round's facilitators (the matrix's people are neither);
  // a session's page is as public as its round's, its materials shown only to the round's people.
  'GET /cohorts/:id/sessions/:sessionId': { url: (f) => `/cohorts/${f.cohortId}/sessions/${f.sessionId}`, expect: [200, 200, 200, 200, 200] },
  'GET /programmes/:slug/materials/new': { url: (f) => `/programmes/${f.programmeSlug}/materials/new`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'GET /cohorts/:id/materials/new': { url: (f) => `/cohorts/${f.cohortId}/materials/new`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'GET /sessions/:id/materials/new': { url: (f) => `/sessions/${f.sessionId}/materials/new`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /programmes/:slug/materials': { url: (f) => `/programmes/${f.programmeSlug}/materials`, expect: [403, 403, 403, 400, 403] },
  'POST /cohorts/:id/materials': { url: (f) => `/cohorts/${f.cohortId}/materials`, expect: [403, 403, 403, 400, 403] },
  'POST /sessions/:id/materials': { url: (f) => `/sessions/${f.sessionId}/materials`, expect: [403, 403, 403, 400, 403] },
  'GET /materials/:id/replace': { url: (f) => `/materials/${f.materialId}/replace`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /materials/:id/replace': { url: (f) => `/materials/${f.materialId}/replace`, expect: [403, 403, 403, 400, 403] },
  'POST /materials/:id/move': { url: (f) => `/materials/${f.materialId}/move`, expect: [403, 403, 403, 400, 403] },
  'POST /materials/:id/remove': { url: (f) => `/materials/${f.materialId}/remove`, expect: [403, 403, 403, 400, 403] },
  // One file over the API (multipart): the matrix's empty JSON body carries none, so an allowed caller gets 400.
  'POST /api/v1/files': { url: '/api/v1/files', expect: [401, 400, 400, 400, 401] },
  // The toolkit library (issue 19): published entries are public; a case needs a signed-in person; admins curate.
  'GET /toolkit': { url: '/toolkit?kind=workbook&q=VALOA', expect: [200, 200, 200, 200, 200] },
  'GET /toolkit/:id': { url: (f) => `/toolkit/${f.toolkitEntryId}`, expect: [200, 200, 200, 200, 200] },
  'GET /toolkit/cases/new': { url: '/toolkit/cases/new', expect: [SIGN_IN, 200, 200, 200, SIGN_IN] },
  'POST /toolkit/cases': { url: '/toolkit/cases', expect: [403, 400, 400, 400, 403] },
  'GET /my/toolkit-cases': { url: '/my/toolkit-cases', expect: [SIGN_IN, 200, 200, 200, SIGN_IN] },
  'GET /admin/toolkit': { url: '/admin/toolkit', expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'GET /admin/toolkit/new': { url: '/admin/toolkit/new', expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /admin/toolkit': { url: '/admin/toolkit', expect: [403, 403, 403, 400, 403] },
  'GET /admin/toolkit/:id': { url: (f) => `/admin/toolkit/${f.toolkitEntryId}`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /admin/toolkit/:id': { url: (f) => `/admin/toolkit/${f.toolkitEntryId}`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/toolkit/:id/delete': { url: (f) => `/admin/toolkit/${f.toolkitEntryId}/delete`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/toolkit/:id/files': { url: (f) => `/admin/toolkit/${f.toolkitEntryId}/files`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/toolkit/:id/files/:fileId/delete': { url: (f) => `/admin/toolkit/${f.toolkitEntryId}/files/${f.fileId}/delete`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/toolkit/:id/links': { url: (f) => `/admin/toolkit/${f.toolkitEntryId}/links`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/toolkit/:id/links/:linkId/delete': { url: (f) => `/admin/toolkit/${f.toolkitEntryId}/links/${f.toolkitLinkId}/delete`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/toolkit/:id/links/:linkId/move': { url: (f) => `/admin/toolkit/${f.toolkitEntryId}/links/${f.toolkitLinkId}/move`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/toolkit/:id/approve': { url: (f) => `/admin/toolkit/${f.toolkitEntryId}/approve`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/toolkit/:id/decline': { url: (f) => `/admin/toolkit/${f.toolkitEntryId}/decline`, expect: [403, 403, 403, 400, 403] },
  'GET /api/v1/newsletter': { url: '/api/v1/newsletter?lang=sv', expect: [200, 200, 200, 200, 200] },
  'GET /api/v1/toolkit': { url: '/api/v1/toolkit?theme=leadership', expect: [200, 200, 200, 200, 200] },
  'GET /admin/agencies': { url: '/admin/agencies', expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /admin/agencies': { url: '/admin/agencies', expect: [403, 403, 403, 400, 403] },
  'POST /admin/agencies/:id/rename': { url: (f) => `/admin/agencies/${f.agencyId}/rename`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/agencies/:id/domains': { url: (f) => `/admin/agencies/${f.agencyId}/domains`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/agencies/:id/merge': { url: (f) => `/admin/agencies/${f.agencyId}/merge`, expect: [403, 403, 403, 400, 403] },
  // Programmes and rounds: only admins manage and schedule.
  'GET /admin/programmes': { url: '/admin/programmes', expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'GET /admin/programmes/new': { url: '/admin/programmes/new', expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /admin/programmes': { url: '/admin/programmes', expect: [403, 403, 403, 400, 403] },
  'GET /admin/programmes/:id': { url: (f) => `/admin/programmes/${f.programmeId}`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /admin/programmes/:id': { url: (f) => `/admin/programmes/${f.programmeId}`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/programmes/:id/status': { url: (f) => `/admin/programmes/${f.programmeId}/status`, expect: [403, 403, 403, 400, 403] },
  'GET /admin/programmes/:id/interest': { url: (f) => `/admin/programmes/${f.programmeId}/interest`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'GET /admin/programmes/:id/cohorts/new': { url: (f) => `/admin/programmes/${f.programmeId}/cohorts/new`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /admin/programmes/:id/cohorts': { url: (f) => `/admin/programmes/${f.programmeId}/cohorts`, expect: [403, 403, 403, 400, 403] },
  'GET /admin/cohorts/:id': { url: (f) => `/admin/cohorts/${f.cohortId}`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /admin/cohorts/:id': { url: (f) => `/admin/cohorts/${f.cohortId}`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/cohorts/:id/status': { url: (f) => `/admin/cohorts/${f.cohortId}/status`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/cohorts/:id/sessions': { url: (f) => `/admin/cohorts/${f.cohortId}/sessions`, expect: [403, 403, 403, 400, 403] },
  'GET /admin/cohorts/:id/copy': { url: (f) => `/admin/cohorts/${f.cohortId}/copy`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /admin/cohorts/:id/copy': { url: (f) => `/admin/cohorts/${f.cohortId}/copy`, expect: [403, 403, 403, 400, 403] },
  'GET /admin/sessions/:id': { url: (f) => `/admin/sessions/${f.sessionId}`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /admin/sessions/:id': { url: (f) => `/admin/sessions/${f.sessionId}`, expect: [403, 403, 403, 400, 403] },
  'POST /admin/sessions/:id/cancel': { url: (f) => `/admin/sessions/${f.sessionId}/cancel`, expect: [403, 403, 403, 400, 403] },
  'GET /admin/schedule': { url: '/admin/schedule?term=2027-spring', expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'GET /admin/outbox': { url: '/admin/outbox', expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'POST /admin/outbox/test-message': { url: '/admin/outbox/test-message', expect: [403, 403, 403, 400, 403] },
  'GET /admin/outbox/:id': { url: (f) => `/admin/outbox/${f.outboxMessageId}`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'GET /admin/outbox/:id/html': { url: (f) => `/admin/outbox/${f.outboxMessageId}/html`, expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  // Resending a message that did not fail changes nothing, and leads back to the message.
  'POST /admin/outbox/:id/resend': { url: (f) => `/admin/outbox/${f.outboxMessageId}/resend`, expect: [403, 403, 403, 303, 403] },

  // The JSON API.
  'GET /api/v1/programmes': { url: '/api/v1/programmes', expect: [200, 200, 200, 200, 200] },
  'GET /api/v1/programmes/:id': { url: (f) => `/api/v1/programmes/${f.programmeSlug}`, expect: [200, 200, 200, 200, 200] },
  'POST /api/v1/programmes': { url: '/api/v1/programmes', expect: [401, 403, 403, 400, 401] },
  'PATCH /api/v1/programmes/:id': { url: (f) => `/api/v1/programmes/${f.programmeId}`, expect: [401, 403, 403, 400, 401] },
  // Your own place on a programme's list: joining takes no body, so the matrix's people join (201) and leave (200).
  'POST /api/v1/programmes/:id/interest': { url: (f) => `/api/v1/programmes/${f.programmeId}/interest`, expect: [401, 201, 201, 201, 401] },
  'DELETE /api/v1/programmes/:id/interest': { url: (f) => `/api/v1/programmes/${f.programmeId}/interest`, expect: [401, 200, 200, 200, 401] },
  'GET /api/v1/programmes/:id/interest': { url: (f) => `/api/v1/programmes/${f.programmeId}/interest`, expect: [401, 403, 403, 200, 401] },
  'GET /api/v1/cohorts': { url: '/api/v1/cohorts', expect: [200, 200, 200, 200, 200] },
  'GET /api/v1/cohorts/:id': { url: (f) => `/api/v1/cohorts/${f.cohortId}`, expect: [200, 200, 200, 200, 200] },
  'POST /api/v1/cohorts': { url: '/api/v1/cohorts', expect: [401, 403, 403, 400, 401] },
  'PATCH /api/v1/cohorts/:id': { url: (f) => `/api/v1/cohorts/${f.cohortId}`, expect: [401, 403, 403, 400, 401] },
  'POST /api/v1/cohorts/:id/sessions': { url: (f) => `/api/v1/cohorts/${f.cohortId}/sessions`, expect: [401, 403, 403, 400, 401] },
  'POST /api/v1/cohorts/:id/copy': { url: (f) => `/api/v1/cohorts/${f.cohortId}/copy`, expect: [401, 403, 403, 400, 401] },
  'PATCH /api/v1/sessions/:id': { url: (f) => `/api/v1/sessions/${f.sessionId}`, expect: [401, 403, 403, 400, 401] },
  // The reason is optional, so an admin's empty body cancels: a session of a draft round kept for it.
  'POST /api/v1/sessions/:id/cancel': { url: (f) => `/api/v1/sessions/${f.spareSessionId}/cancel`, expect: [401, 403, 403, 200, 401] },
  'GET /api/v1/agencies': { url: '/api/v1/agencies', expect: [200, 200, 200, 200, 200] },
  'GET /api/v1/channels': { url: '/api/v1/channels', expect: [401, 200, 200, 200, 401] },
  'GET /api/v1/channels/:id/threads': { url: (f) => `/api/v1/channels/${f.cohortChannelId}/threads`, expect: [401, 403, 403, 200, 401] },
  'POST /api/v1/channels/:id/threads': { url: (f) => `/api/v1/channels/${f.channelId}/threads`, expect: [401, 400, 400, 400, 401] },
  'GET /api/v1/threads/:id/posts': { url: (f) => `/api/v1/threads/${f.threadId}/posts`, expect: [401, 200, 200, 200, 401] },
  'POST /api/v1/threads/:id/posts': { url: (f) => `/api/v1/threads/${f.threadId}/posts`, expect: [401, 400, 400, 400, 401] },
  'PATCH /api/v1/posts/:id': { url: (f) => `/api/v1/posts/${f.postId}`, expect: [401, 400, 400, 400, 401] },
  'DELETE /api/v1/posts/:id': { url: (f) => `/api/v1/posts/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, expect: [401, 404, 404, 404, 401] },
  'GET /api/v1/search': { url: '/api/v1/search?q=verkosto', expect: [200, 200, 200, 200, 200] },
  'POST /api/v1/auth/register': { url: '/api/v1/auth/register', expect: [400, 400, 400, 400, 400] },
  'POST /api/v1/auth/tokens': { url: '/api/v1/auth/tokens', expect: [400, 400, 400, 400, 400] },
  // The matrix's people are verified already: nothing is sent (200, { sent: false }).
  'POST /api/v1/auth/verification-link': { url: '/api/v1/auth/verification-link', expect: [401, 200, 200, 200, 401] },
  'GET /api/v1/auth/tokens': { url: '/api/v1/auth/tokens', expect: [401, 200, 200, 200, 401] },
  // Only the token's owner may revoke it; to anyone else it does not exist.
  'DELETE /api/v1/auth/tokens/:id': { url: (f) => `/api/v1/auth/tokens/${f.usersSpareTokenId}`, expect: [401, 204, 404, 404, 401] },
  // Enrolling over the API: the matrix's round has not opened for enrolment yet, so nothing is stored.
  'POST /api/v1/cohorts/:id/enrolments': { url: (f) => `/api/v1/cohorts/${f.cohortId}/enrolments`, expect: [401, 409, 409, 409, 401] },
  'DELETE /api/v1/cohorts/:id/enrolments/me': { url: (f) => `/api/v1/cohorts/${f.cohortId}/enrolments/me`, expect: [401, 404, 404, 404, 401] },
  'GET /api/v1/cohorts/:id/participants': { url: (f) => `/api/v1/cohorts/${f.cohortId}/participants`, expect: [401, 403, 403, 200, 401] },
  'GET /api/v1/me/enrolments': { url: '/api/v1/me/enrolments', expect: [401, 200, 200, 200, 401] },
  'GET /api/v1/me': { url: '/api/v1/me', expect: [401, 200, 200, 200, 401] },

  // Served outside Nest's controllers (so declaredRoutes does not list them; a row that stops
  // answering fails by its status).
  'GET /admin/queues': { url: '/admin/queues', expect: [SIGN_IN, 403, 403, 200, SIGN_IN] },
  'GET /api/docs/openapi.json': { url: '/api/docs/openapi.json', expect: [200, 200, 200, 200, 200] },
  'GET /static/verso.css': { url: '/static/verso.css', expect: [200, 200, 200, 200, 200] },
  'GET /static/favicon.svg': { url: '/static/favicon.svg', expect: [200, 200, 200, 200, 200] },
  'GET /favicon.ico': { url: '/favicon.ico', expect: [301, 301, 301, 301, 301] },
};

const OUTSIDE_NEST = new Set(['GET /admin/queues', 'GET /api/docs/openapi.json', 'GET /static/verso.css', 'GET /static/favicon.svg', 'GET /favicon.ico']);
const isApi = (url: string) => url.startsWith('/api/v1/');
const WEB_ROWS = Object.entries(MATRIX).filter(([key]) => !isApi(key.split(' ')[1])).length;

/** A browser session with a CSRF token fetched while it was good, so a form can be posted as is. */
interface Session {
  client: WebClient;
  csrf: string;
}

interface ActorHandle {
  email: string | null;
  token: string | null;
  /** The session to call one row with. */
  session(): Promise<Session>;
}

describe('access matrix', () => {
  let t: TestApp;
  let fixtures: RouteFixtures;
  const actors = {} as Record<ActorName, ActorHandle>;

  const newSession = async (email: string | null): Promise<Session> => {
    const client = email ? await signIn(t, email) : new WebClient(t);
    return { client, csrf: await client.csrfToken() };
  };

  beforeAll(async () => {
    t = await startTestApp({ DEMO_DATA: 'true' });
    const db = t.app.get(DataSource);
    const agencies = t.app.get(AgencyService);
    await agencies.ensure(['Verohallinto', 'Tulli']);
    const agencyIds = new Map((await agencies.list('fi')).map((a) => [a.name, a.id]));
    const home = agencyIds.get('Verohallinto')!;
    const away = agencyIds.get('Tulli')!;

    const people = {
      user: await createUser(t, { email: 'matriisi.kayttaja@verohallinto.fi', displayName: 'Aino Äijälä', agencyId: home }),
      otherAgency: await createUser(t, { email: 'matriisi.toinen@tulli.fi', displayName: 'Åsa Öström', agencyId: away, language: 'sv' }),
      admin: await createUser(t, { email: 'matriisi.yllapito@valtiokonttori.fi', displayName: 'Maija Ylläpitäjä', siteRole: 'admin' }),
      deactivated: await createUser(t, { email: 'matriisi.poistettu@verohallinto.fi', displayName: 'Oskar Öhman', agencyId: home }),
    };
    const person = await createUser(t, { email: 'matriisi.kohde@verohallinto.fi', displayName: 'Emma Kohde', agencyId: home });
    const tokens = t.app.get(ApiTokensService);
    const tokenOf = async (id: string) => (await tokens.issue(id, { name: 'access matrix' })).token;

    for (const name of ['user', 'otherAgency', 'admin'] as const) {
      const { email, id } = people[name];
      const main = await newSession(email);
      actors[name] = { email, token: await tokenOf(id), session: async () => main };
    }
    const anonymous = await newSession(null);
    actors.anonymous = { email: null, token: null, session: async () => anonymous };

    // The first request of a deactivated person's session ends it: a live session per web row,
    // all signed in before the deactivation, so that every route meets one.
    const deactivatedSessions: Session[] = [];
    for (let i = 0; i < WEB_ROWS; i++) deactivatedSessions.push(await newSession(people.deactivated.email));
    const deactivatedToken = await tokenOf(people.deactivated.id);
    // Proof that such a session and the token worked until the deactivation.
    expect((await (await newSession(people.deactivated.email)).client.get('/profile')).status).toBe(200);
    expect((await t.http.get('/api/v1/me').set('authorization', `Bearer ${deactivatedToken}`)).status).toBe(200);
    await db.query(`UPDATE app_user SET status = 'deactivated' WHERE id = $1`, [people.deactivated.id]);
    actors.deactivated = {
      email: people.deactivated.email,
      token: deactivatedToken,
      session: async () => {
        const next = deactivatedSessions.pop();
        if (!next) throw new Error('More web rows than deactivated sessions');
        return next;
      },
    };

    fixtures = await buildRouteFixtures(t, { user: people.user, person, agencyId: home });
    // One sign-in (an argon2 check) per web row for the deactivated person, on a machine busy with
    // the other test files: more than jest's default half-minute.
  }, 360_000);
  afterAll(() => t?.close());

  /** Calls one row as one actor, as a browser would on a page and an API client on /api/v1. */
  async function call(method: string, url: string, actor: ActorHandle, row: Row): Promise<Response> {
    if (isApi(url)) {
      const request = t.http[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](url);
      if (actor.token) request.set('authorization', `Bearer ${actor.token}`);
      // An empty body: every API body has a required field (a PATCH needs something to change), so
      // an allowed caller gets 400.
      return method === 'POST' ? request.send({}) : request;
    }
    const { client, csrf } = row.endsSession && actor.email && actor !== actors.deactivated ? await newSession(actor.email) : await actor.session();
    if (method === 'GET') return client.get(url);
    if (method === 'POST') return client.post(url, row.endsSession ? { _csrf: csrf } : { _csrf: csrf, ...PROBE }, { csrf: false });
    throw new Error(`No way to call ${method} ${url} from a browser`);
  }

  it('has a row for every route the app declares, and no row for a route that is gone', () => {
    const declared = declaredRoutes(t.app.get(DiscoveryService), t.app.get(MetadataScanner), t.app.get(Reflector)).map((route) => `${route.method} ${route.path}`);
    const withoutRow = declared.filter((key) => !(key in MATRIX));
    const gone = Object.keys(MATRIX).filter((key) => !OUTSIDE_NEST.has(key) && !declared.includes(key));
    expect({ withoutRow, gone }).toEqual({ withoutRow: [], gone: [] });
  });

  it.each(Object.entries(MATRIX))('%s answers each actor as its access rule says', async (key, row) => {
    const [method] = key.split(' ');
    const url = typeof row.url === 'function' ? row.url(fixtures) : row.url;
    const got: Record<string, Expected> = {};
    const wanted: Record<string, Expected> = {};
    for (const [index, name] of ACTORS.entries()) {
      const res = await call(method, url, actors[name], row);
      const signInRedirect = res.status === 303 && res.headers.location === `/login?next=${encodeURIComponent(url)}`;
      got[name] = signInRedirect ? SIGN_IN : res.status;
      wanted[name] = row.expect[index];
    }
    expect(got).toEqual(wanted);
  });
});
