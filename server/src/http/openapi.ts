import { z } from 'zod';
import { createDocument, type ZodOpenApiContentObject, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import {
  MAX_UPDATES_PER_POST,
  alertSchema,
  apiErrorBodySchema,
  apiKeyInfoSchema,
  apiKeyListSchema,
  boardSnapshotSchema,
  canonicalUpdateSchema,
  createdApiKeySchema,
  createdSubscriptionSchema,
  deliverySchema,
  derogationChangeSchema,
  derogationCreateSchema,
  derogationSchema,
  keyCreateSchema,
  meSchema,
  OIDC_CALLBACK_PATH,
  OIDC_START_PATH,
  signedOutSchema,
  signInMethodsSchema,
  signinSchema,
  siteSchema,
  siteStatusSchema,
  subscriptionCreateSchema,
  subscriptionSchema,
  testDeliveryQueuedSchema,
  updateResultSchema,
  updatesAcceptedSchema,
  type Role,
} from '@pb/shared';
import { SESSION_COOKIE } from '../auth/session-cookie.js';

/** One documented request body of one media type, with examples that must satisfy `schema`. */
export interface DocumentedBody {
  schema: z.ZodType;
  examples: Record<string, unknown>;
}

/** One route as the API documents it: the express path and method it is registered under. */
export interface DocumentedOperation {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** The path as registered in express (`/api/v1/sites/:code`). */
  path: string;
  summary: string;
  /** Who may call it; absent: anyone (no key). */
  roles?: readonly Role[] | 'any';
  query?: z.ZodObject;
  body?: Partial<Record<'application/json' | 'text/csv' | 'text/plain' | 'application/xml', DocumentedBody>>;
  status: 200 | 201 | 202 | 204 | 302 | 303;
  /** The success body: a schema for JSON, or the media type of a text answer. */
  response?: z.ZodType | 'text/html' | 'application/javascript' | 'text/csv' | 'application/xml' | 'application/atom+xml' | 'text/plain';
  /** A second success answer, when the route has one (its status, body and when it is sent). */
  alternative?: { status: 200; response: z.ZodType; description: string };
  tag: string;
}

const ALL_ROLES = 'any' as const;
const regionQuery = z.object({ region: z.string().optional().meta({ description: 'A region code (`Y56`…) or a comma list of them, within the key’s regions.' }) });
const limitQuery = z.object({ limit: z.number().int().min(1).max(1000).optional().meta({ description: 'At most this many entries (1–1000, default 100).' }) });
/** A list entry stored as JSON by the workers or the audit log; its fields are described in the README. */
const looseEntry = z.record(z.string(), z.unknown());

const exampleUpdate = {
  site: 'RHU03',
  observedAt: '2026-01-03T09:15:00Z',
  opel: 3,
  incident: { level: 'critical', reason: 'industrial action' },
  ed: { status: 'divert', divertTo: ['RHU01'], reason: 'no cubicles', until: '2026-01-03T13:00:00Z' },
  metrics: { handoverMeanMin: 95, fourHourPct: 61.2, edOccupancyPct: 140 },
  note: 'Plain text, at most 500 characters',
};

/**
 * Every route the server registers, described once with the zod schemas from `shared/`
 * that validate it. `openapi.test.ts` walks the real express app and fails when a route
 * is missing here, and checks every example against its schema.
 */
export const DOCUMENTED_OPERATIONS: readonly DocumentedOperation[] = [
  { tag: 'operations', method: 'get', path: '/healthz', summary: 'Liveness: the process is up.', status: 200, response: z.object({ ok: z.literal(true) }) },
  { tag: 'operations', method: 'get', path: '/readyz', summary: 'Readiness: Redis answers (503 when it does not).', status: 200, response: z.object({ ok: z.literal(true), redis: z.literal('ready') }) },
  { tag: 'operations', method: 'get', path: '/metrics', summary: 'Prometheus metrics (no notes, key labels or secrets).', status: 200, response: 'text/plain' },
  { tag: 'operations', method: 'get', path: '/api/v1/openapi.json', summary: 'This document.', status: 200, response: z.record(z.string(), z.unknown()) },
  { tag: 'operations', method: 'get', path: '/api/docs', summary: 'This document, rendered.', status: 200, response: 'text/html' },
  { tag: 'operations', method: 'get', path: '/admin/queues', summary: 'The BullMQ queues (bull-board); an admin’s browser session only (redirects to sign-in without one, 403 for other roles).', status: 200, response: 'text/html' },
  { tag: 'operations', method: 'get', path: '/api/docs/init.js', summary: 'The docs page’s start-up script (a file, as the CSP wants).', status: 200, response: 'application/javascript' },

  {
    tag: 'session', method: 'post', path: '/api/v1/session', summary: 'Sign in with a key; sets the httpOnly session cookie. JSON only.', status: 200, response: meSchema,
    body: { 'application/json': { schema: signinSchema, examples: { key: { key: 'pbk_…the key shown once when it was created' } } } },
  },
  {
    tag: 'session', method: 'delete', path: '/api/v1/session', summary: 'Sign out: ends the session and its sockets.', status: 204,
    alternative: { status: 200, response: signedOutSchema, description: 'A single sign-on session ended, and the identity provider offers RP-initiated logout: the page goes on to `logoutUrl`.' },
  },
  { tag: 'session', method: 'get', path: '/api/v1/session/methods', summary: 'How one may sign in here: always with a key; with the organisation’s identity provider when single sign-on is configured.', status: 200, response: signInMethodsSchema },
  {
    tag: 'session', method: 'get', path: OIDC_START_PATH, status: 302, response: 'text/html',
    summary: 'Single sign-on, a browser navigation: redirects to the identity provider (authorization code flow, PKCE S256, state and nonce kept on the server). 404 when not configured, 503 when the provider cannot be reached (an HTML page, or the error body with Accept: application/json).',
  },
  {
    tag: 'session', method: 'get', path: OIDC_CALLBACK_PATH, status: 303, response: 'text/html',
    summary: 'Where the identity provider sends the browser back: checks state, nonce and PKCE, maps the claims to a role and sets the session cookie, then redirects to the board. 400 for an expired or replayed sign-in, 401 when the provider refused, 403 when no group or role maps to a board role (audited).',
    query: z.object({ code: z.string().optional(), state: z.string().optional(), iss: z.string().optional(), error: z.string().optional(), error_description: z.string().optional() }),
  },
  { tag: 'session', method: 'get', path: '/api/v1/me', summary: 'Who the key or session is.', roles: ALL_ROLES, status: 200, response: meSchema },

  {
    tag: 'updates', method: 'post', path: '/api/v1/updates', roles: ['trust', 'admin'], status: 202, response: updatesAcceptedSchema,
    summary: `Post status updates: one canonical update or an array (≤ ${MAX_UPDATES_PER_POST}), CSV, free text (?site=) or EDXL-HAVE. Header Idempotency-Key optional.`,
    query: z.object({ site: z.string().optional().meta({ description: 'The site a free-text message is about.' }) }),
    body: {
      'application/json': {
        schema: z.union([canonicalUpdateSchema, z.array(canonicalUpdateSchema).min(1).max(MAX_UPDATES_PER_POST)]),
        examples: { one: exampleUpdate, several: [{ site: 'RHU03', opel: 4 }, { site: 'RHU01', reap: 3, note: null }], standDown: { site: 'RHU03', incident: { level: 'none' } } },
      },
      'text/csv': { schema: z.string(), examples: { perSite: 'site,opel,fourHourPct\nRHU03,3,61.2\n', sitrep: 'trust_code,date,ae_diverts,ga_occupancy_rate\nRHU,2026-01-03,1,0.97\n' } },
      'text/plain': { schema: z.string(), examples: { freeText: 'OPEL 4, critical incident declared, ED on divert to RHU01 until 13:00' } },
      'application/xml': { schema: z.string(), examples: { edxlHave: '<HospitalStatus xmlns="urn:oasis:names:tc:emergency:EDXL:HAVE:1.0">…</HospitalStatus>' } },
    },
  },
  { tag: 'updates', method: 'get', path: '/api/v1/updates/:id', summary: 'What became of a posted update.', roles: ['trust', 'director', 'admin'], status: 200, response: updateResultSchema },

  {
    tag: 'board', method: 'get', path: '/api/v1/board', summary: 'The board: every site’s status and the open alerts; ?at= for the board as it was then.', roles: ALL_ROLES, status: 200, response: boardSnapshotSchema,
    query: regionQuery.extend({ at: z.string().optional().meta({ description: 'An ISO 8601 time with a zone, not in the future.' }) }),
  },
  { tag: 'board', method: 'get', path: '/api/v1/sites', summary: 'Reference data of every readable site, with its status.', roles: ALL_ROLES, status: 200, query: regionQuery, response: z.object({ seq: z.number().int(), sites: z.array(siteSchema.extend({ status: siteStatusSchema })) }) },
  { tag: 'board', method: 'get', path: '/api/v1/sites/:code', summary: 'One site’s status (the flat SiteStatus).', roles: ALL_ROLES, status: 200, response: siteStatusSchema },
  {
    tag: 'board', method: 'get', path: '/api/v1/sites/:code/history', summary: 'A site’s status changes, newest first.', roles: ALL_ROLES, status: 200,
    query: limitQuery.extend({ since: z.string().optional(), until: z.string().optional() }),
    response: z.object({ site: z.string(), entries: z.array(looseEntry) }),
  },

  { tag: 'alerts', method: 'get', path: '/api/v1/alerts', summary: 'Open and recent alerts with their acknowledgement.', roles: ALL_ROLES, status: 200, query: regionQuery, response: z.object({ alerts: z.array(alertSchema) }) },
  { tag: 'alerts', method: 'post', path: '/api/v1/alerts/:id/ack', summary: 'Acknowledge an alert (within the key’s regions).', roles: ['director', 'admin'], status: 200, response: alertSchema },
  { tag: 'alerts', method: 'get', path: '/api/v1/alerts/cap.xml', summary: 'Alerts as a CAP Atom feed.', roles: ['director', 'admin'], status: 200, query: regionQuery, response: 'application/atom+xml' },

  {
    tag: 'derogations', method: 'get', path: '/api/v1/derogations', summary: 'Derogation requests and a summary.', roles: ALL_ROLES, status: 200,
    query: regionQuery.extend({ site: z.string().optional() }),
    response: z.object({ derogations: z.array(derogationSchema), summary: looseEntry }),
  },
  {
    tag: 'derogations', method: 'post', path: '/api/v1/derogations', summary: 'Request a derogation for one of the key’s trusts’ sites.', roles: ['trust', 'admin'], status: 201, response: derogationSchema,
    body: { 'application/json': { schema: derogationCreateSchema, examples: { request: { site: 'RHU03', service: 'Emergency department', staffRequested: '2 middle-grade doctors', reason: 'Industrial action 08:00–20:00' } } } },
  },
  {
    tag: 'derogations', method: 'patch', path: '/api/v1/derogations/:id', summary: 'Record a move: withdrawn (trust), under_review, approved, declined, revoked (director, admin).', roles: ['trust', 'director', 'admin'], status: 200, response: derogationSchema,
    body: { 'application/json': { schema: derogationChangeSchema, examples: { approve: { state: 'approved', decisionRef: 'BMA-2026-0142' }, withdraw: { state: 'withdrawn', note: 'Cover found' } } } },
  },

  { tag: 'exports', method: 'get', path: '/api/v1/export.csv', summary: 'The board as CSV.', roles: ['director', 'admin'], status: 200, query: regionQuery, response: 'text/csv' },
  { tag: 'exports', method: 'get', path: '/api/v1/export/edxl-have.xml', summary: 'The board as EDXL-HAVE.', roles: ['director', 'admin'], status: 200, query: regionQuery, response: 'application/xml' },
  { tag: 'exports', method: 'get', path: '/api/v1/rejections', summary: 'Recent rejected updates with their reasons.', roles: ['admin', 'director'], status: 200, query: limitQuery.extend(regionQuery.shape), response: z.object({ rejections: z.array(looseEntry) }) },

  {
    tag: 'keys', method: 'post', path: '/api/v1/keys', summary: 'Issue a key; its secret is shown only in this answer.', roles: ['admin'], status: 201, response: createdApiKeySchema,
    body: {
      'application/json': {
        schema: keyCreateSchema,
        examples: { trust: { role: 'trust', label: 'Portsmouth EPR feed', trusts: ['RHU'] }, director: { role: 'director', label: 'South East on call', regions: ['Y59'] }, wallboard: { role: 'display', label: 'Control room wall' } },
      },
    },
  },
  { tag: 'keys', method: 'get', path: '/api/v1/keys', summary: 'Every key, without secrets.', roles: ['admin'], status: 200, response: apiKeyListSchema },
  { tag: 'keys', method: 'delete', path: '/api/v1/keys/:id', summary: 'Revoke a key: it stops at once and its sockets close within 5 s.', roles: ['admin'], status: 200, response: apiKeyInfoSchema },
  { tag: 'keys', method: 'get', path: '/api/v1/audit', summary: 'Recent audit entries (who changed what).', roles: ['admin'], status: 200, query: limitQuery, response: z.object({ entries: z.array(looseEntry) }) },

  {
    tag: 'subscriptions', method: 'post', path: '/api/v1/subscriptions', summary: 'Subscribe a webhook, email, Teams or Slack target to alerts; a webhook’s secret is shown once.', roles: ['director', 'admin'], status: 201, response: createdSubscriptionSchema,
    body: {
      'application/json': {
        schema: subscriptionCreateSchema,
        examples: {
          webhook: { label: 'ICB on-call', channel: 'webhook', target: 'https://oncall.example.nhs.uk/pressure-board', kinds: ['critical_incident', 'divert'], regions: ['Y59'], escalateAfterMin: 30 },
          email: { label: 'Regional director', channel: 'email', target: 'director@example.nhs.net' },
        },
      },
    },
  },
  { tag: 'subscriptions', method: 'get', path: '/api/v1/subscriptions', summary: 'Subscriptions this key may see.', roles: ['director', 'admin'], status: 200, response: z.object({ subscriptions: z.array(subscriptionSchema) }) },
  { tag: 'subscriptions', method: 'delete', path: '/api/v1/subscriptions/:id', summary: 'Delete a subscription.', roles: ['director', 'admin'], status: 204 },
  { tag: 'subscriptions', method: 'post', path: '/api/v1/subscriptions/:id/test', summary: 'Send a test notification.', roles: ['director', 'admin'], status: 202, response: testDeliveryQueuedSchema },
  { tag: 'subscriptions', method: 'get', path: '/api/v1/subscriptions/:id/deliveries', summary: 'Deliveries, newest first.', roles: ['director', 'admin'], status: 200, response: z.object({ deliveries: z.array(deliverySchema) }) },
];

/**
 * The board's own pages (the single-page app). They are not API, but they are routes,
 * so they are listed too, as HTML.
 */
export const PAGE_PATHS = ['/', '/signin', '/post', '/wall', '/subscriptions', '/sites/{*code}'] as const;

/** `/sites/:code` and `/sites/{*code}` (express) → `/sites/{code}` (OpenAPI). */
export function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/\{\*(\w+)\}/g, '{$1}').replace(/:(\w+)/g, '{$1}');
}

function pathParams(expressPath: string): z.ZodObject | undefined {
  const names = [...toOpenApiPath(expressPath).matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  return names.length ? z.object(Object.fromEntries(names.map((name) => [name, z.string()]))) : undefined;
}

function responseContent(response: DocumentedOperation['response']): ZodOpenApiContentObject | undefined {
  if (response === undefined) return undefined;
  if (typeof response === 'string') return { [response]: { schema: z.string() } };
  return { 'application/json': { schema: response } };
}

/** The OpenAPI 3.1 document, built from the operations above (no hand-written schema). */
export function buildOpenApiDocument(version: string): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  const operations: DocumentedOperation[] = [
    ...DOCUMENTED_OPERATIONS,
    ...PAGE_PATHS.map((path): DocumentedOperation => ({ tag: 'pages', method: 'get', path, summary: 'A page of the board (the single-page app).', status: 200, response: 'text/html' })),
  ];
  for (const op of operations) {
    const params = pathParams(op.path);
    const requestParams = params || op.query ? { ...(params ? { path: params } : {}), ...(op.query ? { query: op.query } : {}) } : undefined;
    const content = responseContent(op.response);
    const body: ZodOpenApiOperationObject['requestBody'] = op.body
      ? {
          required: true,
          content: Object.fromEntries(
            Object.entries(op.body).map(([type, documented]) => [
              type,
              { schema: documented.schema, examples: Object.fromEntries(Object.entries(documented.examples).map(([name, value]) => [name, { value }])) },
            ]),
          ),
        }
      : undefined;
    const path = toOpenApiPath(op.path);
    const operation: ZodOpenApiOperationObject = {
      tags: [op.tag],
      summary: op.summary,
      ...(op.roles ? { description: `Roles: ${op.roles === 'any' ? 'any signed-in key' : op.roles.join(', ')}.`, security: [{ bearer: [] }, { session: [] }] } : { security: [] }),
      ...(requestParams ? { requestParams } : {}),
      ...(body ? { requestBody: body } : {}),
      responses: {
        [String(op.status)]: { description: 'Success', ...(content ? { content } : {}) },
        ...(op.alternative ? { [String(op.alternative.status)]: { description: op.alternative.description, content: { 'application/json': { schema: op.alternative.response } } } } : {}),
        default: { description: 'An error: 4xx with what is wrong and where (SPEC §4), 503 when Redis is unreachable.', content: { 'application/json': { schema: apiErrorBodySchema } } },
      },
    };
    paths[path] = { ...paths[path], [op.method]: operation };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Pressure Board API',
      version,
      description: 'Real-time incident pressure board for the NHS in England. Send `Authorization: Bearer <key>`; the web pages use the session cookie set by `POST /api/v1/session`, or by single sign-on (`GET /api/v1/session/oidc`).',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key (`POST /api/v1/keys`).' },
        session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The browser session from `POST /api/v1/session` or single sign-on.' },
      },
    },
    paths,
  });
}
