// The one guard, for web pages and the API alike (registered as APP_GUARD). For each request it
// checks, in order: the CSRF token of a state-changing web form (before anything can change), who
// the actor is, and whether the route's declared rule lets them in. Controllers never check access
// themselves.
import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { translate } from '../i18n/i18n';
import { ACCESS, AccessRule } from './access.decorator';
import { Authentication, isApiRequest } from './authentication.service';
import { Actor, can, Capability } from './capabilities';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Thrown for a page that needs sign-in: the error filter sends the browser to the sign-in page. */
export class SignInRequired extends Error {}

/** What every page's layout may show about the signed-in person. */
export function layoutLocals(actor: Actor | null) {
  if (!actor) return { currentUser: null };
  return {
    currentUser: { id: actor.id, displayName: actor.displayName, email: actor.email },
    canAdminister: can(actor, Capability.UsersManage) || can(actor, Capability.OutboxManage),
    // Every page reminds the person to use the link, with a button for a new one (partials/email-unverified).
    emailUnverified: !actor.emailVerified,
  };
}

@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authentication: Authentication,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS, [context.getHandler(), context.getClass()]);
    // Cannot happen once booted (checkEveryRouteDeclares), but never fail open.
    if (!rule) throw new ForbiddenException();
    if (rule.kind === 'public' && ((rule.file && SAFE_METHODS.has(request.method)) || rule.token)) return true;
    const api = isApiRequest(request);

    if (!api && !SAFE_METHODS.has(request.method) && !(await csrfTokenValid(request, reply))) {
      throw new ForbiddenException(translate(request.lang, 'accounts.csrf.invalid'));
    }
    const actor = await this.authentication.actorFor(request);
    if (!api) reply.locals = { ...reply.locals, ...layoutLocals(actor), csrfToken: reply.generateCsrf() };

    if (rule.kind === 'public') return true;
    if (!actor) {
      if (api) throw new UnauthorizedException('Sign in: send Authorization: Bearer <token> (POST /api/v1/auth/tokens)');
      if (request.method === 'GET') throw new SignInRequired();
      throw new ForbiddenException(translate(request.lang, 'accounts.signInFirst'));
    }
    if (rule.kind === 'capability' && !can(actor, rule.capability)) {
      throw new ForbiddenException(api ? `Needs ${rule.capability}` : translate(request.lang, 'accounts.notAllowed'));
    }
    return true;
  }
}

/** @fastify/csrf-protection's own check, asked for a yes or no instead of writing the reply itself. */
function csrfTokenValid(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  return new Promise((resolve) => {
    const answer = { unsignCookie: (value: string) => reply.unsignCookie(value), send: () => resolve(false) };
    request.server.csrfProtection(request, answer as unknown as FastifyReply, () => resolve(true));
  });
}
