// Owns the process's one pino logger: JSON lines on stdout, shared by Fastify (request logs with a
// request id) and by Nest (through PinoNestLogger), so every line has the same shape. Addresses are
// logged with their secret tokens hidden.
import { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger } from 'pino';
import { LogLevel } from '../config/config';

/**
 * A secret token in an address: every one this app hands out (password reset, manager approval,
 * unsubscribe, calendar feed) is a path segment or query value of 32 or more random base64url
 * characters. Lower-case words joined by hyphens (a programme's slug, a UUID) are not.
 */
const LONG_VALUE_IN_URL = /(?<=[/=])[A-Za-z0-9_-]{32,}/g;
const WORDS = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** `/password/reset?token=[hidden]`: the address as a log may show it. */
export function withoutTokens(url: string): string {
  return url.replace(LONG_VALUE_IN_URL, (value) => (WORDS.test(value) ? value : '[hidden]'));
}

/** Fastify's request fields (lib/logger-pino.js), the address without its tokens. */
function requestFields(req: { method?: string; url?: string; headers?: Record<string, unknown>; host?: string; ip?: string; socket?: { remotePort?: number } }) {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? withoutTokens(req.url) : req.url,
    version: req.headers?.['accept-version'],
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/** `destination`: where the lines go, stdout when omitted (a test passes its own to read them). */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'verso', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['req.headers.cookie', 'req.headers.authorization'], remove: true },
      // Fastify's request logs take these in place of its own serializers.
      serializers: { req: requestFields, url: (url: unknown) => (typeof url === 'string' ? withoutTokens(url) : url) },
    },
    destination,
  );
}

/** Nest's logger interface over pino; the Nest context becomes a `context` field. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
  fatal(message: unknown, context?: string) {
    this.logger.fatal({ context }, String(message));
  }
}

/** Injection token for the pino logger. */
export const LOGGER = Symbol('LOGGER');
