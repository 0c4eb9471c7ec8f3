// Signing in as a browser does, over plain fetch: the sign-in page's CSRF token and cookies, then the
// form's POST, keeping every cookie the answers set. The benches' readers and the several-processes
// test sign in this way, so what they measure and check is the session a person gets.

/** A browser's cookies: remembers what answers set, and says them back. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  remember(res: Response): Response {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return res;
  }

  has(name: string): boolean {
    return this.cookies.has(name);
  }

  names(): string[] {
    return [...this.cookies.keys()];
  }
}

/**
 * The sign-in form at `base` with `email` and `password`; `headers` go with both requests (a language;
 * `x-forwarded-proto: https` where a proxy ends TLS, for production's Secure cookies). Returns the
 * POST's answer, unread, and the jar: 303 and a `verso_session` cookie when it worked.
 */
export async function signInThroughForm(
  base: string,
  email: string,
  password: string,
  headers: Record<string, string> = { 'accept-language': 'fi' },
): Promise<{ res: Response; jar: CookieJar }> {
  const jar = new CookieJar();
  const form = jar.remember(await fetch(`${base}/login`, { headers }));
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!token) throw new Error(`no CSRF token on /login (${form.status})`);
  const res = jar.remember(
    await fetch(`${base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...headers, cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token, email, password }).toString(),
    }),
  );
  return { res, jar };
}
