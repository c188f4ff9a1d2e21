import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import express, { Router } from 'express';
import { buildOpenApiDocument } from '../http/openapi.js';

/** The API's own version (the `/api/v1` in every path), not the package's. */
export const API_VERSION = '1.0.0';

/** Swagger UI's static bundle, served from our own origin so the docs work offline. */
const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/**
 * The page is static and its start-up code is a separate script file: the CSP allows
 * scripts from this origin only, never inline ones (SPEC §10).
 */
const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Pressure Board API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
<div id="api-docs"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
`;

const DOCS_INIT = `"use strict";
window.ui = SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#api-docs",
  deepLinking: true,
  layout: "BaseLayout",
  presets: [SwaggerUIBundle.presets.apis],
  // No validator badge: it would call validator.swagger.io, which the CSP and an offline network refuse.
  validatorUrl: null
});
`;

/**
 * `GET /api/v1/openapi.json` and `GET /api/docs` (SPEC §15). Neither needs a key: the
 * document describes the API and holds no data, and integrators read it before they have one.
 */
export function apiDocsRouter(): Router {
  const router = Router();
  // Built once: the schemas do not change while the process runs.
  const document = JSON.stringify(buildOpenApiDocument(API_VERSION));

  router.get('/api/v1/openapi.json', (_req, res) => {
    res.type('application/json').set('Cache-Control', 'no-cache').send(document);
  });
  router.get('/api/docs', (_req, res) => {
    res.type('html').set('Cache-Control', 'no-cache').send(DOCS_PAGE);
  });
  router.get('/api/docs/init.js', (_req, res) => {
    res.type('application/javascript').set('Cache-Control', 'no-cache').send(DOCS_INIT);
  });
  router.use('/api/docs/assets', express.static(SWAGGER_UI_DIR, { index: false, maxAge: '1h', fallthrough: false }));
  return router;
}
