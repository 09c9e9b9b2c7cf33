import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import dataset from '../test-support/fixtures/locomo-mini.json';
import { evidenceIds, normalizeDialogId, parseLocomo, parseLocomoDate, sessionsOf, turnText } from './locomo.ts';
import { type EvaluationFetch, maxK, percentile, type QuestionResult, recallOf, runMemoryEvaluation, summarize } from './run-evaluation.ts';

/** A sample shaped like the published file's quirks: numeric ids and answers, gaps between sessions, extra fields. */
const quirkySample = {
  sample_id: 26,
  conversation: {
    speaker_a: 'Ana',
    speaker_b: 'Ben',
    session_10_date_time: '9:00 am on 3 June, 2023',
    session_10: [{ speaker: 'Ana', dia_id: 'D10:1', text: 'Back from Lisbon!' }],
    session_2_date_time: '12:15 pm on 14 May, 2023',
    session_2: [
      {
        speaker: 'Ben',
        dia_id: 'D2:1',
        text: 'Look what I painted.',
        img_url: ['https://example.com/a.jpg'],
        blip_caption: 'a painting of a lighthouse',
        query: 'lighthouse',
      },
      { speaker: 'Ana', dia_id: 'D2:2', text: 'Lovely colours.' },
    ],
    session_3_date_time: '7:40 pm on 20 May, 2023',
    session_3: [],
    session_4_date_time: '8:00 pm on 27 May, 2023',
  },
  qa: [
    { question: 'What year did Ben start painting?', answer: 2022, evidence: ['D2:1'], category: 2 },
    { question: 'What did Ana paint?', adversarial_answer: 'a lighthouse', evidence: ['D2:1'], category: 5 },
  ],
  event_summary: { events_session_2: { Ben: ['Ben paints a lighthouse.'] } },
};

/** A hand-made question: only what `summarize` reads. */
function question(
  category: number,
  evidence: string[],
  retrieved: string[],
  tookMs = 1,
): Pick<QuestionResult, 'category' | 'evidence' | 'retrieved' | 'tookMs' | 'roundTripMs'> {
  return { category, evidence, retrieved, tookMs, roundTripMs: tookMs + 1 };
}

describe('parseLocomoDate', () => {
  it('reads the LoCoMo session time as UTC, with 12 am as midnight and 12 pm as noon', () => {
    expect(parseLocomoDate('1:56 pm on 8 May, 2023').toISOString()).toBe('2023-05-08T13:56:00.000Z');
    expect(parseLocomoDate('10:04 am on 19 June, 2023').toISOString()).toBe('2023-06-19T10:04:00.000Z');
    expect(parseLocomoDate('12:05 am on 1 January, 2024').toISOString()).toBe('2024-01-01T00:05:00.000Z');
    expect(parseLocomoDate('12:30 pm on 29 February, 2024').toISOString()).toBe('2024-02-29T12:30:00.000Z');
    expect(parseLocomoDate(' 7:15 PM on 3 Sept, 2023 ').toISOString()).toBe('2023-09-03T19:15:00.000Z');
  });

  it('refuses other formats and dates that do not exist', () => {
    expect(() => parseLocomoDate('2023-05-08T13:56:00Z')).toThrow(/Not a LoCoMo date-time/);
    expect(() => parseLocomoDate('1:56 pm on 8 Smarch, 2023')).toThrow(/Not a LoCoMo date-time/);
    expect(() => parseLocomoDate('1:56 pm on 31 April, 2023')).toThrow(/Not a calendar date/);
    expect(() => parseLocomoDate('1:56 pm on 29 February, 2023')).toThrow(/Not a calendar date/);
    expect(() => parseLocomoDate('13:56 pm on 8 May, 2023')).toThrow(/Not a time of day/);
  });
});

describe('evidenceIds', () => {
  it('splits packed entries, drops duplicates and leading zeros, keeps the order', () => {
    expect(evidenceIds({ evidence: ['D8:6; D9:17', 'D1:3', 'D1:3', 'D3:05', 'D2:1,D2:2', ' D4:4  D4:5 ', ''] })).toEqual([
      'D8:6',
      'D9:17',
      'D1:3',
      'D3:5',
      'D2:1',
      'D2:2',
      'D4:4',
      'D4:5',
    ]);
    expect(evidenceIds({ evidence: [] })).toEqual([]);
    expect(normalizeDialogId(' d12:007 ')).toBe('D12:7');
    expect(normalizeDialogId('not-an-id')).toBe('not-an-id');
  });
});

describe('parseLocomo', () => {
  it('accepts numeric ids and answers, adversarial questions without an answer, and drops unknown fields', () => {
    const [sample] = parseLocomo([quirkySample]);
    if (sample === undefined) throw new Error('no sample');
    expect(sample.sample_id).toBe('26');
    expect(sample.qa).toEqual([
      { question: 'What year did Ben start painting?', answer: '2022', evidence: ['D2:1'], category: 2 },
      { question: 'What did Ana paint?', adversarial_answer: 'a lighthouse', evidence: ['D2:1'], category: 5 },
    ]);
    expect(sample).not.toHaveProperty('event_summary');
  });

  it('takes a lone sample as a dataset of one', () => {
    expect(parseLocomo(quirkySample)).toHaveLength(1);
  });

  it('orders sessions by number and leaves out date-times without turns', () => {
    const [sample] = parseLocomo([quirkySample]);
    if (sample === undefined) throw new Error('no sample');
    const sessions = sessionsOf(sample);
    expect(sessions.map((session) => [session.index, session.dateTime.toISOString(), session.turns.length])).toEqual([
      [2, '2023-05-14T12:15:00.000Z', 2],
      [10, '2023-06-03T09:00:00.000Z', 1],
    ]);
    const [photoTurn] = sessions[0]?.turns ?? [];
    expect(photoTurn).toEqual({ speaker: 'Ben', dia_id: 'D2:1', text: 'Look what I painted.', blip_caption: 'a painting of a lighthouse' });
    if (photoTurn === undefined) throw new Error('no turn');
    expect(turnText(photoTurn)).toBe('Look what I painted. [shares a photo: a painting of a lighthouse]');
    expect(turnText({ speaker: 'Ben', dia_id: 'D2:9', text: '  ', blip_caption: 'a cat' })).toBe('[shares a photo: a cat]');
  });

  it('names where a malformed turn or a missing session date is', () => {
    const badTurn = { ...quirkySample, conversation: { ...quirkySample.conversation, session_3: [{ speaker: 'Ana', text: 'no id' }] } };
    expect(() => parseLocomo([badTurn])).toThrow(/session_3/);
    const { session_2_date_time: _dropped, ...withoutDate } = quirkySample.conversation;
    const [undated] = parseLocomo([{ ...quirkySample, conversation: withoutDate }]);
    if (undated === undefined) throw new Error('no sample');
    expect(() => sessionsOf(undated)).toThrow(/session_2 has turns but no session_2_date_time/);
  });

  it('reads the mini dataset: two samples, their sessions in order, evidence that points at real turns', () => {
    const samples = parseLocomo(dataset);
    expect(samples.map((sample) => sample.sample_id)).toEqual(['mini-1', 'mini-2']);
    for (const sample of samples) {
      const sessions = sessionsOf(sample);
      expect(sessions.length).toBeGreaterThanOrEqual(3);
      const times = sessions.map((session) => session.dateTime.getTime());
      expect(times).toEqual([...times].sort((left, right) => left - right));
      const dialogIds = new Set(sessions.flatMap((session) => session.turns.map((turn) => turn.dia_id)));
      for (const item of sample.qa) for (const id of evidenceIds(item)) expect(dialogIds, `${sample.sample_id}: ${item.question}`).toContain(id);
      const adversarial = sample.qa.filter((item) => item.category === 5);
      expect(adversarial.length).toBeGreaterThan(0);
      for (const item of adversarial) expect(item.answer).toBeUndefined();
    }
  });
});

describe('recall', () => {
  it('is the share of distinct evidence found, null without evidence', () => {
    expect(recallOf(['D1:1', 'D1:2'], ['D1:2', 'D9:9', 'D1:2'])).toBe(0.5);
    expect(recallOf(['D1:1', 'D1:1'], ['D1:1'])).toBe(1);
    expect(recallOf(['D3:05'], ['D3:5'])).toBe(1);
    expect(recallOf(['D1:1', 'D1:2', 'D1:3', 'D1:4'], ['D1:4'])).toBe(0.25);
    expect(recallOf([], ['D1:1'])).toBeNull();
  });

  it('averages over questions with evidence, per category and overall, leaving category 5 out', () => {
    const summary = summarize(
      [
        question(1, ['D1:1', 'D1:2'], ['D1:1'], 4),
        question(1, ['D2:1'], ['D2:1'], 8),
        question(2, ['D3:1', 'D3:2', 'D3:3', 'D3:4'], ['D3:4', 'D3:1', 'D3:2'], 2),
        question(2, ['D4:1'], [], 6),
        question(4, [], ['D5:1'], 10),
        question(5, ['D6:1'], [], 20),
      ],
      { k: 3, skippedCategory5: 7, sampleCount: 2, turnCount: 40 },
    );
    expect(summary).toEqual({
      k: 3,
      recallAtK: (0.5 + 1 + 0.75 + 0) / 4,
      questionCount: 4,
      questionsWithoutEvidence: 1,
      skippedCategory5: 7,
      byCategory: { '1': { recallAtK: 0.75, questions: 2 }, '2': { recallAtK: 0.375, questions: 2 } },
      latencyMs: { p50: 6, p95: 20 },
      roundTripMs: { p50: 7, p95: 21 },
      sampleCount: 2,
      turnCount: 40,
    });
  });

  it('has nothing to average when no question has evidence', () => {
    const summary = summarize([], { k: 10, skippedCategory5: 0, sampleCount: 0, turnCount: 0 });
    expect(summary).toMatchObject({ recallAtK: null, questionCount: 0, byCategory: {}, latencyMs: { p50: null, p95: null } });
  });

  it('takes percentiles by nearest rank', () => {
    const values = Array.from({ length: 20 }, (_, index) => 20 - index);
    expect(percentile(values, 50)).toBe(10);
    expect(percentile(values, 95)).toBe(19);
    expect(percentile([12.3456], 95)).toBe(12.35);
    expect(percentile([], 50)).toBeNull();
  });
});

describe('runMemoryEvaluation against the Worker', () => {
  const worker = (exports as unknown as { default: Fetcher }).default;
  const fetchFromWorker: EvaluationFetch = (path, init) => worker.fetch(new Request(`https://kindred.test${path}`, init));

  it('refuses a k above what a prompt recalls', async () => {
    await expect(runMemoryEvaluation({ dataset: parseLocomo(dataset), k: maxK + 1, fetch: fetchFromWorker })).rejects.toThrow(RangeError);
  });

  it('imports the mini dataset, recalls for each question as a prompt would and reports recall and latency', async () => {
    const samples = parseLocomo(dataset);
    const progress: [number, number][] = [];
    const report = await runMemoryEvaluation({
      dataset: samples,
      k: 10,
      fetch: fetchFromWorker,
      onProgress: (done, total) => progress.push([done, total]),
      concurrency: 2,
    });

    const answerable = samples.flatMap((sample) => sample.qa.filter((item) => item.category !== 5).map((item) => ({ sampleId: sample.sample_id, ...item })));
    expect(progress.at(0)).toEqual([0, answerable.length]);
    expect(progress.at(-1)).toEqual([answerable.length, answerable.length]);
    expect(report.questions.map((item) => [item.sampleId, item.question])).toEqual(answerable.map((item) => [item.sampleId, item.question]));

    const dialogIds = new Set(samples.flatMap((sample) => sessionsOf(sample).flatMap((session) => session.turns.map((turn) => turn.dia_id))));
    for (const item of report.questions) {
      expect(item.retrieved.length).toBeGreaterThan(0);
      expect(item.retrieved.length).toBeLessThanOrEqual(10);
      for (const id of item.retrieved) expect(dialogIds).toContain(id);
      expect(item.tookMs).toBeGreaterThanOrEqual(0);
    }

    const { summary } = report;
    expect(summary).toMatchObject({ k: 10, questionCount: answerable.length, questionsWithoutEvidence: 0, skippedCategory5: 4, sampleCount: 2, turnCount: 96 });
    expect(Object.keys(summary.byCategory)).toEqual(['1', '2', '3', '4']);
    expect(summary.latencyMs.p50).toEqual(expect.any(Number));
    expect(summary.latencyMs.p95).toBeGreaterThanOrEqual(summary.latencyMs.p50 ?? 0);
    expect(summary.roundTripMs.p95).toEqual(expect.any(Number));
    // Lexical retrieval (the test runtime has no embeddings) scored 0.88 here when written: the margin lets
    // ranking be retuned, while a broken import or index path, which drops recall far lower, still fails.
    expect(summary.recallAtK).toBeGreaterThanOrEqual(0.75);
  });
});
