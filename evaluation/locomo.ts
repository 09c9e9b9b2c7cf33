/**
 * The public LoCoMo dataset format (`locomo10.json`): long conversations between two people, split into
 * dated sessions, with questions whose evidence names the turns that answer them. The schema is lenient
 * where the published file varies (numeric answers, sessions without turns, extra fields on a turn,
 * several evidence ids in one string) and strict where the evaluation depends on a value.
 */
import { z } from 'zod';

/** The LoCoMo category of adversarial questions: they have no answer in the conversation, so no evidence to find. */
export const adversarialCategory = 5;

const sessionKeyPattern = /^session_(\d+)$/;
const sessionDateTimeKeyPattern = /^session_(\d+)_date_time$/;

/** Answers are mostly text, but the published file has bare numbers (years, counts) too. */
const answerSchema = z.union([z.string(), z.number()]).transform(String);

/** One turn; fields the evaluation does not read (`img_url`, `query`, …) are dropped. */
export const locomoTurnSchema = z.object({
  speaker: z.string(),
  dia_id: z.string().trim().min(1),
  text: z.string().default(''),
  blip_caption: z.string().optional(),
});
export type LocomoTurn = z.infer<typeof locomoTurnSchema>;

const sessionTurnsSchema = z.array(locomoTurnSchema);

/**
 * The two speakers plus `session_N` turn lists and `session_N_date_time` strings. Session keys are checked
 * here so a malformed turn fails at parse time, naming where it is; `sessionsOf` reads them in order.
 */
export const locomoConversationSchema = z
  .object({ speaker_a: z.string(), speaker_b: z.string() })
  .catchall(z.unknown())
  .superRefine((conversation, context) => {
    for (const [key, value] of Object.entries(conversation)) {
      if (sessionKeyPattern.test(key)) {
        const result = sessionTurnsSchema.safeParse(value);
        if (!result.success) {
          for (const issue of result.error.issues) context.addIssue({ code: 'custom', message: issue.message, path: [key, ...issue.path] });
        }
      } else if (sessionDateTimeKeyPattern.test(key) && typeof value !== 'string') {
        context.addIssue({ code: 'custom', message: 'must be a date-time string such as "1:56 pm on 8 May, 2023"', path: [key] });
      }
    }
  });
export type LocomoConversation = z.infer<typeof locomoConversationSchema>;

/** One question; adversarial ones (category 5) carry `adversarial_answer` and usually no `answer`. */
export const locomoQuestionSchema = z.object({
  question: z.string().trim().min(1),
  answer: answerSchema.optional(),
  adversarial_answer: answerSchema.optional(),
  evidence: z.array(z.string()).default([]),
  category: z.coerce.number().int(),
});
export type LocomoQuestion = z.infer<typeof locomoQuestionSchema>;

/** One sample: a conversation and its questions. Summaries and observations in the published file are dropped. */
export const locomoSampleSchema = z.object({
  sample_id: z.union([z.string(), z.number()]).transform(String),
  conversation: locomoConversationSchema,
  qa: z.array(locomoQuestionSchema).default([]),
});
export type LocomoSample = z.infer<typeof locomoSampleSchema>;

/** A whole dataset. A lone sample object is accepted too, as a list of one. */
export const locomoDatasetSchema = z.preprocess((value) => (Array.isArray(value) ? value : [value]), z.array(locomoSampleSchema));
export type LocomoDataset = z.infer<typeof locomoDatasetSchema>;

/** Validates parsed JSON as a LoCoMo dataset; throws a `ZodError` naming the offending path. */
export function parseLocomo(json: unknown): LocomoDataset {
  return locomoDatasetSchema.parse(json);
}

/** One dated session with its turns, as `sessionsOf` returns it. */
export interface LocomoSession {
  /** The N of `session_N`. */
  index: number;
  dateTime: Date;
  turns: LocomoTurn[];
}

/**
 * The sample's sessions that have turns, by session number (which need not be contiguous). A date-time
 * entry without a turn list, or an empty list, is not a session to ingest and is left out.
 */
export function sessionsOf(sample: LocomoSample): LocomoSession[] {
  const sessions: LocomoSession[] = [];
  for (const [key, value] of Object.entries(sample.conversation)) {
    const match = sessionKeyPattern.exec(key);
    if (match === null) continue;
    const turns = sessionTurnsSchema.parse(value);
    if (turns.length === 0) continue;
    const index = Number(match[1]);
    const dateTimeText = sample.conversation[`session_${index}_date_time`];
    if (typeof dateTimeText !== 'string') throw new Error(`Sample ${sample.sample_id}: session_${index} has turns but no session_${index}_date_time.`);
    sessions.push({ index, dateTime: parseLocomoDate(dateTimeText), turns });
  }
  return sessions.sort((left, right) => left.index - right.index);
}

const monthIndexes: ReadonlyMap<string, number> = new Map(
  ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map((prefix, index) => [prefix, index]),
);

const locomoDatePattern = /^\s*(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+([a-z]+)\.?,?\s+(\d{4})\s*$/i;

/**
 * Reads a LoCoMo session time such as `"1:56 pm on 8 May, 2023"` as UTC: the dataset names no time zone,
 * and UTC keeps the calendar date the one written, whatever zone the evaluation runs in. Full and
 * three-letter month names are accepted; anything else, or a date that does not exist, throws.
 */
export function parseLocomoDate(text: string): Date {
  const match = locomoDatePattern.exec(text);
  const month = match ? monthIndexes.get((match[5] ?? '').slice(0, 3).toLowerCase()) : undefined;
  if (!match || month === undefined) throw new Error(`Not a LoCoMo date-time: "${text}" (expected e.g. "1:56 pm on 8 May, 2023").`);
  const [hourText, minuteText, meridiem, dayText, , yearText] = match.slice(1);
  const hourOnDial = Number(hourText);
  const minute = Number(minuteText);
  const day = Number(dayText);
  const year = Number(yearText);
  if (hourOnDial < 1 || hourOnDial > 12 || minute > 59) throw new Error(`Not a time of day: "${text}".`);
  // 12 am is midnight and 12 pm is noon: the dial's 12 counts as 0 before adding the afternoon.
  const hour = (hourOnDial % 12) + (meridiem?.toLowerCase() === 'pm' ? 12 : 0);
  const date = new Date(Date.UTC(year, month, day, hour, minute));
  // Date.UTC rolls 31 April over into May; a date that moved did not exist.
  if (date.getUTCMonth() !== month || date.getUTCDate() !== day) throw new Error(`Not a calendar date: "${text}".`);
  return date;
}

/**
 * The canonical form of a dialogue id, `D<session>:<turn>` without leading zeros, so `D3:05` in the
 * evidence matches the turn `D3:5`. Anything not of that shape is returned trimmed, unchanged.
 */
export function normalizeDialogId(id: string): string {
  const match = /^D(\d+):(\d+)$/i.exec(id.trim());
  return match ? `D${Number(match[1])}:${Number(match[2])}` : id.trim();
}

/**
 * The question's evidence as distinct dialogue ids, in order. The published file sometimes packs several
 * ids into one string (`"D8:6; D9:17"`), so each entry is split on semicolons, commas and whitespace.
 */
export function evidenceIds(question: Pick<LocomoQuestion, 'evidence'>): string[] {
  const ids = question.evidence.flatMap((entry) => entry.split(/[;,\s]+/)).filter((id) => id.length > 0);
  return [...new Set(ids.map(normalizeDialogId))];
}

/**
 * The text a turn is indexed with: what was said, plus the caption of a shared photo, which is often
 * where the answer is ("what did she paint?"). Empty when the turn has neither.
 */
export function turnText(turn: LocomoTurn): string {
  const caption = turn.blip_caption?.trim();
  const photo = caption ? `[shares a photo: ${caption}]` : '';
  return [turn.text.trim(), photo].filter((part) => part.length > 0).join(' ');
}
