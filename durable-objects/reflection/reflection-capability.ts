import type { ImportDocument } from '../../common/import.ts';
import type { ReflectionAnswer, ReflectionSettingsPatch } from '../../common/reflection.ts';
import { log } from '../../server/logging/log.ts';
import { formatInZone } from '../../server/time/zoned-time.ts';
import type { CompanionCapability } from '../companion/companion-capability.ts';
import type { ConversationsCapability } from '../conversations/conversations-capability.ts';
import type { Capability, CapabilityHost } from '../host/capability.ts';
import type { ImportPlan } from '../host/import-document.ts';
import { SingleFlight } from '../host/single-flight.ts';
import type { OutreachCapability } from '../outreach/outreach-capability.ts';
import { type ReflectionOutcome, ReflectionStore } from './reflection-store.ts';
import { nextReflectionSlot, type ReflectionSlot, reflectionTimeOn, weekBefore } from './reflection-time.ts';
import { reflectionSchemaSteps } from './schema.ts';
import { weekBounds, weekInReviewDetails } from './week-details.ts';
import type { WeekInReviewSource } from './week-in-review.ts';

/**
 * How far from its moment a reflection job may run. Earlier than this, it is a job for another week
 * (or one whose time was changed since) and does nothing. Later is allowed for hours: a letter about
 * the week that arrives a little late (an object woken late) is still worth sending.
 */
const earlyBySlackMs = 2 * 60_000;
const lateByAtMostMs = 6 * 3600_000;

/**
 * The weekly reflection the person can turn on: at their chosen weekday and time, in their zone, the
 * companion looks back on the seven days before (the week's messages and what goals and moods
 * report) and outreach writes it with the model, in the persona's voice, and delivers it like any
 * message the companion chooses to send (quiet hours, the daily cap and a pause apply; once per week).
 */
export function createReflectionCapability(
  host: Pick<CapabilityHost, 'userId' | 'sql' | 'now' | 'scheduler'>,
  dependencies: {
    companion: { settings: Pick<CompanionCapability['settings'], 'profile'> } & Pick<CompanionCapability, 'onTimezoneChange'>;
    conversations: { store: Pick<ConversationsCapability['store'], 'between'> };
    outreach: Pick<OutreachCapability, 'reachOut'>;
    /** What other capabilities report of the week (goals, moods), read when the reflection runs: they are built after this one. */
    sources: () => readonly WeekInReviewSource[];
  },
) {
  const store = new ReflectionStore(host.sql);
  const scheduler = host.scheduler('reflection');
  const runs = new SingleFlight();
  let plannedInThisInstance = false;
  /**
   * Plans run one after another, each reading the settings when it starts: a change saved while a plan
   * is under way gets a plan of its own, rather than joining one that read the old settings.
   */
  let planning: Promise<unknown> = Promise.resolve();
  const planAgain = (): Promise<ReflectionSlot | undefined> => {
    const next = planning.then(plan, plan);
    planning = next.catch(() => undefined);
    return next;
  };

  const timezoneOf = async () => (await dependencies.companion.settings.profile()).timezone;
  // The reflection is at a local weekday and time: after a move to another zone, it is planned there.
  dependencies.companion.onTimezoneChange(async () => {
    await planAgain();
  });

  /** The next reflection still to run: one due this very minute counts, one that already ran does not. */
  function upcoming(now: number, timezone: string): ReflectionSlot | undefined {
    const settings = store.settings();
    let slot = nextReflectionSlot(now - earlyBySlackMs, timezone, settings);
    if (slot && store.hasRun(slot.date)) slot = nextReflectionSlot(slot.at + 1, timezone, settings);
    return slot;
  }

  /**
   * Schedules the job for the next reflection (idempotent on its date and moment) and cancels the one
   * planned before when it is another: a changed weekday or time, or the reflection turned off.
   */
  async function plan(): Promise<ReflectionSlot | undefined> {
    const slot = upcoming(host.now(), await timezoneOf());
    const previous = store.scheduleId();
    const scheduleId = slot ? await scheduler.schedule(new Date(slot.at), 'reflect', { date: slot.date, at: slot.at }, { idempotent: true }) : null;
    if (previous && previous !== scheduleId) await scheduler.cancel(previous);
    if (scheduleId !== previous) store.saveScheduleId(scheduleId);
    plannedInThisInstance = true;
    return slot;
  }

  /** Plans once per object instance when the person is around, so a woken object whose plan was lost has it again. */
  async function ensurePlanned(): Promise<void> {
    if (!plannedInThisInstance) await runs.run('ensure-planned', planAgain);
  }

  async function answer(): Promise<ReflectionAnswer> {
    const timezone = await timezoneOf();
    const slot = upcoming(host.now(), timezone);
    return { settings: store.settings(), nextAt: slot ? formatInZone(slot.at, timezone) : null };
  }

  /** The week's lines from every source; a source that fails is left out rather than costing the person their reflection. */
  async function sourceLines(week: { from: number; to: number; timezone: string }): Promise<string[]> {
    const lines = await Promise.all(
      dependencies.sources().map((source) =>
        // Through a promise, so a source that throws before it answers is caught like one that rejects.
        Promise.resolve(week)
          .then((asked) => source.weekInReview(asked))
          .catch((error: unknown) => {
            log.warn('reflection source failed', { userId: host.userId, cause: error instanceof Error ? error.name : 'unknown' });
            return [];
          }),
      ),
    );
    return lines.flat();
  }

  async function reflect(date: string, plannedAt: number): Promise<void> {
    const settings = store.settings();
    const timezone = await timezoneOf();
    const now = host.now();
    const at = reflectionTimeOn(date, timezone, settings);
    // Settings or the zone may have changed since it was planned: it runs only if that date still has
    // this reflection and its moment has come. Either way, the next one is planned afterwards.
    const onTime = at !== undefined && at === plannedAt && now >= at - earlyBySlackMs && now <= at + lateByAtMostMs;
    try {
      if (onTime && !store.hasRun(date)) {
        const outcome = await reflectOn({ date, at }, settings.time, timezone);
        store.markRun(date, outcome, host.now());
        log.info('reflection ran', { userId: host.userId, date, outcome });
      }
    } finally {
      // Whatever became of this week, the next one is planned.
      await planAgain();
    }
  }

  async function reflectOn(slot: ReflectionSlot, time: string, timezone: string): Promise<ReflectionOutcome> {
    const week = weekBefore(slot, timezone, time);
    const [messages, lines] = await Promise.all([
      dependencies.conversations.store.between(week.from, week.to, weekBounds.messages + 10),
      sourceLines({ ...week, timezone }),
    ]);
    const details = weekInReviewDetails({
      week,
      timezone,
      // The reflection of the week before is not part of this week's story.
      messages: messages.filter((message) => message.proactive !== 'reflection'),
      sourceLines: lines,
    });
    // A week with nothing in it costs no model call and sends nothing.
    if (details.length === 0) return 'quiet-week';
    const written = await dependencies.outreach.reachOut({
      kind: 'reflection',
      sourceKey: `reflection:${slot.date}`,
      reason: 'Your weekly reflection',
      occasion: 'the weekly reflection the person turned on, looking back on their last seven days',
      details,
    });
    return written ? 'handed-to-outreach' : 'not-written';
  }

  return {
    name: 'reflection',
    schema: reflectionSchemaSteps,
    rpc: {
      async get(): Promise<ReflectionAnswer> {
        await ensurePlanned();
        return answer();
      },
      /** Changes any subset of the settings and plans again: a new weekday or time moves the job, turning it off cancels it. */
      async update(patch: ReflectionSettingsPatch): Promise<ReflectionAnswer> {
        store.saveSettings({ ...store.settings(), ...patch }, host.now());
        await planAgain();
        return answer();
      },
    },
    jobs: {
      reflect: (payload: { date: string; at: number }) => runs.run(`reflect:${payload.date}`, () => reflect(payload.date, payload.at)),
    },
    /** A client connecting is the cheap moment to make sure a woken object still has its reflection planned. */
    async onConnect(): Promise<void> {
      await ensurePlanned().catch((error: unknown) =>
        log.warn('reflection planning failed', { userId: host.userId, cause: error instanceof Error ? error.message : 'unknown' }),
      );
    },
    /**
     * The settings only (the reflections themselves are messages and outreach entries, imported with
     * those); when on, the next one is planned once the import has landed. A week that was reflected
     * on already is not done again: its outreach entry, imported with its source key, stops it.
     */
    async importData(document: ImportDocument): Promise<ImportPlan> {
      const settings = document.reflection?.settings;
      if (!settings) return { imported: {}, write: () => undefined };
      const now = host.now();
      return {
        imported: { reflection: 1 },
        write: () => store.saveSettings(settings, now),
        settle: async () => {
          if (settings.enabled) await planAgain();
        },
      };
    },
    exportData: async () => ({ reflection: { settings: store.settings() } }),
  } satisfies Capability;
}

export type ReflectionCapability = ReturnType<typeof createReflectionCapability>;
