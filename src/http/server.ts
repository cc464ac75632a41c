/** Builds the HTTP server: API under /api/v1, its OpenAPI document and docs page, the live stream, and the UI. */
import { existsSync, readFileSync } from 'node:fs';
import type http from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import fastifyWebsocket from '@fastify/websocket';
import { Ajv } from 'ajv';
import type { FormatsPlugin } from 'ajv-formats';
import * as formats from 'ajv-formats';
import fastify, { type FastifyHttpOptions } from 'fastify';
import type { ProjectAccess, Scope } from '../domain/projects.ts';
import { VERSION } from '../engine/worker.ts';
import type { App, HttpDeps } from './app.ts';
import { auditHooks } from './audit.ts';
import { authHook } from './auth.ts';
import { crossOriginHooks } from './cross-origin.ts';
import { errorBody, errorHandler } from './errors.ts';
import { auditRoutes } from './routes/audit.ts';
import { authRoutes } from './routes/auth.ts';
import { credentialRoutes } from './routes/credentials.ts';
import { groupRoutes } from './routes/groups.ts';
import { healthRoutes } from './routes/health.ts';
import { hookRoutes } from './routes/hooks.ts';
import { hostRoutes } from './routes/hosts.ts';
import { hostBulkRoutes } from './routes/hosts-bulk.ts';
import { hostImportRoutes } from './routes/hosts-import.ts';
import { jobRunRoutes } from './routes/job-runs.ts';
import { jobRoutes } from './routes/jobs.ts';
import { notificationRoutes } from './routes/notifications.ts';
import { oidcRoutes } from './routes/oidc.ts';
import { projectRoutes } from './routes/projects.ts';
import { runRoutes } from './routes/runs.ts';
import { scheduleRoutes } from './routes/schedules.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { triggerRoutes } from './routes/triggers.ts';
import { userRoutes } from './routes/users.ts';
import { workerRoutes } from './routes/workers.ts';
import { ErrorBody } from './schemas.ts';
import { streamRoutes } from './stream.ts';

const addFormats = ((formats as unknown as { default?: FormatsPlugin }).default ??
  formats) as unknown as FormatsPlugin;

/** Bodies are strict (a string is not a number); query strings and params are text, so they are coerced. */
function validators() {
  const make = (coerce: boolean) => {
    const ajv = new Ajv({
      allErrors: true,
      strict: false,
      removeAdditional: false,
      useDefaults: true,
      coerceTypes: coerce ? 'array' : false,
    });
    addFormats(ajv);
    ajv.addKeyword('discriminator');
    return ajv;
  };
  const strict = make(false);
  const coercing = make(true);
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema);
}

function trustProxyOption(
  t: boolean | number | string,
): boolean | string | ((address: string, hop: number) => boolean) {
  return typeof t === 'number' ? (_address: string, hop: number) => hop < t : t;
}

export async function buildServer(deps: HttpDeps): Promise<App> {
  const tls = deps.config.tls;
  const https = tls
    ? { cert: readFileSync(tls.certPath, 'utf8'), key: readFileSync(tls.keyPath, 'utf8') }
    : null;
  const options: FastifyHttpOptions<http.Server> = {
    logger: false,
    bodyLimit: 1024 * 1024,
    // A hop count becomes Fastify's function form (trust the last N addresses).
    trustProxy: trustProxyOption(deps.config.trustProxy),
    // HTTPS when configured; the server type stays Node's http.Server as far as routes can tell.
    ...(https && {
      serverFactory: (handler: http.RequestListener) =>
        createHttpsServer(https, handler) as unknown as http.Server,
    }),
    ajv: { customOptions: { removeAdditional: false } },
  };
  const app = fastify(options).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validators());
  app.setErrorHandler(errorHandler(deps.log));
  app.decorateRequest('user', null);
  app.decorateRequest('authMethod', null);
  app.decorateRequest('csrfToken', null);
  // Set by the auth hook on every API request; null only before it ran.
  app.decorateRequest('access', null as unknown as ProjectAccess);
  app.decorateRequest('scope', null as unknown as Scope);

  // Scripts only from orca itself (the Vite build has no inline script); Mantine sets inline
  // styles, hence 'unsafe-inline' for styles alone. No framing anywhere (clickjacking).
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Sent by crossOriginHooks, on HTTPS requests only: over plain HTTP it would be ignored or,
    // behind a proxy that terminates TLS, be decided by what the proxy says.
    hsts: false,
  });
  crossOriginHooks(app, deps.config.corsOrigins);
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'orca', version: VERSION, description: 'Run commands on fleets of hosts.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API token from POST /api/v1/tokens' },
          session: { type: 'apiKey', in: 'cookie', name: 'orca_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  app.addSchema(ErrorBody);

  await app.register(
    async (api) => {
      const a = api as unknown as App;
      a.addHook('onRequest', authHook(deps));
      auditHooks(a, deps);
      auditRoutes(a, deps);
      healthRoutes(a, deps);
      authRoutes(a, deps);
      oidcRoutes(a, deps);
      tokenRoutes(a, deps);
      userRoutes(a, deps);
      projectRoutes(a, deps);
      credentialRoutes(a, deps);
      hostRoutes(a, deps);
      hostBulkRoutes(a, deps);
      hostImportRoutes(a, deps);
      groupRoutes(a, deps);
      jobRoutes(a, deps);
      runRoutes(a, deps);
      jobRunRoutes(a, deps);
      notificationRoutes(a, deps);
      triggerRoutes(a, deps);
      // Its own scope: the hook keeps the raw body (signatures) with its own JSON parser.
      await a.register(async (h) => hookRoutes(h, deps));
      scheduleRoutes(a, deps);
      workerRoutes(a, deps);
      streamRoutes(a, deps);
      a.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
        app.swagger(),
      );
      a.setNotFoundHandler((request, reply) =>
        reply
          .status(404)
          .send(errorBody('not-found', `no route ${request.method} ${request.url.split('?')[0]}`)),
      );
    },
    { prefix: '/api/v1' },
  );
  await app.register(fastifySwaggerUi, { routePrefix: '/api/v1/docs', staticCSP: true });

  await serveUi(app, deps.config.webDir);
  return app;
}

/** The built React app, with every non-API path answered by index.html (client-side routing). */
async function serveUi(app: App, webDir: string): Promise<void> {
  const index = join(webDir, 'index.html');
  if (existsSync(index)) {
    await app.register(fastifyStatic, { root: webDir, wildcard: true, index: 'index.html' });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // Files (assets, favicon…) that do not exist are 404s, not the app: a stale page must not
    // receive index.html where it asked for a script.
    if (
      request.method !== 'GET' ||
      path.startsWith('/api/') ||
      path.startsWith('/assets/') ||
      /\.[a-z0-9]+$/i.test(path)
    ) {
      return reply
        .status(404)
        .send(errorBody('not-found', `no route ${request.method} ${request.url.split('?')[0]}`));
    }
    if (!existsSync(index)) {
      return reply
        .status(503)
        .type('text/plain')
        .send(
          'The web UI is not built. Run `npm run build:web` (npm start does it for you). The API is at /api/v1.',
        );
    }
    return reply.type('text/html').sendFile('index.html', webDir);
  });
}
