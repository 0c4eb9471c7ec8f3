// Accounts in tests: people created through the real UserService, and a web client that keeps its
// cookies (session, CSRF secret, language) like a browser and fills in each form's CSRF token.
import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { Actor } from '../../src/access/capabilities';
import { Language } from '../../src/i18n/i18n';
import { SiteRole, User } from '../../src/identity/user.entity';
import { UserService } from '../../src/identity/user.service';
import { TestApp } from './test-app';

export const TEST_PASSWORD = 'Kesäkuun-valmennus-77';

export async function createUser(
  t: TestApp,
  overrides: Partial<{ email: string; displayName: string; agencyId: string | null; language: Language; siteRole: SiteRole | null; password: string; emailVerified: boolean }> = {},
): Promise<User & { password: string }> {
  const password = overrides.password ?? TEST_PASSWORD;
  const user = await t.app.get(UserService).register({
    email: overrides.email ?? `person-${randomBytes(4).toString('hex')}@example.fi`,
    displayName: overrides.displayName ?? 'Aino Äijälä',
    agencyId: overrides.agencyId ?? null,
    language: overrides.language ?? 'fi',
    siteRole: overrides.siteRole ?? null,
    password,
    // Verified unless a test is about the unverified (test/email-verification.test.ts).
    emailVerified: overrides.emailVerified ?? true,
  });
  return Object.assign(user, { password });
}

export class WebClient {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly t: TestApp,
    readonly lang: Language = 'fi',
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private remember(res: Response): Response {
    const setCookie = res.headers['set-cookie'] as unknown as string[] | undefined;
    for (const line of setCookie ?? []) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=/i.test(a) && new Date(a.split('=')[1]).getTime() < Date.now()) || attributes.some((a) => /^\s*max-age=0/i.test(a));
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  async get(path: string): Promise<Response> {
    return this.remember(await this.t.http.get(path).set('cookie', this.cookieHeader()).set('accept-language', this.lang));
  }

  /** The CSRF token of a page's form (the sign-in page has one for everybody). */
  async csrfToken(page = '/login'): Promise<string> {
    const res = await this.get(page);
    const token = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1];
    if (!token) throw new Error(`No CSRF token on ${page} (status ${res.status})`);
    return token;
  }

  /** Posts a form as a browser would: with the CSRF token of `page` unless `csrf: false`. */
  async post(path: string, form: Record<string, string> = {}, options: { page?: string; csrf?: boolean } = {}): Promise<Response> {
    const fields = options.csrf === false ? form : { _csrf: await this.csrfToken(options.page), ...form };
    return this.remember(await this.t.http.post(path).set('cookie', this.cookieHeader()).set('accept-language', this.lang).type('form').send(fields));
  }

  /**
   * Posts a multipart form as a browser does: the CSRF token of `page` and the text fields first
   * (the order src/web/multipart.ts relies on), then the files, each under its input's name.
   */
  async postMultipart(path: string, page: string, fields: Record<string, string>, files: UploadedFile[] = []): Promise<Response> {
    let request = this.t.http.post(path).set('cookie', this.cookieHeader()).set('accept-language', this.lang).field('_csrf', await this.csrfToken(page));
    for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
    for (const file of files) request = request.attach(file.field, file.content, { filename: file.filename, contentType: file.contentType ?? 'application/octet-stream' });
    return this.remember(await request);
  }
}

/** A file as a form's file input sends it. */
export interface UploadedFile {
  field: string;
  content: Buffer;
  filename: string;
  contentType?: string;
}

/** A browser-like client signed in as this person. */
export async function signIn(t: TestApp, email: string, password: string = TEST_PASSWORD, lang: Language = 'fi'): Promise<WebClient> {
  const client = new WebClient(t, lang);
  const res = await client.post('/login', { email, password });
  if (res.status !== 303) throw new Error(`Sign-in of ${email} failed: ${res.status} ${res.text.slice(0, 200)}`);
  return client;
}

/** The Actor a service call acts for, as the AccessGuard makes it for a signed-in person. */
export function actorOf(user: User): Actor {
  return { id: user.id, email: user.email, displayName: user.displayName, agencyId: user.agencyId, language: user.language, siteRole: user.siteRole, emailVerified: user.emailVerifiedAt !== null };
}
