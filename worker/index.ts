import type { Env } from '../server/env.ts';
import { createApp } from './app.ts';

export { CompanionAgent } from '../durable-objects/companion-agent.ts';

const app = createApp();

export default {
  fetch: (request, env, context) => app.fetch(request, env, context),
} satisfies ExportedHandler<Env>;
