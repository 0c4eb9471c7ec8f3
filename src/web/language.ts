// Chooses each request's UI language and gives every page what the layout needs (lang attribute,
// language switcher), through reply.locals, which @fastify/view merges into every view model.
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Language, LANGUAGE_COOKIE, LANGUAGE_NAMES, LANGUAGES, negotiateLanguage } from '../i18n/i18n';

declare module 'fastify' {
  interface FastifyRequest {
    lang: Language;
  }
  interface FastifyReply {
    locals?: Record<string, unknown>;
  }
}

export function registerLanguage(fastify: FastifyInstance): void {
  fastify.decorateRequest('lang', 'fi');
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const cookie = request.cookies?.[LANGUAGE_COOKIE];
    request.lang = negotiateLanguage(cookie, request.headers['accept-language']);
    const here = request.url;
    reply.locals = {
      ...reply.locals,
      lang: request.lang,
      languages: LANGUAGES.map((code) => ({
        code,
        name: LANGUAGE_NAMES[code],
        href: `/language/${code}?next=${encodeURIComponent(here)}`,
        current: code === request.lang,
      })),
    };
    // Pages differ by language cookie and header, so shared caches must keep them apart.
    reply.header('vary', 'Accept-Language, Cookie');
  });
}

/** The request's UI language: `list(@Lang() lang: Language)`. */
export const Lang = createParamDecorator((_: unknown, context: ExecutionContext): Language => {
  return context.switchToHttp().getRequest<FastifyRequest>().lang;
});
