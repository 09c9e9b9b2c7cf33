import type { DeliveryJob, Env } from '../../server/env.ts';
import { log } from '../../server/logging/log.ts';
import { companionOf } from '../companion-stub.ts';

/** The deliveries queue and its dead-letter queue, as named in wrangler.toml. */
export const deliveriesQueueName = 'kindred-deliveries';
export const deadLetterQueueName = 'kindred-deliveries-dlq';

/** Backoff between a delivery's attempts: 30 s, 1 min, 2 min … at most 30 min. */
const retryDelaySeconds = (attempts: number) => Math.min(30 * 2 ** Math.max(0, attempts - 1), 1800);

/**
 * Consumes outbound deliveries: each job names a person's object and an outreach entry, and the
 * object does the sending, so the person's data never leaves it. A job the object wants retried
 * (a channel answered 429 or 5xx) comes back later; after the queue's last retry it goes to the
 * dead-letter queue, whose consumer marks the entry failed, so the log says what happened.
 */
export async function consumeDeliveries(batch: MessageBatch<DeliveryJob>, env: Env): Promise<void> {
  const deadLetters = batch.queue === deadLetterQueueName;
  for (const message of batch.messages) {
    const job = message.body;
    try {
      const companion = await companionOf(env, job.userId);
      if (deadLetters) {
        await companion.outreach.deadLettered(job.outreachId);
        message.ack();
        continue;
      }
      const result = await companion.outreach.deliver(job.outreachId);
      if (result === 'retry') message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      else message.ack();
    } catch (error) {
      log.warn('delivery job failed', { outreachId: job.outreachId, attempts: message.attempts, error: error instanceof Error ? error.name : 'unknown' });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}
