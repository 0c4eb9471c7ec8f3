// The thread page's baseline for bench:forum, run as a process of its own (as the app is): nothing
// but node:http, pg and Handlebars. GET /threads/:id[?cursor=…] reads the thread with its channel
// and a page of 50 posts with their authors and what they answer (the post query's own joins), as
// two named prepared statements on a pool of the app's size, and renders views/forums/thread.hbs in
// views/layouts/main.hbs, both compiled once at start with the app's Handlebars instance (its
// helpers and partials, as the app renders them), from a view model of the same shape the
// controller gives a participant (no moderation forms). No session, access rule, read position or
// subscription: what the page costs with nothing else around it.
//
// Environment: DATABASE_URL, PORT, POOL_MAX. Prints "ready" on stdout once it listens.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { VIEWS_DIR } from '../../src/paths';
import { translate } from '../../src/i18n/i18n';
import { createViewEngine } from '../../src/views/view-engine';
import { listenUntilStopped } from './baseline-server';

const LANG = 'fi' as const;
const POSTS_PER_PAGE = 50;
const instantKey = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const HEAD_SQL = `SELECT t.id, t.title, t.locked, t.pinned, t.post_first, ch.id AS channel_id, ch.name AS channel_name, ch.archived_at, c.name AS cohort_name, p.title AS programme_title
  FROM forum_thread t JOIN forum_channel ch ON ch.id = t.channel_id LEFT JOIN cohort c ON c.id = ch.cohort_id LEFT JOIN programme p ON p.id = c.programme_id
  WHERE t.id = $1`;

const POSTS_COLUMNS = `SELECT p.id, u.display_name AS author_name, p.body_html, p.language, p.created_at, ${instantKey('p.created_at')} AS created_key, p.edited_at,
    p.deleted_at IS NOT NULL AS deleted, p.hidden_at IS NOT NULL AS hidden, p.hidden_reason,
    p.reply_to_id, ru.display_name AS reply_to_author,
    CASE WHEN rt.deleted_at IS NULL AND rt.hidden_at IS NULL THEN left(rt.body, 160) END AS reply_to_excerpt
  FROM forum_post p LEFT JOIN app_user u ON u.id = p.author_id
  LEFT JOIN forum_post rt ON rt.id = p.reply_to_id LEFT JOIN app_user ru ON ru.id = rt.author_id`;
const POSTS_SQL = `${POSTS_COLUMNS} WHERE p.thread_id = $1 ORDER BY p.created_at, p.id LIMIT $2`;
const POSTS_AFTER_SQL = `${POSTS_COLUMNS} WHERE p.thread_id = $1 AND (p.created_at, p.id) > ($3::timestamptz, $4::uuid) ORDER BY p.created_at, p.id LIMIT $2`;

interface PostRow {
  id: string;
  author_name: string | null;
  body_html: string;
  language: string;
  created_at: Date;
  created_key: string;
  edited_at: Date | null;
  deleted: boolean;
  hidden: boolean;
  hidden_reason: string | null;
  reply_to_id: string | null;
  reply_to_author: string | null;
  reply_to_excerpt: string | null;
}

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_MAX ?? 10), application_name: 'verso-bench-baseline' });
const hbs = createViewEngine();
const page = hbs.compile(readFileSync(join(VIEWS_DIR, 'forums', 'thread.hbs'), 'utf8'));
const layout = hbs.compile(readFileSync(join(VIEWS_DIR, 'layouts', 'main.hbs'), 'utf8'));
const unknownAuthor = translate(LANG, 'forums.author.unknown');
const threadHref = (id: string, query = '', anchor = '') => `/threads/${id}${query ? `?${query}` : ''}${anchor ? `#${anchor}` : ''}`;
const languageOptions = ['auto', 'fi', 'sv', 'en'].map((code) => ({ value: code, label: translate(LANG, `forums.language.${code}`), selected: code === 'auto' }));
const levelOptions = ['every_post', 'daily_digest', 'off'].map((level) => ({ value: level, label: translate(LANG, `forums.subscription.${level}`), selected: level === 'every_post' }));
/** What the app's layout gets from reply.locals for a signed-in participant. */
const locals = (url: string) => ({
  lang: LANG,
  languages: (['fi', 'sv', 'en'] as const).map((code) => ({ code, name: { fi: 'Suomi', sv: 'Svenska', en: 'English' }[code], href: `/language/${code}?next=${encodeURIComponent(url)}`, current: code === LANG })),
  currentUser: { id: '00000000-0000-4000-8000-000000000000', displayName: 'Lukija 1', email: 'lukija-1@example.fi' },
  canAdminister: false,
  // As long as @fastify/csrf-protection's tokens.
  csrfToken: 'bench-baseline-csrf-token-0123456789abcdefghijklmnopq',
});

const encodeCursor = (key: (string | number)[]) => Buffer.from(JSON.stringify(key)).toString('base64url');

async function render(threadId: string, cursor: string | null, url: string): Promise<string | null> {
  const { rows: heads } = await pool.query({ name: 'baseline-head', text: HEAD_SQL, values: [threadId] });
  const head = heads[0];
  if (!head) return null;
  let after: [string, string] | null = null;
  if (cursor) after = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
  const { rows } = await pool.query<PostRow>(
    after
      ? { name: 'baseline-posts-after', text: POSTS_AFTER_SQL, values: [threadId, POSTS_PER_PAGE + 1, after[0], after[1]] }
      : { name: 'baseline-posts', text: POSTS_SQL, values: [threadId, POSTS_PER_PAGE + 1] },
  );
  const shown = rows.slice(0, POSTS_PER_PAGE);
  const last = shown[shown.length - 1];
  const cursorValue = cursor ?? '';
  const cursorQuery = cursorValue ? `cursor=${encodeURIComponent(cursorValue)}&` : '';
  const channelName = head.programme_title ? `${head.programme_title[LANG]}: ${head.cohort_name}` : head.channel_name[LANG];
  const model = {
    title: head.title,
    notice: null,
    refusal: null,
    errors: null,
    otherErrors: [],
    thread: { id: head.id, title: head.title, locked: head.locked, pinned: head.pinned, postFirst: head.post_first, href: threadHref(head.id) },
    channel: { id: head.channel_id, name: channelName, href: `/channels/${head.channel_id}`, archived: !!head.archived_at },
    posts: shown.map((row) => {
      const createdAt = new Date(row.created_at);
      const gone = row.deleted || row.hidden;
      return {
        id: row.id,
        anchor: `post-${row.id}`,
        authorName: row.author_name ?? unknownAuthor,
        createdAt,
        datetime: createdAt.toISOString(),
        editedAt: row.edited_at,
        deleted: row.deleted,
        hidden: row.hidden,
        hiddenReason: row.hidden ? row.hidden_reason : null,
        bodyHtml: gone ? null : row.body_html,
        lang: row.language !== LANG ? row.language : null,
        unread: false,
        replyTo: row.reply_to_id ? { href: `#post-${row.reply_to_id}`, authorName: row.reply_to_author ?? unknownAuthor, excerpt: row.reply_to_excerpt } : null,
        editHref: null,
        mayDelete: false,
        replyHref: gone ? null : threadHref(head.id, `${cursorQuery}replyTo=${row.id}`, 'reply'),
        moderate: false,
        hideForm: null,
      };
    }),
    cursor: cursorValue,
    firstPageHref: cursor ? threadHref(head.id) : null,
    nextHref: rows.length > POSTS_PER_PAGE ? threadHref(head.id, `cursor=${encodeCursor([last.created_key, last.id])}`) : null,
    gated: false,
    closedReason: null,
    replyForm: {
      action: `/threads/${head.id}/posts`,
      body: { value: '', error: null },
      language: { options: languageOptions, error: null },
      replyToId: '',
      replyingTo: null,
      cancelReplyHref: null,
      after: last ? encodeCursor([new Date(new Date(last.created_at).getTime() - 1).toISOString(), last.id]) : cursorValue,
    },
    subscription: { action: `/threads/${head.id}/subscription`, options: levelOptions, error: null },
    moderation: null,
  };
  const data = { ...locals(url), ...model };
  return layout({ ...data, body: page(data) });
}

const THREAD_PATH = /^\/threads\/([0-9a-f-]{36})$/;

const server = http.createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://baseline');
  if (url.pathname === '/health') {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  const match = THREAD_PATH.exec(url.pathname);
  if (!match) {
    response.writeHead(404).end();
    return;
  }
  render(match[1], url.searchParams.get('cursor'), request.url ?? '/').then(
    (html) => {
      if (html === null) response.writeHead(404).end();
      else response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) }).end(html);
    },
    (error: Error) => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(error.message);
    },
  );
});
listenUntilStopped(server, pool);
