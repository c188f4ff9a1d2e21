import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Express } from 'express';
import { DOCUMENTED_OPERATIONS, toOpenApiPath } from '../../server/src/http/openapi.js';
import { BoardBrowser } from '../support/browser.js';
import { startTestBoard, type TestBoard } from '../support/test-board.js';

interface RouteLike {
  path: string | string[];
  methods: Record<string, boolean>;
}
interface LayerLike {
  route?: RouteLike;
  rawPath?: unknown;
  handle?: { stack?: LayerLike[] };
}

/** Mount points of third-party apps whose inner routes are theirs, documented as one page. */
const MOUNTED_APPS = ['/admin/queues'];

/**
 * Every (method, path) the express 5 app registers, found by walking its router stack:
 * routes, and the routes of routers mounted with `app.use(path, router)`.
 */
function registeredRoutes(app: Express): { method: string; path: string }[] {
  const found: { method: string; path: string }[] = [];
  const walk = (stack: LayerLike[], prefix: string): void => {
    for (const layer of stack) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      if (MOUNTED_APPS.includes(prefix + mount)) {
        if (!found.some((route) => route.path === prefix + mount)) found.push({ method: 'get', path: prefix + mount });
      } else if (layer.route) {
        for (const path of [layer.route.path].flat()) {
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on && method !== '_all') found.push({ method, path: prefix + path });
          }
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  const router: unknown = Reflect.get(app, 'router');
  // The router package's Router is a function with a `stack`.
  const stack: unknown = typeof router === 'function' ? Reflect.get(router, 'stack') : undefined;
  if (!Array.isArray(stack)) throw new Error('express app has no router stack');
  walk(stack, '');
  return found;
}

describe('the OpenAPI document (SPEC §15)', () => {
  let board: TestBoard;
  let chrome: BoardBrowser;

  beforeAll(async () => {
    board = await startTestBoard({}, { workers: false });
    chrome = await BoardBrowser.launch();
  });
  afterAll(async () => {
    await chrome?.close();
    await board?.close();
  });
  afterEach(() => chrome.assertClean());

  it('is served without a key, as OpenAPI 3.1 with schemas generated from the zod schemas', async () => {
    const response = await fetch(`${board.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const document = await response.json();
    expect(document.openapi).toBe('3.1.0');
    // keyCreateSchema is a strict object: the generated schema refuses unknown fields as the API does.
    const keySchema = document.paths['/api/v1/keys'].post.requestBody.content['application/json'].schema;
    expect(keySchema).toMatchObject({ type: 'object', additionalProperties: false, required: ['role', 'label'] });
    expect(keySchema.properties.role.enum).toEqual(['trust', 'director', 'display', 'admin']);
    expect(document.components.schemas.Error.properties.error.required).toEqual(['code', 'message']);
  });

  it('documents every route the express app registers, with its method', async () => {
    const document = await (await fetch(`${board.url}/api/v1/openapi.json`)).json();
    const routes = registeredRoutes(board.server.app);
    // The walk itself must see the API, or an empty list would pass.
    expect(routes.length).toBeGreaterThan(30);
    expect(routes).toContainEqual({ method: 'post', path: '/api/v1/updates' });
    const missing = routes.filter(({ method, path }) => !document.paths[toOpenApiPath(path)]?.[method]);
    expect(missing).toEqual([]);
    // And nothing is documented that the app does not serve (the pages only when the client is built).
    const registered = new Set(routes.map(({ method, path }) => `${method} ${toOpenApiPath(path)}`));
    const stale = DOCUMENTED_OPERATIONS.filter((op) => !registered.has(`${op.method} ${toOpenApiPath(op.path)}`));
    expect(stale.map((op) => `${op.method} ${op.path}`)).toEqual([]);
  });

  it('carries request examples that each validate against the schema the route uses', async () => {
    const document = await (await fetch(`${board.url}/api/v1/openapi.json`)).json();
    let checked = 0;
    for (const op of DOCUMENTED_OPERATIONS) {
      for (const [mediaType, body] of Object.entries(op.body ?? {})) {
        const served = document.paths[toOpenApiPath(op.path)][op.method].requestBody.content[mediaType].examples;
        expect(Object.keys(served)).toEqual(Object.keys(body.examples));
        for (const [name, example] of Object.entries(body.examples)) {
          expect(served[name].value).toEqual(example);
          const parsed = body.schema.safeParse(example);
          expect(parsed.success, `${op.method} ${op.path} ${mediaType} example "${name}": ${parsed.error?.message}`).toBe(true);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('renders at /api/docs from this origin under the strict CSP, with no console errors', async () => {
    const page = await chrome.newPage();
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(board.url)) outside.push(request.url());
    });
    const response = await page.goto(`${board.url}/api/docs`);
    const csp = response!.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    await page.getByText('/api/v1/updates', { exact: true }).first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThan(30);
    expect(outside).toEqual([]);
  }, 60_000);
});
