/**
 * The pure ranking steps of hybrid retrieval: fuse ranked lists, weigh by recency and importance,
 * diversify, and fit what is left into the prompt's token budget. No storage, no I/O: unit-tested alone.
 */

/** Something with a stable id, ranked best first within its list. */
export interface Identified {
  id: string;
}

/** Settings of `reciprocalRankFusion`. */
export interface ReciprocalRankFusionOptions {
  /**
   * Dampens the head of each list: with 60 (the value of Cormack, Clarke and Büttcher's paper, and the
   * common default) rank 1 is worth 1/61 and rank 10 still 1/70, so one list cannot drown the other.
   */
  k?: number;
  /** One weight per list, 1 when absent. */
  weights?: readonly number[];
}

/**
 * Reciprocal rank fusion: each item scores Σ weight / (k + rank) over the lists it appears in (rank from
 * 1). It needs only ranks, so BM25 scores and cosine similarities, which live on unrelated scales, fuse
 * without calibration. An item keeps the fields of its first appearance (lists earlier in `lists` first)
 * with `score` replaced by the fused score; ties go to the better best rank, then to the id.
 */
export function reciprocalRankFusion<Item extends Identified>(
  lists: readonly (readonly Item[])[],
  options: ReciprocalRankFusionOptions = {},
): (Item & { score: number })[] {
  const k = options.k ?? 60;
  const fused = new Map<string, { item: Item; score: number; bestRank: number }>();
  lists.forEach((list, listIndex) => {
    const weight = options.weights?.[listIndex] ?? 1;
    const seen = new Set<string>();
    let rank = 0;
    for (const item of list) {
      // A list that repeats an id only counts its best rank.
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      rank++;
      const contribution = weight / (k + rank);
      const entry = fused.get(item.id);
      if (entry === undefined) {
        fused.set(item.id, { item, score: contribution, bestRank: rank });
      } else {
        entry.score += contribution;
        entry.bestRank = Math.min(entry.bestRank, rank);
      }
    }
  });
  return [...fused.values()]
    .sort((left, right) => right.score - left.score || left.bestRank - right.bestRank || compareText(left.item.id, right.item.id))
    .map(({ item, score }) => ({ ...item, score }));
}

/** What recency and importance weighting reads. */
export interface Weighable {
  score: number;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** 0 (trivia) to 1 (life-defining); values outside are clamped. */
  importance: number;
}

/** Settings of `weighByRecencyAndImportance`. */
export interface RecencyAndImportanceOptions {
  /** Milliseconds since the epoch. */
  now: number;
  /** After this many days the recency part of the weight has halved. */
  halfLifeDays: number;
  /** How much importance can add: the score is multiplied by 1 + importanceWeight × importance. */
  importanceWeight: number;
  /**
   * The share of the score that recency governs, 0 to 1 (0.5 by default). The rest never decays, so a
   * relevant fact from years ago ("my sister is called Ana") still outranks an irrelevant one from today.
   */
  recencyWeight?: number;
}

const millisecondsPerDay = 86_400_000;

/**
 * Multiplies each score by a recency factor, (1 − recencyWeight) + recencyWeight × 2^(−age / halfLife),
 * and an importance factor, 1 + importanceWeight × importance, then sorts best first. Multiplying (rather
 * than adding, as some memory systems do) keeps an irrelevant item irrelevant however recent or important.
 */
export function weighByRecencyAndImportance<Item extends Weighable>(candidates: readonly Item[], options: RecencyAndImportanceOptions): Item[] {
  const recencyWeight = clamp(options.recencyWeight ?? 0.5, 0, 1);
  const halfLifeDays = Math.max(options.halfLifeDays, Number.EPSILON);
  return candidates
    .map((candidate) => {
      // Clocks disagree a little; something "from the future" counts as brand new.
      const ageDays = Math.max(0, options.now - candidate.createdAt) / millisecondsPerDay;
      const recency = 1 - recencyWeight + recencyWeight * 2 ** (-ageDays / halfLifeDays);
      const importance = 1 + options.importanceWeight * clamp(candidate.importance, 0, 1);
      return { ...candidate, score: candidate.score * recency * importance };
    })
    .sort((left, right) => right.score - left.score);
}

/** Settings of `maximalMarginalRelevance`. */
export interface MaximalMarginalRelevanceOptions<Item> {
  /** 1 ranks by relevance alone, 0 by novelty alone; around 0.7 removes near-duplicates but keeps order. */
  lambda: number;
  limit: number;
  /** Similarity in [0, 1] of two candidates: cosine of their vectors, or Jaccard of their blind terms. */
  similarity: (left: Item, right: Item) => number;
}

/**
 * Maximal marginal relevance (Carbonell and Goldstein): picks, one at a time, the candidate with the best
 * λ × relevance − (1 − λ) × (its highest similarity to anything already picked). Relevance is the score
 * divided by the best score, so it lives on the same [0, 1] scale as similarity whatever produced it.
 * Returns the picks in the order they were chosen.
 */
export function maximalMarginalRelevance<Item extends { score: number }>(candidates: readonly Item[], options: MaximalMarginalRelevanceOptions<Item>): Item[] {
  const limit = Math.min(Math.max(0, Math.floor(options.limit)), candidates.length);
  const bestScore = candidates.reduce((best, candidate) => Math.max(best, candidate.score), 0);
  const relevance = candidates.map((candidate) => (bestScore > 0 ? candidate.score / bestScore : 0));
  // The highest similarity of each remaining candidate to the picks so far, updated once per pick.
  const closestToPicked = candidates.map(() => 0);
  const remaining = new Set(candidates.keys());
  const picked: Item[] = [];
  while (picked.length < limit) {
    let bestIndex = -1;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (const index of remaining) {
      const value = options.lambda * (relevance[index] ?? 0) - (1 - options.lambda) * (closestToPicked[index] ?? 0);
      if (value > bestValue) {
        bestValue = value;
        bestIndex = index;
      }
    }
    const choice = candidates[bestIndex];
    if (choice === undefined) break;
    remaining.delete(bestIndex);
    picked.push(choice);
    for (const index of remaining) {
      const candidate = candidates[index];
      if (candidate === undefined) continue;
      closestToPicked[index] = Math.max(closestToPicked[index] ?? 0, options.similarity(candidate, choice));
    }
  }
  return picked;
}

/** |A ∩ B| / |A ∪ B|: how alike two term sets are, 0 when both are empty. */
export function jaccardSimilarity(left: ReadonlySet<string>, right: ReadonlySet<string>): number {
  if (left.size === 0 && right.size === 0) return 0;
  const [smaller, larger] = left.size <= right.size ? [left, right] : [right, left];
  let shared = 0;
  for (const term of smaller) if (larger.has(term)) shared++;
  return shared / (left.size + right.size - shared);
}

/** The cosine of the angle between two vectors of equal length, 0 when either is all zeros. */
export function cosineSimilarity(left: ArrayLike<number>, right: ArrayLike<number>): number {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    const leftValue = left[index] ?? 0;
    const rightValue = right[index] ?? 0;
    dot += leftValue * rightValue;
    leftNorm += leftValue * leftValue;
    rightNorm += rightValue * rightValue;
  }
  return leftNorm === 0 || rightNorm === 0 ? 0 : dot / Math.sqrt(leftNorm * rightNorm);
}

/**
 * Keeps items in their order while they fit in `budgetTokens`; an item too large for what is left is
 * skipped, and a smaller one after it may still fit. Items estimated at 0 or less always fit.
 */
export function fitTokenBudget<Item>(items: readonly Item[], budgetTokens: number, estimate: (item: Item) => number): Item[] {
  let remaining = budgetTokens;
  const kept: Item[] = [];
  for (const item of items) {
    const cost = Math.max(0, estimate(item));
    if (cost > remaining) continue;
    remaining -= cost;
    kept.push(item);
  }
  return kept;
}

/**
 * About how many model tokens a text costs. BPE tokenizers (OpenAI's, Llama's) average roughly four
 * characters of English per token, so ASCII counts a quarter each; other characters (accents, Cyrillic,
 * CJK, emoji) often take a token or more each, so they count one. Shipping a real tokenizer would cost
 * megabytes and CPU on every turn for a budget that is a soft limit anyway; this errs on the high side.
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (const character of text) {
    if ((character.codePointAt(0) ?? 0) < 0x80) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 4 + other);
}

function clamp(value: number, lowest: number, highest: number): number {
  return Math.min(highest, Math.max(lowest, value));
}

function compareText(left: string, right: string): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}
