/**
 * The memory evaluation: replays LoCoMo conversations into fresh Kindred users through the public API
 * and measures how often a question's evidence is among the top k turns of what the companion's prompt
 * would recall for it (`POST /api/v1/recall`, the retrieval a turn runs: memories, file excerpts and past
 * turns within the prompt's token budget). It speaks only through
 * an injected `fetch` and Web APIs, so the same code runs from the Node CLI against a local server and
 * inside workerd against the Worker in-process.
 */
import {
  authAnswerSchema,
  importConversationAnswerSchema,
  maxImportMessages,
  maxMessageLength,
  maxRecallItems,
  recallAnswerSchema,
} from '../common/protocol.ts';
import { adversarialCategory, evidenceIds, type LocomoDataset, type LocomoSample, normalizeDialogId, sessionsOf, turnText } from './locomo.ts';

/** The most items a prompt recalls, so the largest k that still measures what a prompt gets. */
export const maxK = maxRecallItems;

/** `fetch` with a path relative to the Kindred origin, such as `/api/v1/recall`. */
export type EvaluationFetch = (path: string, init?: RequestInit) => Promise<Response>;

/** What `runMemoryEvaluation` needs. */
export interface MemoryEvaluationOptions {
  dataset: LocomoDataset;
  /** How many of the recalled turns are scored per question, 1 to `maxK`. */
  k: number;
  fetch: EvaluationFetch;
  /** Called with the questions answered so far and the number to answer, from 0 up to the total. */
  onProgress?: (done: number, total: number) => void;
  /**
   * How many samples run at once (1 by default). Each sample is one user, hence one Durable Object, and
   * its own requests always go one after another, so a recall is never timed while queued behind its
   * own user's ingestion; more only adds load from other users.
   */
  concurrency?: number;
}

/** One retrieved question, as it appears in the report's `questions`. */
export interface QuestionResult {
  sampleId: string;
  question: string;
  category: number;
  /** Distinct evidence dialogue ids, normalized. */
  evidence: string[];
  /** The dialogue ids of the top k turns, best first. */
  retrieved: string[];
  /** The share of `evidence` found in `retrieved`; null when the question has no evidence. */
  recall: number | null;
  /** The server's retrieval time (`tookMs` of the recall answer). */
  tookMs: number;
  /** The client's time for the whole recall request. */
  roundTripMs: number;
}

/** Recall over one category's questions that have evidence. */
export interface CategorySummary {
  recallAtK: number | null;
  questions: number;
}

/** Nearest-rank percentiles in milliseconds; null when nothing was measured. */
export interface LatencyPercentiles {
  p50: number | null;
  p95: number | null;
}

/** The report's `summary`. */
export interface MemoryEvaluationSummary {
  k: number;
  /** Mean recall over `questionCount` questions; null when there are none. */
  recallAtK: number | null;
  /** Questions with evidence outside category 5: the ones recall averages over. */
  questionCount: number;
  /** Questions outside category 5 that were retrieved but have no evidence to score against. */
  questionsWithoutEvidence: number;
  /** Adversarial questions, neither retrieved nor scored: their answer is not in the conversation. */
  skippedCategory5: number;
  /** Keyed by category number. */
  byCategory: Record<string, CategorySummary>;
  /** Server-side retrieval time over every retrieved question. */
  latencyMs: LatencyPercentiles;
  /** Client round trip over every retrieved question. */
  roundTripMs: LatencyPercentiles;
  sampleCount: number;
  /** Turns imported, over all samples. */
  turnCount: number;
}

/** What `runMemoryEvaluation` returns and the CLI writes to `--out`. */
export interface MemoryEvaluationReport {
  questions: QuestionResult[];
  summary: MemoryEvaluationSummary;
}

/**
 * Runs the evaluation: per sample, a new user, every session imported in order (stamped with the
 * session's date, a second apart per turn to keep their order), then one recall per question.
 */
export async function runMemoryEvaluation(options: MemoryEvaluationOptions): Promise<MemoryEvaluationReport> {
  const { dataset, k } = options;
  if (!Number.isInteger(k) || k < 1 || k > maxK) throw new RangeError(`k must be an integer from 1 to ${maxK}, got ${k}.`);
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}.`);

  const total = dataset.reduce((count, sample) => count + sample.qa.filter((question) => question.category !== adversarialCategory).length, 0);
  let done = 0;
  options.onProgress?.(0, total);
  const onQuestionDone = () => {
    done++;
    options.onProgress?.(done, total);
  };

  // Random per run, so a second run against the same server never meets the first run's accounts.
  const runId = crypto.randomUUID();
  const outcomes: SampleOutcome[] = new Array(dataset.length);
  let nextSample = 0;
  let failed = false;
  const takeSamples = async () => {
    // Once one sample fails the run is lost: the others stop taking new samples instead of working on for nothing.
    while (nextSample < dataset.length && !failed) {
      const index = nextSample++;
      try {
        outcomes[index] = await evaluateSample(dataset[index] as LocomoSample, `locomo-${runId}-${index}@example.com`, k, options.fetch, onQuestionDone);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, dataset.length) }, takeSamples));

  const questions = outcomes.flatMap((outcome) => outcome.questions);
  const skippedCategory5 = dataset.reduce((count, sample) => count + sample.qa.filter((question) => question.category === adversarialCategory).length, 0);
  const turnCount = outcomes.reduce((count, outcome) => count + outcome.turnCount, 0);
  return { questions, summary: summarize(questions, { k, skippedCategory5, sampleCount: dataset.length, turnCount }) };
}

interface SampleOutcome {
  questions: QuestionResult[];
  turnCount: number;
}

async function evaluateSample(sample: LocomoSample, email: string, k: number, fetch: EvaluationFetch, onQuestionDone: () => void): Promise<SampleOutcome> {
  const token = await signUp(fetch, email, sample.conversation.speaker_a);
  const turnCount = await importSessions(fetch, token, sample);
  const questions: QuestionResult[] = [];
  for (const question of sample.qa) {
    if (question.category === adversarialCategory) continue;
    const evidence = evidenceIds(question);
    const recalled = await recallTurns(fetch, token, question.question, k);
    questions.push({
      sampleId: sample.sample_id,
      question: question.question,
      category: question.category,
      evidence,
      retrieved: recalled.retrieved,
      recall: recallOf(evidence, recalled.retrieved),
      tookMs: recalled.tookMs,
      roundTripMs: recalled.roundTripMs,
    });
    onQuestionDone();
  }
  return { questions, turnCount };
}

async function signUp(fetch: EvaluationFetch, email: string, displayName: string): Promise<string> {
  const password = Array.from(crypto.getRandomValues(new Uint8Array(24)), (byte) => byte.toString(16).padStart(2, '0')).join('');
  const body = { email, password, displayName: displayName.slice(0, 80) || undefined, timezone: 'UTC' };
  const answer = await requestJson(fetch, '/api/v1/auth/signup', { method: 'POST', headers: jsonHeaders(), body: JSON.stringify(body) }, 201);
  return authAnswerSchema.parse(answer).token;
}

/** Imports every session as its own conversation, in order; returns how many turns went in. */
async function importSessions(fetch: EvaluationFetch, token: string, sample: LocomoSample): Promise<number> {
  const { speaker_b: assistantSpeaker } = sample.conversation;
  let turnCount = 0;
  for (const session of sessionsOf(sample)) {
    const messages = session.turns
      .map((turn, turnIndex) => ({
        role: turn.speaker === assistantSpeaker ? ('assistant' as const) : ('user' as const),
        speaker: turn.speaker.slice(0, 80),
        text: turnText(turn).slice(0, maxMessageLength),
        createdAt: new Date(session.dateTime.getTime() + turnIndex * 1_000).toISOString(),
        externalId: turn.dia_id,
      }))
      // A turn with neither text nor photo caption has nothing to index, and the API refuses empty text.
      .filter((message) => message.text.length > 0);
    for (let start = 0; start < messages.length; start += maxImportMessages) {
      const part = start === 0 ? '' : ` (part ${start / maxImportMessages + 1})`;
      const body = { title: `LoCoMo ${sample.sample_id}, session ${session.index}${part}`, messages: messages.slice(start, start + maxImportMessages) };
      const init = { method: 'POST', headers: jsonHeaders(token), body: JSON.stringify(body) };
      importConversationAnswerSchema.parse(await requestJson(fetch, '/api/v1/conversations/import', init, 201));
    }
    turnCount += messages.length;
  }
  return turnCount;
}

/**
 * The top k turns of what a prompt would recall for the question, asked as a new conversation asks (no
 * conversation, so no recent window is left out). Memories and excerpts in the recall take their share
 * of the budget but are not scored: the evidence is turns.
 */
async function recallTurns(
  fetch: EvaluationFetch,
  token: string,
  question: string,
  k: number,
): Promise<{ retrieved: string[]; tookMs: number; roundTripMs: number }> {
  const body = JSON.stringify({ query: question.trim().slice(0, maxMessageLength) });
  const startedAt = performance.now();
  const answer = recallAnswerSchema.parse(await requestJson(fetch, '/api/v1/recall', { method: 'POST', headers: jsonHeaders(token), body }, 200));
  const roundTripMs = performance.now() - startedAt;
  const retrieved = answer.items
    .filter((item) => item.kind === 'turn')
    .flatMap((item) => (item.externalId ? [normalizeDialogId(item.externalId)] : []))
    .slice(0, k);
  return { retrieved, tookMs: answer.tookMs, roundTripMs };
}

function jsonHeaders(token?: string): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return headers;
}

/** Sends one request and returns its JSON body; any other status fails the run, saying which call and why. */
async function requestJson(fetch: EvaluationFetch, path: string, init: RequestInit, expectedStatus: number): Promise<unknown> {
  const response = await fetch(path, init);
  if (response.status !== expectedStatus) {
    const detail = (await response.text()).slice(0, 500);
    // The query string can hold a question from the dataset: the route is enough to say what failed.
    throw new Error(`${init.method ?? 'GET'} ${path.split('?')[0]} answered ${response.status} (expected ${expectedStatus}): ${detail}`);
  }
  return response.json();
}

/** The share of distinct evidence ids present in `retrieved`; null when there is no evidence to find. */
export function recallOf(evidence: readonly string[], retrieved: readonly string[]): number | null {
  const wanted = new Set(evidence.map(normalizeDialogId));
  if (wanted.size === 0) return null;
  const found = new Set(retrieved.map(normalizeDialogId));
  let hits = 0;
  for (const id of wanted) if (found.has(id)) hits++;
  return hits / wanted.size;
}

/** Counts that `summarize` cannot see in the questions themselves. */
export interface SummaryContext {
  k: number;
  skippedCategory5: number;
  sampleCount: number;
  turnCount: number;
}

/**
 * The report's summary over retrieved questions: recall is recomputed from `evidence` and `retrieved`,
 * averaged over the questions with evidence (overall and per category); category 5, should any be
 * given, is left out of recall. Latency covers every question given.
 */
export function summarize(
  questions: readonly Pick<QuestionResult, 'category' | 'evidence' | 'retrieved' | 'tookMs' | 'roundTripMs'>[],
  context: SummaryContext,
): MemoryEvaluationSummary {
  const recallsByCategory = new Map<number, number[]>();
  let questionsWithoutEvidence = 0;
  for (const question of questions) {
    if (question.category === adversarialCategory) continue;
    const recall = recallOf(question.evidence, question.retrieved);
    if (recall === null) {
      questionsWithoutEvidence++;
      continue;
    }
    const recalls = recallsByCategory.get(question.category) ?? [];
    recalls.push(recall);
    recallsByCategory.set(question.category, recalls);
  }
  const byCategory: Record<string, CategorySummary> = {};
  for (const category of [...recallsByCategory.keys()].sort((left, right) => left - right)) {
    const recalls = recallsByCategory.get(category) ?? [];
    byCategory[String(category)] = { recallAtK: mean(recalls), questions: recalls.length };
  }
  const allRecalls = [...recallsByCategory.values()].flat();
  return {
    k: context.k,
    recallAtK: mean(allRecalls),
    questionCount: allRecalls.length,
    questionsWithoutEvidence,
    skippedCategory5: context.skippedCategory5,
    byCategory,
    latencyMs: percentiles(questions.map((question) => question.tookMs)),
    roundTripMs: percentiles(questions.map((question) => question.roundTripMs)),
    sampleCount: context.sampleCount,
    turnCount: context.turnCount,
  };
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** p50 and p95 by nearest rank, rounded to hundredths of a millisecond. */
export function percentiles(values: readonly number[]): LatencyPercentiles {
  return { p50: percentile(values, 50), p95: percentile(values, 95) };
}

/** The nearest-rank percentile: the smallest value with at least `rank`% of the values at or below it. */
export function percentile(values: readonly number[], rank: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((left, right) => left - right);
  const position = Math.max(1, Math.ceil((rank / 100) * sorted.length));
  return Math.round((sorted[position - 1] as number) * 100) / 100;
}
