import type { z } from 'zod';
import type { Care, CareCategory, careExportSchema, careFlagSchema } from '../../common/care.ts';
import type { ImportDocument } from '../../common/import.ts';
import { type CareClassifier, combineVerdicts, startClassification } from '../../server/care/classifier.ts';
import { createCareClassifier } from '../../server/care/classifier-from-config.ts';
import { resolveCareCountry } from '../../server/care/country.ts';
import { resourcesAsText, resourcesFor } from '../../server/care/resources.ts';
import { screenMessage } from '../../server/care/screen.ts';
import type { Channel } from '../../server/catalog/system-prompt.ts';
import { createId } from '../../server/crypto/encoding.ts';
import { AppError } from '../../server/errors/app-error.ts';
import { log } from '../../server/logging/log.ts';
import type { CompanionCapability } from '../companion/companion-capability.ts';
import type { Capability, CapabilityHost } from '../host/capability.ts';
import type { ImportPlan } from '../host/import-document.ts';
import { type CareLanguage, careLanguageOf, fallbackReplyText, resourcesHeading, spokenResourceLine, steeringInstruction } from './care-texts.ts';
import { careSchemaSteps } from './schema.ts';

/** The care settings as the API shows them. */
export interface CareSettings {
  /** ISO 3166-1 alpha-2, or null to let Kindred work it out (WhatsApp number, then time zone). */
  country: string | null;
}

/** What the screen found in a message, with everything the turn and the channels need to answer it. */
export interface CareVerdict {
  care: Care;
  lifeAtRisk: boolean;
  language: CareLanguage;
  /** The system message that steers the model's reply. */
  steering: string;
  /** The reply when the model cannot give one. */
  fallbackText: string;
  /** The resources as plain text with their numbers, emergency first where life is at risk: for WhatsApp. */
  resourcesText: string;
  /** One sentence the voice session says after the reply: the first resource with a number. */
  spokenLine: string | null;
}

/** How long after a flagged conversation the gentle check-in comes. */
export const followUpAfterMs = 24 * 3600_000;

/** The follow-up the outreach capability sends: it writes and delivers it within quiet hours and the daily cap. */
export type CareFollowUp = (input: { flagId: string; channel: Channel; conversationId: string }) => Promise<void>;

const countryPattern = /^[A-Z]{2}$/;

/** A time the export wrote (ISO 8601) as milliseconds; a document that holds anything else is refused, not stored as NaN. */
function timeOf(text: string, path: string): number {
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw new AppError('validation_failed', `The import's ${path} is not a time: ${JSON.stringify(text.slice(0, 40))}.`);
  return time;
}

/**
 * Care: the safety net every turn passes through. It screens the person's message locally (never the
 * model), picks crisis resources for their country, steers the reply, and keeps a sealed record of
 * flagged conversations so the companion can check in gently the next day.
 */
export function createCareCapability(
  host: CapabilityHost,
  dependencies: {
    companion: CompanionCapability;
    /** The linked WhatsApp number (E.164), whose calling code names a country when the person set none. */
    linkedPhoneNumber?: () => Promise<string | undefined>;
    /** Read when the follow-up is due: outreach is built after this capability. */
    followUp?: () => CareFollowUp | undefined;
  },
) {
  const scheduler = host.scheduler('care');

  function settings(): CareSettings {
    const row = host.sql.exec<{ country: string | null }>('SELECT country FROM care_settings WHERE id = 1').toArray()[0];
    return { country: row?.country ?? null };
  }

  function saveSettings(next: { country: string | null }): CareSettings {
    const country = next.country === null ? null : next.country.toUpperCase();
    if (country !== null && !countryPattern.test(country))
      throw new AppError('validation_failed', 'country must be an ISO 3166-1 alpha-2 code, like DE or US, or null.');
    host.sql.exec(
      'INSERT INTO care_settings (id, country, updated_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET country = excluded.country, updated_at = excluded.updated_at',
      country,
      host.now(),
    );
    return { country };
  }

  async function country(): Promise<string | undefined> {
    const [profile, phoneNumber] = await Promise.all([
      dependencies.companion.settings.profile(),
      (dependencies.linkedPhoneNumber?.() ?? Promise.resolve(undefined)).catch(() => undefined),
    ]);
    return resolveCareCountry({ setting: settings().country, phoneNumber, timeZone: profile.timezone });
  }

  /** Screens one message the person sent. Null when nothing was found; it never asks the model. */
  async function screen(text: string): Promise<CareVerdict | null> {
    const result = screenMessage(text);
    return result.flagged ? verdictFor(result) : null;
  }

  // The configured classifier, made on first use (undefined when none is configured or what it needs is absent).
  let classifier: { value: CareClassifier | undefined } | undefined;

  /**
   * Asks the configured classifier (Llama Guard, or the chat model with a classification prompt)
   * about a message the screen let through: started beside the turn so it never delays the reply,
   * and awaited only when the reply ends. Resolves to null when none is configured, it says no risk,
   * fails, or runs past `CARE_CLASSIFIER_TIMEOUT_MS`; it never rejects. It can only add a flag.
   */
  async function modelCheck(text: string, signal?: AbortSignal): Promise<CareVerdict | null> {
    let configured: CareClassifier | undefined;
    let timeoutMs: number;
    try {
      classifier ??= { value: createCareClassifier(host.config(), host.env, host.chatModel()) };
      configured = classifier.value;
      timeoutMs = host.config().CARE_CLASSIFIER_TIMEOUT_MS;
    } catch {
      // A configuration that cannot be read leaves the screen alone, as it always stands.
      return null;
    }
    if (!configured) return null;
    const combined = combineVerdicts({ flagged: false }, await startClassification(configured, text, timeoutMs, signal ? { signal } : {}));
    return combined.flagged ? verdictFor(combined) : null;
  }

  /** Everything the turn and the channels need to answer a flagged message, from what was found. */
  async function verdictFor(result: { category: CareCategory; lifeAtRisk: boolean }): Promise<CareVerdict> {
    // A country that cannot be read still leaves the international resources: the net never fails open.
    const place = await country().catch((error: unknown) => {
      log.warn('care country unreadable', { userId: host.userId, cause: error instanceof Error ? error.name : 'unknown' });
      return undefined;
    });
    const language = careLanguageOf(place);
    const resources = resourcesFor(place, result.category, result.lifeAtRisk);
    const firstCallable = resources.find((resource) => resource.phone);
    return {
      care: { category: result.category, resources },
      resourcesText: `${resourcesHeading[language]}\n${resourcesAsText(resources)}`,
      spokenLine: firstCallable?.phone ? spokenResourceLine[language](firstCallable.name, firstCallable.phone) : null,
      lifeAtRisk: result.lifeAtRisk,
      language,
      steering: steeringInstruction(result.category, result.lifeAtRisk),
      fallbackText: fallbackReplyText(language, result.category, result.lifeAtRisk),
    };
  }

  /** Records a flagged conversation (category sealed) and plans the next day's check-in on the channel used. */
  async function flagged(verdict: CareVerdict, where: { conversationId: string; channel: Channel }): Promise<void> {
    const flag = await prepareFlag({ category: verdict.care.category, conversationId: where.conversationId, channel: where.channel, flaggedAt: host.now() });
    flag.write();
    await scheduleFollowUp(flag);
    log.info('care flagged', { userId: host.userId, conversationId: where.conversationId, channel: where.channel });
  }

  interface PreparedFlag {
    id: string;
    conversationId: string;
    channel: string;
    followUpAt: number;
    followedUpAt: number | null;
    write(): void;
  }

  /**
   * Seals a flag's category and answers the write that stores it: apart, so that an import seals first
   * and writes inside its one transaction. The id is made from the time it was flagged, so flags keep
   * their order; the export does not name them, and nothing else refers to them but their own job.
   */
  async function prepareFlag(flag: { category: CareCategory; conversationId: string; channel: string; flaggedAt: number; followedUpAt?: number | null }) {
    const id = createId('care', flag.flaggedAt);
    const categorySealed = await host.vault.seal(flag.category, `care_flag:${id}:category`);
    const followUpAt = flag.flaggedAt + followUpAfterMs;
    const followedUpAt = flag.followedUpAt ?? null;
    return {
      id,
      conversationId: flag.conversationId,
      channel: flag.channel,
      followUpAt,
      followedUpAt,
      write: () => {
        host.sql.exec(
          'INSERT INTO care_flags (id, conversation_id, category_sealed, channel, flagged_at, follow_up_at, followed_up_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          id,
          flag.conversationId,
          categorySealed,
          flag.channel,
          flag.flaggedAt,
          followUpAt,
          followedUpAt,
        );
      },
    } satisfies PreparedFlag;
  }

  /** Each flag has its job; when it runs, only the newest flag of the conversation checks in. */
  async function scheduleFollowUp(flag: PreparedFlag): Promise<void> {
    await scheduler.schedule(new Date(flag.followUpAt), 'followUp', { conversationId: flag.conversationId, channel: flag.channel as Channel, flagId: flag.id });
  }

  /**
   * The country and every flag come back as they were. A flag whose check-in had not gone out yet gets
   * its job again if it is still ahead; one whose day has passed is not sent late (a check-in a week
   * after the fact would read strangely), and stays not followed up, as the export said.
   */
  async function importCare(document: ImportDocument): Promise<ImportPlan> {
    const care = document.care;
    if (!care) return { imported: {}, write: () => {} };
    const flags = await Promise.all(
      care.flagged.map((flag) =>
        prepareFlag({
          category: flag.category,
          conversationId: flag.conversationId,
          channel: flag.channel,
          flaggedAt: timeOf(flag.flaggedAt, 'care.flagged[].flaggedAt'),
          followedUpAt: flag.followedUpAt === null ? null : timeOf(flag.followedUpAt, 'care.flagged[].followedUpAt'),
        }),
      ),
    );
    return {
      // The settings, and each flagged conversation.
      imported: { care: 1 + flags.length },
      write: () => {
        if (care.settings.country !== null) saveSettings({ country: care.settings.country });
        for (const flag of flags) flag.write();
      },
      settle: async () => {
        const now = host.now();
        for (const flag of flags) if (flag.followedUpAt === null && flag.followUpAt > now) await scheduleFollowUp(flag);
      },
    };
  }

  async function runFollowUp(payload: { flagId: string; conversationId: string; channel: Channel }): Promise<void> {
    const row = host.sql.exec<{ followed_up_at: number | null }>('SELECT followed_up_at FROM care_flags WHERE id = ?', payload.flagId).toArray()[0];
    if (!row || row.followed_up_at !== null) return;
    // A later flag in the same conversation has its own follow-up: only the newest one checks in.
    const newer = host.sql
      .exec<{ id: string }>(
        'SELECT id FROM care_flags WHERE conversation_id = ? AND flagged_at > (SELECT flagged_at FROM care_flags WHERE id = ?) LIMIT 1',
        payload.conversationId,
        payload.flagId,
      )
      .toArray()[0];
    host.sql.exec('UPDATE care_flags SET followed_up_at = ? WHERE id = ?', host.now(), payload.flagId);
    if (newer) return;
    await dependencies.followUp?.()?.(payload);
  }

  /** The flagged conversations, oldest first, for the export: the category opened, never the person's words. */
  async function flags(): Promise<z.infer<typeof careFlagSchema>[]> {
    const rows = host.sql
      .exec<{ id: string; conversation_id: string; category_sealed: string; channel: string; flagged_at: number; followed_up_at: number | null }>(
        'SELECT id, conversation_id, category_sealed, channel, flagged_at, followed_up_at FROM care_flags ORDER BY flagged_at, id',
      )
      .toArray();
    return Promise.all(
      rows.map(async (row) => ({
        conversationId: row.conversation_id,
        category: (await host.vault.open(row.category_sealed, `care_flag:${row.id}:category`)) as CareCategory,
        channel: row.channel,
        flaggedAt: new Date(row.flagged_at).toISOString(),
        followedUpAt: row.followed_up_at === null ? null : new Date(row.followed_up_at).toISOString(),
      })),
    );
  }

  return {
    name: 'care',
    schema: careSchemaSteps,
    screen,
    modelCheck,
    flagged,
    rpc: {
      settings: async (): Promise<CareSettings> => settings(),
      updateSettings: async (next: { country: string | null }): Promise<CareSettings> => saveSettings(next),
    },
    exportData: async (): Promise<{ care: z.infer<typeof careExportSchema> }> => ({ care: { settings: settings(), flagged: await flags() } }),
    /** A country chosen, or a conversation flagged; a new account has neither. */
    holdsData: async (): Promise<boolean> =>
      settings().country !== null || host.sql.exec<{ held: number }>('SELECT EXISTS (SELECT 1 FROM care_flags) AS held').one().held === 1,
    importData: importCare,
    jobs: {
      followUp: (payload: { flagId: string; conversationId: string; channel: Channel }) => runFollowUp(payload),
    },
  } satisfies Capability;
}
export type CareCapability = ReturnType<typeof createCareCapability>;
