import type { DeliveryJob, Env } from '../server/env.ts';
import { sweepKeyRotation } from './account/key-rotation.ts';
import { createApp } from './app.ts';
import { consumeDeliveries } from './outreach/delivery-queue.ts';

export { CompanionAgent } from '../durable-objects/companion-agent.ts';

const app = createApp();

export default {
  fetch: (request, env, context) => app.fetch(request, env, context),
  queue: (batch, env) => consumeDeliveries(batch, env),
  // The cron: while a master key rotation is under way (MASTER_KEY_PREVIOUS set), its sweep goes on.
  scheduled: (_controller, env, context) => context.waitUntil(sweepKeyRotation(env)),
} satisfies ExportedHandler<Env, DeliveryJob>;
