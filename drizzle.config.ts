import { defineConfig } from 'drizzle-kit';

/** `npx drizzle-kit generate` writes the D1 migrations that wrangler and the tests apply. */
export default defineConfig({
  dialect: 'sqlite',
  schema: './worker/db/schema.ts',
  out: './migrations',
});
