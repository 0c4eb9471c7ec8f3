// The home page's baseline for bench:home, run as a process of its own (as the app is), built like
// forum-baseline-process.ts: nothing but node:http, pg and Handlebars. GET / reads the person's next
// sessions (HomeService.nextSessions' own query, as one named prepared statement on a pool of the
// app's size) and renders views/home/home.hbs in views/layouts/main.hbs, both compiled once at
// start with the app's Handlebars instance, from a view model of the shape the controller gives a
// participant, with the other lists empty. The person is named by the x-bench-person header: no
// session, access rule, rounds, unread threads, events or header count — what one comparable page
// costs with nothing else around it.
//
// Environment: DATABASE_URL, PORT, POOL_MAX. Prints "ready" on stdout once it listens.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { VIEWS_DIR } from '../../src/paths';
import { localized, LocalizedText, translate } from '../../src/i18n/i18n';
import { createViewEngine } from '../../src/views/view-engine';
import { listenUntilStopped } from './baseline-server';

const LANG = 'fi' as const;
const HOME_SESSIONS = 5;

const SESSIONS_SQL = `WITH mine AS (
     SELECT cohort_id, 'facilitator' AS role FROM cohort_facilitator WHERE user_id = $1
     UNION ALL
     SELECT cohort_id, status::text FROM enrolment WHERE user_id = $1 AND status IN ('confirmed', 'waitlisted', 'pending_approval')
   ), roles AS (
     SELECT DISTINCT ON (cohort_id) cohort_id, role FROM mine ORDER BY cohort_id, role = 'facilitator' DESC, role = 'confirmed' DESC
   )
   SELECT s.id, s.starts_at, s.ends_at, coalesce(s.place, c.place) AS place, coalesce(s.meeting_link, c.meeting_link) AS meeting_link,
          c.id AS cohort_id, c.name AS cohort_name, c.delivery_mode, p.title, roles.role, u.display_name
     FROM roles
     JOIN cohort c ON c.id = roles.cohort_id AND c.status = 'published'
     JOIN programme p ON p.id = c.programme_id AND p.status <> 'draft'
     JOIN cohort_session s ON s.cohort_id = c.id AND s.status = 'scheduled' AND s.ends_at > $2
     CROSS JOIN (SELECT display_name FROM app_user WHERE id = $1) u
    ORDER BY s.starts_at, s.id
    LIMIT $3`;

interface SessionRow {
  id: string;
  starts_at: Date;
  ends_at: Date;
  place: string | null;
  meeting_link: string | null;
  cohort_id: string;
  cohort_name: string;
  title: LocalizedText;
  role: string;
  display_name: string;
}

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_MAX ?? 10), application_name: 'verso-bench-baseline' });
const hbs = createViewEngine();
const page = hbs.compile(readFileSync(join(VIEWS_DIR, 'home', 'home.hbs'), 'utf8'));
const layout = hbs.compile(readFileSync(join(VIEWS_DIR, 'layouts', 'main.hbs'), 'utf8'));
const locals = (url: string, id: string, name: string) => ({
  lang: LANG,
  languages: (['fi', 'sv', 'en'] as const).map((code) => ({ code, name: { fi: 'Suomi', sv: 'Svenska', en: 'English' }[code], href: `/language/${code}?next=${encodeURIComponent(url)}`, current: code === LANG })),
  currentUser: { id, displayName: name, email: 'osallistuja@example.fi' },
  canAdminister: false,
  csrfToken: 'bench-baseline-csrf-token-0123456789abcdefghijklmnopq',
});

async function render(personId: string, url: string): Promise<string> {
  const { rows } = await pool.query<SessionRow>({ name: 'baseline-sessions', text: SESSIONS_SQL, values: [personId, new Date(), HOME_SESSIONS] });
  const name = rows[0]?.display_name ?? '';
  const model = {
    title: translate(LANG, 'myHome.title'),
    name,
    admin: false,
    sessions: rows.map((row) => {
      const waiting = row.role === 'waitlisted' || row.role === 'pending_approval';
      const mayJoin = row.role === 'facilitator' || row.role === 'confirmed';
      const meetingLink = mayJoin ? row.meeting_link : null;
      return {
        id: row.id,
        startsAt: row.starts_at,
        endsAt: row.ends_at,
        cohortId: row.cohort_id,
        cohortName: row.cohort_name,
        programmeTitle: localized(row.title, LANG),
        place: row.place,
        meetingLink,
        role: row.role,
        href: `/cohorts/${row.cohort_id}`,
        calendarHref: `/cohorts/${row.cohort_id}/calendar.ics`,
        meetingLinkHref: meetingLink && /^https?:\/\//.test(meetingLink) ? meetingLink : null,
        waiting,
        roleKey: `myHome.role.${row.role}`,
      };
    }),
    rounds: [],
    facilitated: [],
    unreadThreads: [],
    unreadCount: 0,
    moreUnread: false,
    networkEvents: [],
  };
  const data = { ...locals(url, personId, name), ...model };
  return layout({ ...data, body: page(data) });
}

const server = http.createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://baseline');
  if (url.pathname === '/health') {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  const person = request.headers['x-bench-person'];
  if (url.pathname !== '/' || typeof person !== 'string') {
    response.writeHead(404).end();
    return;
  }
  render(person, request.url ?? '/').then(
    (html) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) }).end(html),
    (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
  );
});
listenUntilStopped(server, pool);
