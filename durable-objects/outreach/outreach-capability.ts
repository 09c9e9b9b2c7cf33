import type { ImportDocument } from '../../common/import.ts';
import type { OutreachAnswer, OutreachLogAnswer, OutreachSettings, OutreachSettingsPatch } from '../../common/outreach.ts';
import type { OutreachKind } from '../../common/protocol.ts';
import type { Channel } from '../../server/catalog/system-prompt.ts';
import { AppError } from '../../server/errors/app-error.ts';
import { log } from '../../server/logging/log.ts';
import { metricsOf } from '../../server/observability/metrics.ts';
import { formatInZone, localAt, localDateOf } from '../../server/time/zoned-time.ts';
import type { CalendarCapability } from '../calendar/calendar-capability.ts';
import { createAppChannel } from '../channels/app/app-channel.ts';
import type { DeliveryChannel, DeliveryChannelName, OutboundMessage } from '../channels/delivery-channel.ts';
import type { CompanionCapability } from '../companion/companion-capability.ts';
import type { ConversationsCapability } from '../conversations/conversations-capability.ts';
import type { Capability, CapabilityHost } from '../host/capability.ts';
import { exportList } from '../host/export-document.ts';
import type { ImportPlan } from '../host/import-document.ts';
import { SingleFlight } from '../host/single-flight.ts';
import type { MemoryCapability } from '../memory/memory-capability.ts';
import { controlWordOf } from './control-words.ts';
import { writeOutreachMessage } from './message-writer.ts';
import { importedSourceKey, type OutreachEntry, OutreachStore, sourceKeyOfOlderExport } from './outreach-store.ts';
import { checkInTimeOn, clockAt, firstWakingInstant, inQuietHours, nextCheckInAt } from './outreach-time.ts';
import { outreachSchemaSteps } from './schema.ts';

/** How far ahead planning looks for events; it runs every `planEveryMs`, so each event is seen more than once. */
const planHorizonMs = 26 * 3600_000;
const planEveryMs = 3600_000;
/**
 * A change to the calendar plans again this many seconds later, not at once: a sync or an ICS import
 * writes its events one by one, and waiting lets them all land so they are planned once, together.
 */
const planAfterCalendarChangeSeconds = 5;
/** A check-in the model could not write waits this long and tries again, while the person is awake. */
const checkInRetryMs = 30 * 60_000;
/** Follow-ups on a past event go out on the days after it, at the check-in time; later than this and the moment has passed. */
const followUpWithinDays = 2;
/** A job that finds its moment was moved (settings changed, event moved) more than this away does nothing. */
const onTimeSlackMs = 2 * 60_000;

/** Why an entry still being sent when the account was exported ends as failed in the account it is imported into. */
export const interruptedByExport = 'it was still being sent when the account was exported, and is not sent again after the import';

/** The message an outreach entry leaves in the conversation: one entry, one message, whatever runs again. */
export const outreachMessageId = (entryId: string) => `msg_${entryId}`;

/** The delivery channels a conversation on this channel used: WhatsApp's own, or the app's (its sockets and push). */
const careDeliveryChannels = (channel: Channel): DeliveryChannelName[] => (channel === 'whatsapp' ? ['whatsapp'] : ['app', 'push']);

/** A care check-in's source key names the channels it may use, so a retry from the queue keeps to them. */
const careFollowUpKey = (flagId: string, channel: Channel) => `care-follow-up:${flagId}:${careDeliveryChannels(channel).join('+')}`;

function careChannelsOf(sourceKey: string): DeliveryChannelName[] | undefined {
  if (!sourceKey.startsWith('care-follow-up:')) return undefined;
  return (sourceKey.split(':')[2] ?? '').split('+') as DeliveryChannelName[];
}

/** What another capability hands outreach to send: a reminder, written and stored already. */
export interface Announcement {
  kind: OutreachKind;
  sourceKey: string;
  reason: string;
  text: string;
  messageId: string;
  conversationId: string;
  reminderId?: string;
  dueAt?: number;
}

/**
 * Proactive outreach. Kindred decides *whether* to speak from its own data (a reminder is due, an
 * event is coming, a check-in is scheduled, a follow-up from memory is ripe), inside waking hours
 * and under the daily cap, and only then asks the model to *write* the message. Each message is
 * stored in the conversation marked proactive, logged with why and how it went, and delivered once
 * over the person's channels in their order (the app's sockets at once; push and WhatsApp through
 * the deliveries queue, retried, falling back in order).
 */
export function createOutreachCapability(
  host: CapabilityHost,
  dependencies: {
    companion: CompanionCapability;
    conversations: ConversationsCapability;
    calendar: CalendarCapability;
    memory: MemoryCapability;
    /** Channels beyond the app (push, WhatsApp), read when delivering: they are built after this one. */
    remoteChannels: () => readonly DeliveryChannel[];
  },
) {
  const store = new OutreachStore(host.sql, host.vault);
  const scheduler = host.scheduler('outreach');
  const conversations = dependencies.conversations.store;
  const appChannel = createAppChannel({
    connections: host.connections,
    record: store,
    now: host.now,
    messageOf: async (id) => (await conversations.getMessages([id])).get(id),
  });
  const runs = new SingleFlight();
  let plannedInThisInstance = false;
  /**
   * True from a calendar change until a plan next starts: while it is, further changes need no job
   * of their own, since the one waiting will read them all. Lost with the instance, which at worst
   * lets a later change schedule a second plan; planning twice doubles nothing.
   */
  let planAfterCalendarChangeWaiting = false;
  const metrics = metricsOf(host.env);

  /** One delivery attempt: in the entry's log, and counted by channel, outcome and kind for operations. */
  /** Records an attempt, and its metric; `latenessMs` for a delivery that was due at a moment (a reminder). */
  function recordAttempt(entry: { id: string; kind: OutreachKind }, attempt: Parameters<OutreachStore['recordAttempt']>[1], latenessMs?: number): void {
    store.recordAttempt(entry.id, attempt);
    metrics.record({
      name: 'delivery',
      channel: attempt.channel,
      outcome: attempt.outcome,
      kind: entry.kind,
      ...(latenessMs === undefined ? {} : { latenessMs }),
    });
  }

  const profile = () => dependencies.companion.settings.profile();

  /**
   * The person's channels in their order. A reminder's app delivery belongs to the reminders
   * capability (its own frame at the due millisecond, and again on the next connection when no app
   * was open), so outreach carries reminders only beyond the app.
   */
  function channelsInOrder(settings: OutreachSettings, kind: OutreachKind, sourceKey = ''): DeliveryChannel[] {
    const byName = new Map<DeliveryChannelName, DeliveryChannel>(kind === 'reminder' ? [] : [['app', appChannel]]);
    for (const channel of dependencies.remoteChannels()) byName.set(channel.name, channel);
    // A check-in after a flagged conversation goes only where the person had that conversation.
    const onlyTo = careChannelsOf(sourceKey);
    return settings.channelOrder.filter((name) => !onlyTo || onlyTo.includes(name)).flatMap((name) => byName.get(name) ?? []);
  }

  // --- deciding -------------------------------------------------------------------------------------

  /** Why a proactive message the companion chose must not go out now, if it must not. */
  function holdBack(settings: OutreachSettings, now: number, timezone: string): string | null {
    if (settings.paused) return 'outreach is paused';
    if (inQuietHours(localAt(now, timezone), settings.quietHours)) return 'quiet hours';
    if (store.sentOn(localDateOf(now, timezone)) >= settings.dailyCap) return `the daily cap of ${settings.dailyCap} was reached`;
    return null;
  }

  /**
   * Plans what is coming: the next check-in, a reminder ahead of each event in the horizon, the
   * follow-ups that are ripe. Every job is idempotent on its payload, so planning again never
   * doubles one; each job checks again when it runs, because plans change.
   */
  async function plan(): Promise<void> {
    // Every change before this line is read below; one after it schedules a plan of its own.
    planAfterCalendarChangeWaiting = false;
    const settings = store.settings();
    const now = host.now();
    const { timezone } = await profile();
    const checkIn = nextCheckInAt(now, timezone, settings);
    if (checkIn) await scheduler.schedule(new Date(checkIn.at), 'checkIn', { date: checkIn.date }, { idempotent: true });
    if (settings.eventReminderMinutes > 0) {
      const leadMs = settings.eventReminderMinutes * 60_000;
      const events = await dependencies.calendar.rpc.list({ from: new Date(now).toISOString(), to: new Date(now + planHorizonMs).toISOString() });
      for (const event of events) {
        if (event.allDay) continue;
        const startsAt = Date.parse(event.start);
        const at = startsAt - leadMs;
        if (at <= now) continue;
        await scheduler.schedule(new Date(at), 'eventSoon', { eventId: event.id, startsAt }, { idempotent: true });
      }
    }
    if (settings.followUps && checkIn) {
      for (const memory of await ripeFollowUps(now, timezone)) {
        await scheduler.schedule(
          new Date(firstWakingInstant(checkIn.at - 3 * 3600_000, timezone, settings.quietHours)),
          'followUp',
          { memoryId: memory.id },
          { idempotent: true },
        );
      }
    }
    // The payload names the hour, so the next hour's plan is never taken for the one running now
    // (the scheduler keeps a running job's row, and an idempotent schedule matching it would be
    // dropped with it), while every plan within this hour arms the same one.
    const nextPlanAt = Math.ceil((now + planEveryMs) / planEveryMs) * planEveryMs;
    await scheduler.schedule(new Date(nextPlanAt), 'plan', { hour: nextPlanAt }, { idempotent: true });
    plannedInThisInstance = true;
  }

  /**
   * The calendar's change hook: any event written or deleted, by anyone, plans again shortly, so an
   * event made, moved or cancelled less than an hour ahead has its heads-up at its new time (the
   * old one's job finds the event gone or moved when it runs, and says nothing). The many changes
   * of one sync or import schedule one plan. A failure here must not fail the change to the calendar.
   */
  async function calendarChanged(): Promise<void> {
    if (planAfterCalendarChangeWaiting || store.settings().eventReminderMinutes === 0) return;
    planAfterCalendarChangeWaiting = true;
    try {
      await scheduler.schedule(planAfterCalendarChangeSeconds, 'planAfterCalendarChange', {});
    } catch (error) {
      planAfterCalendarChangeWaiting = false;
      log.warn('outreach planning after a calendar change could not be scheduled', {
        userId: host.userId,
        cause: error instanceof Error ? error.message : 'unknown',
      });
    }
  }
  dependencies.calendar.onChange(calendarChanged);

  async function planAfterCalendarChange(): Promise<void> {
    await runs.run('plan', plan);
    // That may have joined a plan which had started before the change; if no plan has started since, one does now.
    if (planAfterCalendarChangeWaiting) await runs.run('plan', plan);
  }

  /** Events the person told the companion about, dated in the last few days, not yet followed up. */
  async function ripeFollowUps(now: number, timezone: string) {
    const today = localDateOf(now, timezone);
    const earliest = localDateOf(now - followUpWithinDays * 86_400_000, timezone);
    const memories = await dependencies.memory.store.list({ limit: 500 });
    const ripe = [];
    for (const memory of memories) {
      if (memory.kind !== 'event' || !memory.eventDate || memory.eventDate >= today || memory.eventDate < earliest) continue;
      if (await store.bySourceKey(`follow-up:${memory.id}`)) continue;
      ripe.push(memory);
    }
    return ripe;
  }

  /** Plans once per object instance when the person is around, so a new or woken object has its schedule. */
  async function ensurePlanned(): Promise<void> {
    if (!plannedInThisInstance) await runs.run('plan', plan);
  }

  // --- writing and sending ----------------------------------------------------------------------------

  /**
   * Writes (by the model) and sends one message the companion chose to send. Returns false when it
   * could not be written, so the caller may try later.
   */
  async function speak(input: {
    kind: Exclude<OutreachKind, 'reminder'>;
    sourceKey: string;
    reason: string;
    occasion: string;
    details: string[];
    fallbackText?: string;
  }): Promise<boolean> {
    const now = host.now();
    const [{ timezone, displayName }, companion] = await Promise.all([profile(), dependencies.companion.settings.companion()]);
    const { entry } = await store.open({ sourceKey: input.sourceKey, kind: input.kind, reason: input.reason, localDate: localDateOf(now, timezone), now });
    if (entry.status === 'sending') return deliverOrQueue(entry.id).then(() => true);
    if (entry.status !== 'planned') return true;
    const settings = store.settings();
    const heldBack = holdBack(settings, now, timezone);
    if (heldBack) {
      store.finish(entry.id, 'skipped', heldBack);
      return true;
    }
    const conversationId = conversations.latestOrCreate(now);
    const recent = await conversations.recent(conversationId, 6);
    const written = await writeOutreachMessage(
      host.chatModel(),
      {
        kind: input.kind,
        occasion: input.occasion,
        personaId: companion.personaId,
        companionName: companion.name,
        userDisplayName: displayName,
        timezone,
        now: new Date(now),
        channel: channelForWriting(settings),
        recent,
        details: input.details,
      },
      host.config().LLM_TIMEOUT_MS,
    );
    const text = written ?? input.fallbackText;
    if (!text) return false;
    const messageId = outreachMessageId(entry.id);
    if (!(await conversations.getMessages([messageId])).has(messageId)) {
      await conversations.append(
        { id: messageId, conversationId, role: 'assistant', text, speaker: companion.name, createdAt: now, proactive: input.kind },
        { deferIndexing: true },
      );
    }
    await store.written(entry.id, text, messageId, conversationId);
    await deliverOrQueue(entry.id);
    return true;
  }

  /** The channel the message will most likely be read on, for the model's formatting. */
  function channelForWriting(settings: OutreachSettings): Channel {
    const first = settings.channelOrder.find((name) => name !== 'app' || host.connections.list().length > 0);
    return first === 'whatsapp' ? 'whatsapp' : 'mobile';
  }

  /**
   * The app's open sockets get it at once, in the object. Anything that needs the network goes
   * through the deliveries queue (retried, dead-lettered), or, where there is no queue, the
   * object's own alarm retries.
   */
  async function deliverOrQueue(entryId: string, attempt = 0, options: { skipApp?: boolean } = {}): Promise<void> {
    const settings = store.settings();
    const appFirst = !options.skipApp && settings.channelOrder[0] === 'app' && (await appChannel.reachable());
    const queue = host.env.DELIVERIES;
    if (!appFirst && queue) {
      await queue.send({ userId: host.userId, outreachId: entryId }, { contentType: 'json' });
      return;
    }
    const result = await deliver(entryId);
    if (result === 'retry') {
      if (queue) await queue.send({ userId: host.userId, outreachId: entryId }, { contentType: 'json', delaySeconds: 30 });
      else await scheduler.schedule(Math.min(30 * 2 ** attempt, 3600), 'retryDelivery', { outreachId: entryId, attempt: attempt + 1 });
    }
  }

  /**
   * Tries the person's channels in order until one delivers; records every attempt. Safe to run
   * again (a queue retry, a restart): the entry ends once, and each channel sends a message id once.
   */
  async function deliver(entryId: string): Promise<'sent' | 'retry' | 'failed'> {
    return runs.run(`deliver:${entryId}`, async () => {
      const entry = await store.get(entryId);
      if (!entry) return 'failed';
      if (entry.status !== 'sending') return entry.status === 'sent' ? 'sent' : 'failed';
      const settings = store.settings();
      const companion = await dependencies.companion.settings.companion();
      const outbound = outboundOf(entry, companion.name);
      let retryable = false;
      for (const channel of channelsInOrder(settings, entry.kind, entry.sourceKey)) {
        const at = host.now();
        const outcome = await channel.send(outbound).catch((error: unknown) => ({
          status: 'failed' as const,
          retryable: true,
          reason: error instanceof Error ? error.name : 'unknown error',
        }));
        if (outcome.status === 'sent') {
          if (!outcome.duplicate) recordAttempt(entry, { channel: channel.name, at, outcome: 'sent', providerId: outcome.providerId });
          store.finish(entry.id, 'sent', null);
          log.info('outreach delivered', { userId: host.userId, outreachId: entry.id, kind: entry.kind, channel: channel.name });
          return 'sent';
        }
        recordAttempt(entry, { channel: channel.name, at, outcome: outcome.status, detail: outcome.reason });
        if (outcome.status === 'failed' && outcome.retryable) retryable = true;
      }
      if (retryable) return 'retry';
      store.finish(entry.id, 'failed', 'no channel could reach you: open the app, turn on notifications or link WhatsApp');
      return 'failed';
    });
  }

  function outboundOf(entry: OutreachEntry, companionName: string): OutboundMessage {
    // A reminder's key is `reminder:<reminder id>:<message id>`.
    const reminderId = entry.kind === 'reminder' ? entry.sourceKey.split(':')[1] : undefined;
    return {
      id: entry.messageId ?? outreachMessageId(entry.id),
      kind: entry.kind,
      title: entry.kind === 'reminder' ? 'Reminder' : companionName,
      text: entry.text ?? '',
      createdAt: entry.createdAt,
      ...(reminderId ? { reminderId } : {}),
      ...(entry.conversationId ? { conversationId: entry.conversationId } : {}),
    };
  }

  // --- the jobs --------------------------------------------------------------------------------------

  async function checkIn(date: string, attempt: number): Promise<void> {
    const settings = store.settings();
    const now = host.now();
    const { timezone } = await profile();
    // Settings may have changed since this was scheduled: it runs only if that date still has a
    // check-in and this attempt's moment (the check-in time, plus the retries before it) is now.
    const checkInAt = checkInTimeOn(date, timezone, settings);
    if (checkInAt === undefined || Math.abs(checkInAt + attempt * checkInRetryMs - now) > onTimeSlackMs) return;
    const todaysEvents = await dependencies.calendar.rpc.list({ from: new Date(now).toISOString(), to: new Date(now + 12 * 3600_000).toISOString() });
    const spoke = await speak({
      kind: 'check-in',
      sourceKey: `check-in:${date}`,
      reason: `Check-in (${settings.checkInCadence} at ${settings.checkInTime})`,
      occasion: `your ${settings.checkInCadence === 'weekly' ? 'weekly' : 'daily'} check-in with the person`,
      details: todaysEvents.slice(0, 5).map((event) => `Coming up: ${event.title} at ${formatInZone(Date.parse(event.start), timezone)}`),
    });
    // Check-ins wait for the model: tried again while the person is awake, never sent as filler.
    if (!spoke) {
      const retryAt = now + checkInRetryMs;
      if (!inQuietHours(localAt(retryAt, timezone), settings.quietHours) && localDateOf(retryAt, timezone) === date) {
        await scheduler.schedule(new Date(retryAt), 'checkIn', { date, attempt: attempt + 1 }, { idempotent: true });
      } else {
        const entry = await store.bySourceKey(`check-in:${date}`);
        if (entry) store.finish(entry.id, 'skipped', 'no model was available to write it');
      }
    }
  }

  async function eventSoon(eventId: string, startsAt: number): Promise<void> {
    const settings = store.settings();
    const now = host.now();
    const leadMs = settings.eventReminderMinutes * 60_000;
    if (leadMs === 0 || Math.abs(startsAt - leadMs - now) > onTimeSlackMs) return;
    const { timezone } = await profile();
    // The event must still be there, at that time: it may have been moved or cancelled since planning.
    const events = await dependencies.calendar.rpc.list({ from: new Date(startsAt - 1000).toISOString(), to: new Date(startsAt + 1000).toISOString() });
    const event = events.find((candidate) => candidate.id === eventId && Date.parse(candidate.start) === startsAt);
    if (!event) return;
    const time = formatInZone(startsAt, timezone);
    await speak({
      kind: 'event-soon',
      sourceKey: `event-soon:${eventId}:${startsAt}`,
      reason: `Your event at ${time}`,
      occasion: `the event “${event.title}” starts in ${settings.eventReminderMinutes} minutes`,
      details: [`Event: ${event.title}`, `Starts: ${time}`, ...(event.location ? [`Where: ${event.location}`] : [])],
      // A reminder of an event goes out even without a model: in its own words.
      fallbackText: `“${event.title}” starts at ${clockAt(startsAt, timezone)}${event.location ? `, at ${event.location}` : ''}.`,
    });
  }

  async function followUp(memoryId: string): Promise<void> {
    const settings = store.settings();
    if (!settings.followUps) return;
    const [memory] = await dependencies.memory.store.getMany([memoryId]);
    if (!memory || memory.validTo) return;
    const spoke = await speak({
      kind: 'follow-up',
      sourceKey: `follow-up:${memoryId}`,
      reason: `You mentioned something on ${memory.eventDate}`,
      occasion: 'a follow-up on something the person said was coming up, which has now happened',
      details: [`What they said was coming (${memory.eventDate}): ${memory.text}`],
    });
    if (!spoke) {
      const entry = await store.bySourceKey(`follow-up:${memoryId}`);
      if (entry) store.finish(entry.id, 'skipped', 'no model was available to write it');
    }
  }

  /**
   * The gentle check-in the day after a flagged conversation (the care capability's hook). It waits
   * for the person's waking hours, counts against the daily cap and the pause like any check-in, and
   * goes only to the channel the conversation was on. It names nothing of what was said.
   */
  async function careFollowUp(input: { flagId: string; channel: Channel }): Promise<void> {
    const settings = store.settings();
    const now = host.now();
    const { timezone } = await profile();
    const wakingAt = firstWakingInstant(now, timezone, settings.quietHours);
    if (wakingAt - now > onTimeSlackMs) {
      await scheduler.schedule(new Date(wakingAt), 'careFollowUp', input, { idempotent: true });
      return;
    }
    await speak({
      kind: 'follow-up',
      sourceKey: careFollowUpKey(input.flagId, input.channel),
      reason: 'Checking in after yesterday’s conversation',
      occasion:
        'a gentle check-in the day after the person went through something very hard in a conversation with you. Ask softly how they are today and say you are here. Do not be cheerful, do not name or guess what it was, no advice.',
      details: [],
      fallbackText: 'I’ve been thinking of you since yesterday. How are you doing today? I’m here whenever you want to talk.',
    });
  }

  // --- stop and start ----------------------------------------------------------------------------------

  /**
   * "stop" (or its equivalents) on any channel pauses outreach and "start" resumes it: the answer is
   * the companion's reply, without the model, so it works whatever the model does. Null for any
   * other message.
   */
  async function replyToControlWord(text: string): Promise<string | null> {
    const word = controlWordOf(text);
    if (!word) {
      host.waitUntil(
        ensurePlanned().catch((error: unknown) =>
          log.warn('outreach planning failed', { userId: host.userId, cause: error instanceof Error ? error.message : 'unknown' }),
        ),
      );
      return null;
    }
    const settings = store.settings();
    store.saveSettings({ ...settings, paused: word === 'stop' }, host.now());
    return word === 'stop'
      ? "Okay, I'll stop reaching out first. Reminders you set yourself still come at their time. To hear from me again, send “start” or turn outreach back on in Settings → Reaching out."
      : "Welcome back! I'll check in again, within your waking hours and the daily limit. You can change how often in Settings → Reaching out.";
  }

  /** What the Today screen shows as coming: the next check-in, event reminders, follow-ups. */
  async function planned(): Promise<OutreachAnswer['planned']> {
    const settings = store.settings();
    const now = host.now();
    const { timezone } = await profile();
    const upcoming: OutreachAnswer['planned'] = [];
    if (settings.paused) return upcoming;
    const checkIn = nextCheckInAt(now, timezone, settings);
    if (checkIn)
      upcoming.push({ kind: 'check-in', at: new Date(checkIn.at).toISOString(), reason: `Check-in (${settings.checkInCadence} at ${settings.checkInTime})` });
    if (settings.eventReminderMinutes > 0) {
      const events = await dependencies.calendar.rpc.list({ from: new Date(now).toISOString(), to: new Date(now + 24 * 3600_000).toISOString() });
      for (const event of events) {
        const at = Date.parse(event.start) - settings.eventReminderMinutes * 60_000;
        if (!event.allDay && at > now)
          upcoming.push({
            kind: 'event-soon',
            at: new Date(at).toISOString(),
            reason: `${event.title} at ${clockAt(Date.parse(event.start), timezone)}`,
          });
      }
    }
    if (settings.followUps && checkIn) {
      for (const memory of await ripeFollowUps(now, timezone))
        upcoming.push({ kind: 'follow-up', at: new Date(checkIn.at).toISOString(), reason: memory.text });
    }
    return upcoming.sort((left, right) => left.at.localeCompare(right.at));
  }

  /**
   * An export's outreach settings and log. Every entry keeps its source key, so what it was about (a
   * reminder, a day's check-in, an event's start) is not sent again by this account. An entry still
   * being sent when the account was exported is not finished here: it ends as failed, saying so,
   * because the old account may or may not have delivered it, and a message twice is worse than a
   * message the person can still read in the conversation.
   */
  async function importOutreach(document: ImportDocument): Promise<ImportPlan> {
    const section = document.outreach;
    if (!section) return { imported: {}, write: () => undefined };
    const usedKeys = new Set<string>();
    const writes: (() => void)[] = [];
    for (const logged of section.log) {
      const createdAt = Date.parse(logged.createdAt);
      const localDate = logged.localDate ?? localDateOf(createdAt, document.user.timezone);
      let sourceKey = logged.sourceKey ?? sourceKeyOfOlderExport(logged, localDate);
      if (usedKeys.has(sourceKey)) sourceKey = importedSourceKey(logged);
      usedKeys.add(sourceKey);
      const unfinished = logged.status === 'planned' || logged.status === 'sending';
      const entry: OutreachEntry = {
        id: logged.id,
        sourceKey,
        kind: logged.kind,
        reason: logged.reason,
        // The log shows an entry never written (skipped, or no model could write it) with empty text.
        text: logged.text === '' ? null : logged.text,
        messageId: logged.messageId ?? null,
        conversationId: logged.conversationId ?? null,
        localDate,
        createdAt,
        status: unfinished ? 'failed' : logged.status,
        statusDetail: unfinished ? interruptedByExport : (logged.statusDetail ?? null),
      };
      writes.push(await store.prepareImported(entry, logged.attempts));
    }
    const now = host.now();
    return {
      imported: { outreach: section.log.length },
      write: () => {
        store.saveSettings(section.settings, now);
        for (const write of writes) write();
      },
      // The next check-in and the event reminders of the coming hours, as a change of settings plans them.
      settle: () => runs.run('plan', plan),
    };
  }

  return {
    name: 'outreach',
    schema: outreachSchemaSteps,
    replyToControlWord,
    careFollowUp,
    /**
     * A message another capability decided to send (a goal check-in, the weekly reflection): written
     * by the model in the persona's voice from `details` (data, never instructions), held back by
     * quiet hours, the daily cap and a pause like every message the companion chooses to send,
     * stored in the conversation and delivered once per `sourceKey`, however often this is called.
     * These wait for the model: when none could write it, the log says so and the answer is false.
     */
    reachOut: (request: { kind: 'goal-check-in' | 'reflection'; sourceKey: string; reason: string; occasion: string; details: string[] }): Promise<boolean> =>
      runs.run(`reach-out:${request.sourceKey}`, async () => {
        if (await speak(request)) return true;
        const entry = await store.bySourceKey(request.sourceKey);
        if (entry?.status === 'planned') store.finish(entry.id, 'skipped', 'no model was available to write it');
        return false;
      }),
    /**
     * Delivers a message another capability wrote and stored (a due reminder) through the person's
     * channels. Reminders the person set are not held back by quiet hours, the cap or a pause.
     */
    async announce(announcement: Announcement, options: { deliveredInApp: boolean }): Promise<void> {
      const now = host.now();
      const { timezone } = await profile();
      const { entry, created } = await store.open({
        sourceKey: announcement.sourceKey,
        kind: announcement.kind,
        reason: announcement.reason,
        localDate: localDateOf(now, timezone),
        now,
        written: {
          text: announcement.text,
          messageId: announcement.messageId,
          conversationId: announcement.conversationId,
          alreadySent: options.deliveredInApp,
        },
      });
      // An entry a run cut short left as planned (before `open` could write it whole).
      if (entry.status === 'planned') await store.written(entry.id, announcement.text, announcement.messageId, announcement.conversationId);
      if (options.deliveredInApp) {
        // The reminder's own frame reached an open app: the entry this run opened records it. The
        // reminder's claim already keeps its frame from going out twice, and outreach never sends a
        // reminder through the app channel, so no record of that channel's is needed to stop a second
        // send; an entry opened before (a run repeated) has its attempt already, written with the entry.
        if (created)
          recordAttempt(entry, { channel: 'app', at: now, outcome: 'sent' }, announcement.dueAt === undefined ? undefined : now - announcement.dueAt);
        if (entry.status !== 'sent') store.finish(entry.id, 'sent', null);
        return;
      }
      // No app took it: the reminders capability sends it to the next app that connects, so the
      // channels beyond the app carry it now.
      await deliverOrQueue(entry.id, 0, { skipApp: true });
    },
    rpc: {
      async get(): Promise<OutreachAnswer> {
        await ensurePlanned();
        return { settings: store.settings(), planned: await planned() };
      },
      async update(patch: OutreachSettingsPatch): Promise<OutreachAnswer> {
        const next = { ...store.settings(), ...patch };
        if (next.channelOrder.length !== new Set(next.channelOrder).size) throw new AppError('validation_failed', 'Each channel may appear once in the order.');
        store.saveSettings(next, host.now());
        await runs.run('plan', plan);
        return { settings: next, planned: await planned() };
      },
      log: (query: { limit?: number; cursor?: string }): Promise<OutreachLogAnswer> => store.page(Math.min(query.limit ?? 50, 100), query.cursor),
      /** The deliveries queue's consumer: `retry` asks it to try again later. */
      deliver: (outreachId: string): Promise<'sent' | 'retry' | 'failed'> => deliver(outreachId),
      /** The dead-letter queue's consumer: the queue gave up, so the entry says so. */
      async deadLettered(outreachId: string): Promise<null> {
        store.finish(outreachId, 'failed', 'delivery was retried and gave up');
        return null;
      },
    },
    jobs: {
      plan: () => runs.run('plan', plan),
      planAfterCalendarChange,
      checkIn: (payload: { date: string; attempt?: number }) => runs.run(`check-in:${payload.date}`, () => checkIn(payload.date, payload.attempt ?? 0)),
      eventSoon: (payload: { eventId: string; startsAt: number }) =>
        runs.run(`event:${payload.eventId}:${payload.startsAt}`, () => eventSoon(payload.eventId, payload.startsAt)),
      followUp: (payload: { memoryId: string }) => runs.run(`follow-up:${payload.memoryId}`, () => followUp(payload.memoryId)),
      careFollowUp: (payload: { flagId: string; channel: Channel }) => runs.run(`care-follow-up:${payload.flagId}`, () => careFollowUp(payload)),
      retryDelivery: (payload: { outreachId: string; attempt: number }) => deliverOrQueue(payload.outreachId, payload.attempt),
    },
    holdsData: async () => store.hasEntries(),
    importData: importOutreach,
    exportData: async () => ({ outreach: { settings: store.settings(), log: exportList(() => store.all()) } }),
  } satisfies Capability;
}

export type OutreachCapability = ReturnType<typeof createOutreachCapability>;
