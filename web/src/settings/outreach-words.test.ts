import { describe, expect, it } from 'vitest';
import { describeAttempt, describeEntryStatus, describeMoment } from './outreach-words.ts';

describe('the outreach log in plain words', () => {
  it('says when, in the person’s zone and relative to today', () => {
    const now = new Date('2026-12-02T10:00:00Z');
    expect(describeMoment('2026-12-02T17:00:00Z', now, 'Europe/Paris')).toBe('Today at 18:00');
    expect(describeMoment('2026-12-01T23:30:00Z', now, 'Europe/Paris')).toBe('Today at 00:30');
    expect(describeMoment('2026-12-01T23:30:00Z', now, 'UTC')).toBe('Yesterday at 23:30');
    expect(describeMoment('2026-11-28T08:00:00Z', now, 'UTC')).toBe('Sat 28 Nov at 08:00');
  });

  it('says what became of a message, with the reason when there is one', () => {
    expect(describeEntryStatus({ status: 'sent' })).toBe('Sent');
    expect(describeEntryStatus({ status: 'skipped', statusDetail: 'quiet hours' })).toBe('Not sent: quiet hours');
  });

  it('names each attempt’s channel, outcome, time and detail', () => {
    expect(describeAttempt({ channel: 'whatsapp', at: '2026-12-02T17:01:00Z', outcome: 'failed', detail: 'WhatsApp answered 429' }, 'Europe/Paris')).toBe(
      'WhatsApp: failed at 18:01 (WhatsApp answered 429)',
    );
    expect(describeAttempt({ channel: 'app', at: '2026-12-02T17:00:00Z', outcome: 'delivered' }, 'UTC')).toBe('In the app: delivered at 17:00');
  });
});
