import type { DeliveryJob, Env } from '../server/env.ts';
import { createApp } from './app.ts';
import { consumeDeliveries } from './outreach/delivery-queue.ts';

export { CompanionAgent } from '../durable-objects/companion-agent.ts';

const app = createApp();

export default {
  fetch: (request, env, context) => app.fetch(request, env, context),
  queue: (batch, env) => consumeDeliveries(batch, env),
} satisfies ExportedHandler<Env, DeliveryJob>;
