import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.ts';
import { docsContentSecurityPolicy } from '../security-headers.ts';

/**
 * `/openapi.json` is generated from the same zod schemas the routes validate with, so the document
 * cannot drift from the code. `/docs` is Swagger UI, served from our own static assets (copied from
 * swagger-ui-dist at build) so it works offline.
 */
export function registerDocs(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'sessionCookie', { type: 'apiKey', in: 'cookie', name: 'kindred_session' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Kindred API',
      version: '1.0.0',
      description:
        'The personal companion API. Errors answer `{ "error": { "id": "snake_case_id", "message": "…" } }`; another user\'s resource answers 404 like a missing one.',
    },
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
  });
  app.get('/docs', (context) => {
    context.header('Content-Security-Policy', docsContentSecurityPolicy);
    return context.html(`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Kindred API</title>
  <link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
  <script src="/vendor/swagger-ui/docs-init.js"></script>
</body>
</html>`);
  });
}
