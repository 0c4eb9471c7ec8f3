// The one app setup, used by main.ts and by the tests alike, so tests exercise what users get.
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import fastifyCookie from '@fastify/cookie';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import { DestinationStream, Logger } from 'pino';
import { AppModule } from './app.module';
import { Config } from './config/config';
import { withSessionSecret } from './database/installation-secret';
import { prepareDatabase } from './database/prepare-database';
import { createLogger, LOGGER, PinoNestLogger } from './logging/logger';
import { PUBLIC_DIR, VIEWS_DIR } from './paths';
import { Authentication } from './access/authentication.service';
import { registerSessions } from './access/sessions';
import { mountQueueBoard } from './ops/queue-board';
import { createViewEngine } from './views/view-engine';
import { apiValidationError } from './web/forms';
import { HttpExceptionFilter } from './web/http-exception.filter';
import { registerInputGuard } from './web/input-guard';
import { registerMultipart } from './web/multipart';
import { registerLanguage } from './web/language';
import { clientErrorHandler, frameworkErrors, registerRequestSafety } from './web/request-safety';

const REQUEST_ID = /^[A-Za-z0-9_\-.]{1,64}$/;

/** Keeps a caller's X-Request-Id (from a proxy) when it is sane, else makes one. */
function requestId(request: { headers: Record<string, string | string[] | undefined> }): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** `logger`: the process's own (main.ts); else one writing to `logDestination` (a test reads it) or stdout. */
export async function createApp(config: Config, options: { logger?: Logger; logDestination?: DestinationStream } = {}): Promise<NestFastifyApplication> {
  const logger = options.logger ?? createLogger(config.logLevel, options.logDestination);
  await prepareDatabase(config.databaseUrl);
  // Before anything signs or seals with it: without SESSION_SECRET, the installation's own.
  config = await withSessionSecret(config);
  const errors = new HttpExceptionFilter(logger);
  const adapter: FastifyAdapter = new FastifyAdapter({
    loggerInstance: logger,
    genReqId: requestId,
    // Only these proxies' X-Forwarded-For is believed (TRUST_PROXY); anyone else could choose the
    // address that sign-in limits count against.
    trustProxy: config.trustedProxies.length > 0 ? [...config.trustedProxies] : false,
    // Form posts and JSON bodies are small; this bounds what one request can make us parse.
    bodyLimit: 1024 * 1024,
    frameworkErrors: frameworkErrors(() => adapter.getInstance()),
    clientErrorHandler: clientErrorHandler(() => adapter.getInstance(), logger),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger), adapter, {
    logger: new PinoNestLogger(logger),
  });
  await configureApp(app, config, errors);
  return app;
}

export async function configureApp(app: NestFastifyApplication, config: Config, errors = new HttpExceptionFilter(app.get<Logger>(LOGGER))): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();

  await app.register(fastifyCookie, { secret: config.sessionSecret });
  await registerSessions(app, config, app.get<Logger>(LOGGER));
  // After the session's onSend hook, so its checks run last, just before the headers are written.
  registerRequestSafety(fastify);
  await registerMultipart(app, config.fileMaxBytes);
  registerInputGuard(app);
  // Helmet's headers, its middleware built once (@fastify/helmet built it again for every request:
  // a measurable part of a page's cost in bench:forum).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: config.baseUrl.startsWith('https:') ? [] : null,
      },
    },
    strictTransportSecurity: config.baseUrl.startsWith('https:'),
    // Other sites learn nothing of where their visitors came from.
    referrerPolicy: { policy: 'same-origin' },
  });
  fastify.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, () => done()));
  app.useStaticAssets({ root: PUBLIC_DIR, prefix: '/static/', maxAge: config.nodeEnv === 'production' ? '7d' : 0 });
  // Browsers ask for /favicon.ico whatever the page links; the one icon is the SVG.
  fastify.get('/favicon.ico', (_request, reply) => reply.header('cache-control', 'public, max-age=86400').redirect('/static/favicon.svg', 301));
  app.setViewEngine({
    engine: { handlebars: createViewEngine() },
    templates: VIEWS_DIR,
    viewExt: 'hbs',
    layout: 'layouts/main',
    // Templates are compiled once and cached; restart to see template edits.
    production: true,
  });
  registerLanguage(fastify);
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Swagger UI's page carries inline styles; only it gets them.
    if (request.url.startsWith('/api/docs')) {
      reply.header('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'");
    }
  });

  errors.useApp(fastify, app.get(Authentication));
  await mountQueueBoard(app, errors);

  // API bodies and queries: unknown fields refused, a message per field (web forms: web/forms.ts).
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, forbidUnknownValues: false, exceptionFactory: apiValidationError }));
  app.useGlobalFilters(errors);

  const openApi = new DocumentBuilder()
    .setTitle('Verso API')
    .setDescription('Programmes, cohorts, enrolments and discussion channels of the Verso coaching platform.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A personal access token from POST /api/v1/auth/tokens' })
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'api/docs/openapi.json',
  });
}
