// Admin pages (outbox, queue dashboard) are open to whoever signs in with ADMIN_TOKEN, until the
// accounts issue brings admins with roles. The sign-in sets a signed, SameSite=Strict cookie; a
// state-changing request must also come from this site (Origin or Referer), so no other site can
// make an admin's browser act.
import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { Config } from '../config/config';
import { translate } from '../i18n/i18n';
import { safeLocalPath } from './language';

export const ADMIN_COOKIE = 'verso_admin';
const EIGHT_HOURS_SECONDS = 8 * 60 * 60;

export function tokenMatches(config: Config, given: unknown): boolean {
  if (!config.adminToken || typeof given !== 'string') return false;
  const a = Buffer.from(config.adminToken);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function isAdmin(request: FastifyRequest): boolean {
  const raw = request.cookies?.[ADMIN_COOKIE];
  if (!raw) return false;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value === 'yes';
}

export function signInAdmin(reply: FastifyReply, secure: boolean): void {
  reply.setCookie(ADMIN_COOKIE, 'yes', {
    path: '/admin',
    signed: true,
    httpOnly: true,
    sameSite: 'strict',
    secure,
    maxAge: EIGHT_HOURS_SECONDS,
  });
}

export function signOutAdmin(reply: FastifyReply): void {
  reply.clearCookie(ADMIN_COOKIE, { path: '/admin' });
}

function fromThisSite(request: FastifyRequest): boolean {
  const source = request.headers.origin ?? request.headers.referer;
  if (!source) return false;
  try {
    return new URL(source).host === request.headers.host;
  } catch {
    return false;
  }
}

/** Where to send someone who is not signed in: the sign-in page, then back here. */
export function adminSignInPath(request: FastifyRequest): string {
  return `/admin/login?next=${encodeURIComponent(safeLocalPath(request.url))}`;
}

export class AdminSignInRequired extends Error {}

@Injectable()
export class AdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!isAdmin(request)) {
      if (request.method === 'GET') throw new AdminSignInRequired();
      throw new ForbiddenException(translate(request.lang, 'admin.signInFirst'));
    }
    if (request.method !== 'GET' && request.method !== 'HEAD' && !fromThisSite(request)) {
      throw new ForbiddenException(translate(request.lang, 'admin.otherSite'));
    }
    return true;
  }
}
