// The outreach settings' and log's words: channel names, what became of a message, and each
// delivery attempt, in plain language.
import type { OutreachLogEntry, OutreachSettings } from '../../../common/client.ts';
import { clockTimeOf, dayKeyOf, relativeDayName } from '../today/today-format.ts';

export type DeliveryChannelName = OutreachSettings['channelOrder'][number];
type Attempt = OutreachLogEntry['attempts'][number];

export const channelNames: Record<DeliveryChannelName, string> = { app: 'In the app', push: 'Notifications on your devices', whatsapp: 'WhatsApp' };

export const cadenceNames: Record<OutreachSettings['checkInCadence'], string> = {
  off: 'Never',
  daily: 'Every day',
  weekdays: 'On weekdays',
  weekly: 'Once a week (Mondays)',
};

const entryStatusWords: Record<OutreachLogEntry['status'], string> = {
  planned: 'Planned',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Could not be delivered',
  skipped: 'Not sent',
};

const attemptWords: Record<Attempt['outcome'], string> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  unavailable: 'not available',
  failed: 'failed',
};

/** "today at 18:00", "Wed 2 Dec at 07:00": when something happened, in the person's zone. */
export function describeMoment(instant: string, now: Date, timeZone: string): string {
  const day = relativeDayName(dayKeyOf(instant, timeZone), now, timeZone);
  return `${day.charAt(0).toUpperCase()}${day.slice(1)} at ${clockTimeOf(instant, timeZone)}`;
}

/** What became of a message: "Sent", or "Not sent: quiet hours". */
export function describeEntryStatus(entry: Pick<OutreachLogEntry, 'status' | 'statusDetail'>): string {
  const words = entryStatusWords[entry.status];
  return entry.statusDetail ? `${words}: ${entry.statusDetail}` : words;
}

/** One try on one channel: "WhatsApp: failed at 18:01 (WhatsApp answered 429)". */
export function describeAttempt(attempt: Attempt, timeZone: string): string {
  const detail = attempt.detail ? ` (${attempt.detail})` : '';
  return `${channelNames[attempt.channel]}: ${attemptWords[attempt.outcome]} at ${clockTimeOf(attempt.at, timeZone)}${detail}`;
}
