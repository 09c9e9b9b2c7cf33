import { describe, expect, it } from 'vitest';
import type { DeliveryChannel, OutboundMessage } from './delivery-channel.ts';

/** What a channel's test gives the contract suite: the channel over real storage, and its fake service. */
export interface ChannelHarness {
  channel: DeliveryChannel;
  /** Makes the person reachable on this channel (link the number, add a subscription, open a client). */
  makeReachable(): Promise<void>;
  /** What the fake service (or the client) received, in order: one entry per delivery to the person. */
  delivered(): Promise<Array<{ text: string }>>;
  /** The next delivery fails at the service: retryable (429 / 5xx) or for good (the service refuses it). */
  failNext(kind: 'retryable' | 'permanent'): Promise<void>;
}

let sequence = 0;
const outbound = (text: string): OutboundMessage => ({
  id: `msg_contract_${Date.now()}_${sequence++}`,
  kind: 'reminder',
  title: 'Reminder',
  text,
  createdAt: Date.now(),
});

/**
 * The one suite every `DeliveryChannel` passes (Hono's `runTest({ newRouter })` pattern). Each test
 * gets a fresh harness: a new person on a fresh fake.
 */
export function describeChannelContract(name: string, newHarness: () => Promise<ChannelHarness>): void {
  describe(`${name} channel contract`, () => {
    it('answers unavailable, and delivers nothing, while the person cannot be reached here', async () => {
      const harness = await newHarness();
      expect(await harness.channel.reachable()).toBe(false);
      const outcome = await harness.channel.send(outbound('Call mum'));
      expect(outcome.status).toBe('unavailable');
      expect(await harness.delivered()).toEqual([]);
    });

    it('delivers a message once, with its text', async () => {
      const harness = await newHarness();
      await harness.makeReachable();
      expect(await harness.channel.reachable()).toBe(true);
      const outcome = await harness.channel.send(outbound('Call mum'));
      expect(outcome.status).toBe('sent');
      const delivered = await harness.delivered();
      expect(delivered).toHaveLength(1);
      expect(delivered[0]?.text).toContain('Call mum');
    });

    it('never delivers the same message twice, however often it is sent', async () => {
      const harness = await newHarness();
      await harness.makeReachable();
      const message = outbound('Water the plants');
      expect((await harness.channel.send(message)).status).toBe('sent');
      expect(await harness.channel.send(message)).toMatchObject({ status: 'sent', duplicate: true });
      expect(await harness.delivered()).toHaveLength(1);
    });

    it('says a passing failure may be retried, and a retry then delivers once', async () => {
      const harness = await newHarness();
      await harness.makeReachable();
      const message = outbound('Stretch');
      await harness.failNext('retryable');
      expect(await harness.channel.send(message)).toMatchObject({ status: 'failed', retryable: true });
      expect((await harness.channel.send(message)).status).toBe('sent');
      expect(await harness.delivered()).toHaveLength(1);
    });

    it('says a refusal is not worth retrying', async () => {
      const harness = await newHarness();
      await harness.makeReachable();
      await harness.failNext('permanent');
      const outcome = await harness.channel.send(outbound('Drink water'));
      // A refusal may also leave the person unreachable here (a 410 removes a push subscription).
      expect(outcome.status).not.toBe('sent');
      if (outcome.status === 'failed') expect(outcome.retryable).toBe(false);
      expect(await harness.delivered()).toEqual([]);
    });
  });
}
