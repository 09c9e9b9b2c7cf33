import type { ImportDocument } from '../../common/import.ts';
import { type CreateReminderBody, type Message, messageSchema, type Reminder, type ServerFrame, type UpdateReminderBody } from '../../common/protocol.ts';
import { AppError, notFound } from '../../server/errors/app-error.ts';
import { log } from '../../server/logging/log.ts';
import type { CompanionCapability } from '../companion/companion-capability.ts';
import type { ConversationsCapability } from '../conversations/conversations-capability.ts';
import type { Capability, CapabilityHost, ClientConnection } from '../host/capability.ts';
import { exportList } from '../host/export-document.ts';
import type { ImportPlan } from '../host/import-document.ts';
import { lazily } from '../host/lazily.ts';
import { SingleFlight } from '../host/single-flight.ts';
import type { OutreachCapability } from '../outreach/outreach-capability.ts';
import { parseIsoInstant } from './due-time.ts';
import {
  deliverEachOnTime,
  dueWindowEnd,
  type ReminderClock,
  realClock,
  scheduleGranularityMs,
  scheduleTimeFor,
  waitUntilDue,
  windowPhaseOf,
} from './on-time.ts';
import { ReminderStore } from './reminder-store.ts';
import { createReminderTools } from './reminder-tools.ts';
import { remindersSchemaSteps } from './schema.ts';

/** The furthest ahead a reminder may be set: beyond it, a date is far likelier a typo than a plan. */
const maxLeadTimeMs = 10 * 366 * 24 * 3600_000;

/** What a reminder going out says in the conversation, so the history shows why the companion spoke unasked. */
export const reminderMessageText = (text: string) => `Reminder: ${text}`;

/**
 * How long a reminder that went out while no client was open (or whose frame was lost to a restart)
 * is still sent to the next client that connects. Older, it is stale as a notice; the conversation
 * and the list still show it.
 */
export const missedReminderWindowMs = 60 * 60_000;

/** A window's job: every reminder due in the ten-second window that starts at `window` (see on-time.ts). */
type WindowPayload = { window: number };

/**
 * One reminder's job: the reminder, and the due time its schedule was armed for (absent in schedules
 * set before snoozing existed). Armed for a reminder set while its window is already being delivered,
 * and by objects from before the reminders of a window shared one job.
 */
type DeliveryPayload = { reminderId: string; dueAt?: number };

const frameOf = (reminder: Reminder, message?: Message) =>
  JSON.stringify({
    type: 'reminder-due',
    reminder: { id: reminder.id, text: reminder.text, dueAt: reminder.dueAt },
    ...(message ? { message } : {}),
  } satisfies ServerFrame);

/**
 * Reminders: stored sealed, each fired by the object's own alarm through the scheduler, delivered
 * exactly once to every open client and into the newest conversation. Delivery needs no model, so
 * reminders go out even when none is configured or it is down.
 */
export function createRemindersCapability(
  host: CapabilityHost,
  dependencies: { conversations: ConversationsCapability; companion: CompanionCapability; outreach: OutreachCapability },
  clock: ReminderClock = { now: () => host.now(), sleep: realClock.sleep },
) {
  const store = new ReminderStore(host.sql, host.vault);
  const scheduler = host.scheduler('reminders');
  const windowPhase = windowPhaseOf(host.userId);
  /** The end of the window a woken job is delivering right now (0 when none is): a reminder set meanwhile and due before it joins. */
  let windowBeingDelivered = 0;

  /** Stores a reminder and sets its alarm. Throws `invalid_due_time` for a time that is past or too far. */
  async function schedule(text: string, dueAt: Date): Promise<Reminder> {
    const now = host.now();
    if (dueAt.getTime() <= now) throw new AppError('invalid_due_time', 'The reminder would be due in the past: give a time in the future.');
    if (dueAt.getTime() - now > maxLeadTimeMs) throw new AppError('invalid_due_time', 'The reminder would be due more than ten years from now.');
    // Sealed, then armed, then stored in one synchronous step, so a restart anywhere in between leaves
    // either nothing or a complete reminder (at worst an alarm that finds no reminder and does nothing).
    const id = store.newId(now);
    const sealedText = await store.seal(id, text);
    return oneAtATime(async () => {
      const scheduleId = await arm(id, dueAt.getTime());
      const reminder = store.insertSealed({ id, text, sealedText, dueAt: dueAt.getTime(), createdAt: now }, scheduleId);
      // Its window's alarm may already be holding (see on-time.ts): the reminder joins it rather than
      // waiting for that alarm to end. Its own schedule stays as the fallback, and the claim keeps it to one.
      if (dueAt.getTime() < windowBeingDelivered) host.waitUntil(deliveries.run(id, () => deliver(id, () => waitUntilDue(dueAt.getTime(), clock))));
      return reminder;
    });
  }

  /**
   * Arms the schedule that fires a reminder due at `dueAt`: the job of its ten-second window, which
   * every reminder of that window shares, so the object runs one job per window rather than one per
   * reminder (each job costs the SDK a dozen statements, and setting a schedule scans the waiting
   * ones). Idempotent on the payload: a retried call, or another reminder of the window, never arms a
   * second one. A reminder of a window being delivered right now gets a job of its own instead: the
   * window's job is finishing and would not fire again if joining it failed.
   */
  function arm(reminderId: string, dueAt: number): Promise<string> {
    const window = scheduleTimeFor(dueAt, windowPhase);
    if (dueAt < windowBeingDelivered) {
      return scheduler.schedule(window, 'deliverReminder', { reminderId, dueAt } satisfies DeliveryPayload, { idempotent: true });
    }
    return scheduler.schedule(window, 'deliverWindow', { window: window.getTime() } satisfies WindowPayload, { idempotent: true });
  }

  /** Cancels a schedule no waiting reminder is fired by any more (the others of its window may still be). */
  async function release(scheduleId: string | null): Promise<void> {
    if (scheduleId !== null && !store.scheduleInUse(scheduleId)) await scheduler.cancel(scheduleId);
  }

  /**
   * Runs arming and releasing schedules one at a time. Both wait on the SDK between reading and
   * writing, so a release that found its window's schedule unused could otherwise cancel it just as
   * a new reminder of that window was armed onto it. (Defensive: with the SDK as it is, the two calls
   * run through without interleaving, and a test calling both at once inside the object could not
   * make them overlap; an SDK whose `ready()` waited on storage would.)
   */
  let scheduling: Promise<unknown> = Promise.resolve();
  function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    const result = scheduling.then(work);
    scheduling = result.catch(() => undefined);
    return result;
  }

  /**
   * A window's schedule has woken, at the start of the window. Delivers every reminder still waiting
   * that is due before the window ends (or before the end of the window it woke in, when it woke
   * late; overdue ones too), each on its own millisecond (see on-time.ts).
   */
  function fireWindow(payload: WindowPayload): Promise<void> {
    return deliverWindow(Math.max(payload.window + scheduleGranularityMs, dueWindowEnd(clock.now(), windowPhase)));
  }

  /**
   * One reminder's schedule has woken, up to ten seconds before it is due: it is delivered with the
   * rest of the window it woke in. A schedule armed for a time the reminder no longer has (it was
   * snoozed since) does nothing: the reminder's current schedule fires it.
   */
  async function fireDue(payload: DeliveryPayload): Promise<void> {
    const dueAt = store.scheduledDueAt(payload.reminderId);
    if (dueAt === undefined) return;
    if (payload.dueAt !== undefined && payload.dueAt !== dueAt) return;
    await deliverWindow(dueWindowEnd(clock.now(), windowPhase), { id: payload.reminderId, dueAt });
  }

  /** Delivers `own` (when a reminder's own schedule woke) and every reminder still waiting that is due before `windowEnd`. */
  async function deliverWindow(windowEnd: number, own?: { id: string; dueAt: number }): Promise<void> {
    const due = store.scheduledDueBefore(windowEnd).filter((reminder) => reminder.id !== own?.id);
    windowBeingDelivered = Math.max(windowBeingDelivered, windowEnd);
    try {
      await deliverEachOnTime(own ? [own, ...due] : due, clock, (reminderId, waitForDue) => deliveries.run(reminderId, () => deliver(reminderId, waitForDue)));
    } finally {
      if (windowBeingDelivered === windowEnd) windowBeingDelivered = 0;
    }
  }

  /**
   * Runs at least once per reminder, and may run again (a retried alarm, a restart mid-run). The
   * message in the conversation is the durable record, so it is written first, under an id made from
   * the reminder's: a run after a restart finds it and does not write it twice. Then the claim (one
   * status check-and-set) lets exactly one run push the frame. Runs that overlap in this object
   * join the first one.
   */
  async function deliver(reminderId: string, waitForDue: () => Promise<void>): Promise<void> {
    // Read and opened before the due time, so that after it only the write and the push are left.
    const pending = await store.get(reminderId);
    if (pending?.status !== 'scheduled') return;
    const companion = await dependencies.companion.settings.companion();
    await waitForDue();
    // Never early, whoever called: the due time read now is the one waited for.
    await waitUntilDue(Date.parse(pending.dueAt), clock);
    // Cancelled, done or snoozed while it waited: nothing goes out now (a snoozed one has its new schedule).
    const waiting = store.waitingDelivery(reminderId);
    if (waiting?.dueAt !== Date.parse(pending.dueAt)) return;
    const now = clock.now();
    const conversations = dependencies.conversations.store;
    const { messageId } = waiting;
    const existing = (await conversations.getMessages([messageId])).get(messageId);
    const message = existing
      ? messageSchema.parse(existing)
      : await conversations.append(
          {
            id: messageId,
            conversationId: conversations.latestOrCreate(now),
            role: 'assistant',
            text: reminderMessageText(pending.text),
            speaker: companion.name,
            createdAt: now,
            proactive: 'reminder',
          },
          // Indexed with the next turn's batch: delivery stays quick and calls out to nothing.
          { deferIndexing: true },
        );
    // The claim, the frame and the note that a client took it run in one synchronous stretch: a
    // client connecting meanwhile cannot be sent the same reminder again from onConnect. The claim
    // notes the open clients as told; if no socket took the frame after all, the note is taken back,
    // so the reminder goes out on the next connection. (How late it went out is the delivery
    // metric's, recorded with the outreach log below: a log line per reminder cost more than the rest
    // of its delivery.)
    const clients = host.connections.list();
    if (!store.claimForDelivery(reminderId, now, clients.length > 0)) return;
    const reachedApp = sendToAll(clients, frameOf(pending, message)) > 0;
    if (clients.length > 0 && !reachedApp) store.unmarkNotified(reminderId);
    // Logged with the rest of outreach; with no app open, it goes on by push or WhatsApp in the person's order.
    await dependencies.outreach.announce(
      {
        kind: 'reminder',
        sourceKey: `reminder:${reminderId}:${messageId}`,
        reason: `The reminder you set for ${pending.dueAt}`,
        text: reminderMessageText(pending.text),
        messageId,
        conversationId: message.conversationId,
        reminderId,
        dueAt: Date.parse(pending.dueAt),
      },
      { deliveredInApp: reachedApp },
    );
  }
  const deliveries = new SingleFlight();

  /** Sends a frame to each of `clients`; answers to how many it was handed. */
  function sendToAll(clients: readonly ClientConnection[], frame: string): number {
    let sent = 0;
    for (const connection of clients) {
      if (sendTo(connection, frame)) sent++;
    }
    return sent;
  }

  function sendTo(connection: ClientConnection, frame: string): boolean {
    try {
      connection.send(frame);
      return true;
    } catch (error) {
      // A socket closing as the reminder goes out must not keep it from the others.
      log.warn('reminder frame not sent', { userId: host.userId, connectionId: connection.id, error: error instanceof Error ? error.name : 'unknown' });
      return false;
    }
  }

  /** Marks a reminder done, or snoozes it: the RPC behind `PATCH /reminders/:id`. */
  async function update(id: string, body: UpdateReminderBody): Promise<Reminder> {
    if ('status' in body) {
      await oneAtATime(async () => {
        const done = store.markDone(id);
        if (!done) throw notFound('reminder');
        await release(done.scheduleId);
      });
    } else {
      const status = store.status(id);
      if (status === undefined || status === 'cancelled') throw notFound('reminder');
      if (status === 'done') throw new AppError('validation_failed', 'This reminder is done: set a new one instead of snoozing it.');
      const dueAt = clock.now() + body.snoozeMinutes * 60_000;
      await oneAtATime(async () => {
        // Armed first: a restart before the row changes leaves a schedule that finds nothing of its
        // window waiting and does nothing, never a reminder without its alarm.
        const scheduleId = await arm(id, dueAt);
        const snoozed = store.snooze(id, dueAt, scheduleId);
        if (!snoozed) {
          await release(scheduleId);
          throw notFound('reminder');
        }
        if (snoozed.previousScheduleId !== scheduleId) await release(snoozed.previousScheduleId);
      });
    }
    const reminder = await store.get(id);
    if (!reminder) throw notFound('reminder');
    return reminder;
  }

  /**
   * A client connected: it gets the reminders that went out in the last hour without reaching any
   * client, once. The claim is the point of no return for delivery, and the frame after it can be
   * lost (the object restarted in between, or no client was open); the message in the conversation
   * is kept either way, but a reminder should also show as one when the app opens.
   */
  async function onConnect(connection: ClientConnection): Promise<void> {
    const now = clock.now();
    for (const reminder of await store.takeUnnotifiedSince(now - missedReminderWindowMs, now)) sendTo(connection, frameOf(reminder));
  }

  /**
   * An export's reminders, each with its status and times. One that went out is recorded as already
   * shown to a client, so it is never sent again. One still waiting gets its alarm once the import has
   * landed: at its time, or at once when that time passed while the account was being moved, so the
   * person gets it late, with the conversation and the outreach log saying when it was due, rather
   * than never. Either way it goes out once: its status is claimed like any reminder's.
   */
  async function importReminders(reminders: readonly Reminder[] | undefined): Promise<ImportPlan> {
    if (!reminders) return { imported: {}, write: () => undefined };
    const rows = await Promise.all(
      reminders.map(async (reminder) => {
        const deliveredAt = reminder.deliveredAt === undefined ? null : Date.parse(reminder.deliveredAt);
        return {
          id: reminder.id,
          sealedText: await store.seal(reminder.id, reminder.text),
          dueAt: Date.parse(reminder.dueAt),
          createdAt: Date.parse(reminder.createdAt),
          status: reminder.status,
          deliveredAt,
          notifiedAt: deliveredAt,
        };
      }),
    );
    const waiting = rows.filter((row) => row.status === 'scheduled');
    return {
      imported: { reminders: rows.length },
      write: () => {
        for (const row of rows) store.insertImported(row, null);
      },
      settle: () =>
        oneAtATime(async () => {
          for (const row of waiting) store.setScheduleId(row.id, await arm(row.id, row.dueAt));
        }),
    };
  }

  const tools = lazily(() => createReminderTools({ schedule }));

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
      /** Marks it done or snoozes it; see `updateReminderBodySchema`. */
      update: (id: string, body: UpdateReminderBody): Promise<Reminder> => update(id, body),
      /** Cancels the reminder and its alarm; it leaves the list but stays in the export as cancelled. */
      delete: (id: string): Promise<null> =>
        oneAtATime(async () => {
          const cancelled = store.cancel(id);
          if (!cancelled) throw notFound('reminder');
          await release(cancelled.scheduleId);
          return null;
        }),
    },
    jobs: {
      deliverWindow: (payload: WindowPayload): Promise<void> => fireWindow(payload),
      deliverReminder: (payload: DeliveryPayload): Promise<void> => fireDue(payload),
    },
    onConnect,
    tools,
    holdsData: async () => host.sql.exec('SELECT 1 FROM reminders LIMIT 1').toArray().length > 0,
    importData: (document: ImportDocument): Promise<ImportPlan> => importReminders(document.reminders),
    exportData: async () => ({ reminders: exportList(() => store.exportAll()) }),
  } satisfies Capability;
}

export type RemindersCapability = ReturnType<typeof createRemindersCapability>;
