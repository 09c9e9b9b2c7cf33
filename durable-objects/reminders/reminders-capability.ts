import type { CreateReminderBody, Reminder, ServerFrame } from '../../common/protocol.ts';
import { AppError, notFound } from '../../server/errors/app-error.ts';
import { log } from '../../server/logging/log.ts';
import type { CompanionCapability } from '../companion/companion-capability.ts';
import type { ConversationsCapability } from '../conversations/conversations-capability.ts';
import type { Capability, CapabilityHost } from '../host/capability.ts';
import { exportList } from '../host/export-document.ts';
import { SingleFlight } from '../host/single-flight.ts';
import { parseIsoInstant } from './due-time.ts';
import { ReminderStore } from './reminder-store.ts';
import { createReminderTools } from './reminder-tools.ts';
import { remindersSchemaSteps } from './schema.ts';

/** The furthest ahead a reminder may be set: beyond it, a date is far likelier a typo than a plan. */
const maxLeadTimeMs = 10 * 366 * 24 * 3600_000;

/** What a reminder going out says in the conversation, so the history shows why the companion spoke unasked. */
export const reminderMessageText = (text: string) => `Reminder: ${text}`;

/** The id of the message a reminder leaves in the conversation: one reminder, one message, whatever runs again. */
const reminderMessageId = (reminderId: string) => `msg_${reminderId}`;

/**
 * Reminders: stored sealed, each fired by the object's own alarm through the scheduler, delivered
 * exactly once to every open client and into the newest conversation. Delivery needs no model, so
 * reminders go out even when none is configured or it is down.
 */
export function createRemindersCapability(host: CapabilityHost, dependencies: { conversations: ConversationsCapability; companion: CompanionCapability }) {
  const store = new ReminderStore(host.sql, host.vault);
  const scheduler = host.scheduler('reminders');

  /** Stores a reminder and sets its alarm. Throws `invalid_due_time` for a time that is past or too far. */
  async function schedule(text: string, dueAt: Date): Promise<Reminder> {
    const now = host.now();
    if (dueAt.getTime() <= now) throw new AppError('invalid_due_time', 'The reminder would be due in the past: give a time in the future.');
    if (dueAt.getTime() - now > maxLeadTimeMs) throw new AppError('invalid_due_time', 'The reminder would be due more than ten years from now.');
    // Sealed, then armed, then stored in one synchronous step, so a restart anywhere in between leaves
    // either nothing or a complete reminder (at worst an alarm that finds no reminder and does nothing).
    const id = store.newId(now);
    const sealedText = await store.seal(id, text);
    // The SDK keeps a date's schedule in whole seconds, rounded down, which fired reminders up to a
    // second early (the benchmark saw it): round up instead, so one is never early. Idempotent on the
    // reminder's id: a retried call never arms a second alarm for the same reminder.
    const firesAt = new Date(Math.ceil(dueAt.getTime() / 1000) * 1000);
    const scheduleId = await scheduler.schedule(firesAt, 'deliverReminder', { reminderId: id }, { idempotent: true });
    const reminder = store.insertSealed({ id, text, sealedText, dueAt: dueAt.getTime(), createdAt: now }, scheduleId);
    return reminder;
  }

  /**
   * Runs at least once per reminder, and may run again (a retried alarm, a restart mid-run). The
   * message in the conversation is the durable record, so it is written first, under an id made from
   * the reminder's: a run after a restart finds it and does not write it twice. Then the claim (one
   * status check-and-set) lets exactly one run push the frame. Runs that overlap in this object
   * join the first one.
   */
  async function deliver(reminderId: string): Promise<void> {
    const pending = await store.get(reminderId);
    if (pending?.status !== 'scheduled') return;
    const now = host.now();
    const conversations = dependencies.conversations.store;
    const messageId = reminderMessageId(reminderId);
    if (!(await conversations.getMessages([messageId])).has(messageId)) {
      const companion = await dependencies.companion.settings.companion();
      await conversations.append(
        {
          id: messageId,
          conversationId: conversations.latestOrCreate(now),
          role: 'assistant',
          text: reminderMessageText(pending.text),
          speaker: companion.name,
          createdAt: now,
        },
        // Indexed with the next turn's batch: delivery stays quick and calls out to nothing.
        { deferIndexing: true },
      );
    }
    const reminder = await store.claimForDelivery(reminderId, now);
    if (!reminder) return;
    const frame = JSON.stringify({
      type: 'reminder-due',
      reminder: { id: reminder.id, text: reminder.text, dueAt: reminder.dueAt },
    } satisfies ServerFrame);
    for (const connection of host.connections.list()) {
      try {
        connection.send(frame);
      } catch (error) {
        // A socket closing as the reminder goes out must not keep it from the others.
        log.warn('reminder frame not sent', { userId: host.userId, connectionId: connection.id, error: error instanceof Error ? error.name : 'unknown' });
      }
    }
    log.info('reminder delivered', { userId: host.userId, reminderId, latenessMs: now - Date.parse(reminder.dueAt) });
  }
  const deliveries = new SingleFlight();

  const tools = createReminderTools({ schedule });

  return {
    name: 'reminders',
    schema: remindersSchemaSteps,
    store,
    schedule,
    rpc: {
      /** Upcoming first, soonest first; then those that went out, latest first. */
      list: (): Promise<Reminder[]> => store.list(),
      async create(body: CreateReminderBody): Promise<Reminder> {
        const dueAt = parseIsoInstant(body.dueAt);
        if (!dueAt) throw new AppError('invalid_due_time', 'The due time names a day that does not exist.');
        return schedule(body.text, dueAt);
      },
      /** Cancels the reminder and its alarm; it leaves the list but stays in the export as cancelled. */
      async delete(id: string): Promise<null> {
        const cancelled = store.cancel(id);
        if (!cancelled) throw notFound('reminder');
        if (cancelled.scheduleId) await scheduler.cancel(cancelled.scheduleId);
        return null;
      },
    },
    jobs: {
      deliverReminder: (payload: { reminderId: string }): Promise<void> => deliveries.run(payload.reminderId, () => deliver(payload.reminderId)),
    },
    tools: () => tools,
    exportData: async () => ({ reminders: exportList(() => store.exportAll()) }),
  } satisfies Capability;
}

export type RemindersCapability = ReturnType<typeof createRemindersCapability>;
