// The signed-in person a @SignedIn or @Requires route acts for: `show(@CurrentActor() actor: Actor)`.
// The AccessGuard has resolved them before the handler runs; a route that could be reached without
// one is a mistake, so this refuses rather than passing undefined along.
import { createParamDecorator, ExecutionContext, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Actor } from './capabilities';

export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<FastifyRequest>().actor;
  if (!actor) throw new UnauthorizedException();
  return actor;
});

/** The signed-in person on a route anyone may use, or null: `page(@Viewer() viewer: Actor | null)`. */
export const Viewer = createParamDecorator((_: unknown, context: ExecutionContext): Actor | null => {
  return context.switchToHttp().getRequest<FastifyRequest>().actor ?? null;
});
