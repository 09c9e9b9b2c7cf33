import { describe, expect, it } from 'vitest';
import { maximumQueryTerms, maximumScoredDocuments, type RetrievalDocumentInput } from './retrieval-index.ts';
import { dumpAllTables, uniqueUserId, withRetrieval } from './retrieval-test-support.ts';

const now = Date.UTC(2026, 5, 1);
const day = 86_400_000;

function memory(id: string, text: string, overrides: Partial<RetrievalDocumentInput> = {}): RetrievalDocumentInput {
  return { id, kind: 'memory', sourceId: `source_${id}`, text, createdAt: now - day, ...overrides };
}

describe('retrieval index', () => {
  it('stores no plain word or stem anywhere, FTS5 shadow tables included: only 12-hex blind terms', async () => {
    const word = 'Hippopotamuses';

    const { dump, terms } = await withRetrieval(uniqueUserId('privacy'), async ({ index, sql }) => {
      await index.indexMany([
        memory('memory_1', `My wish: I dream of ${word} every night`),
        { id: 'turn_1', kind: 'turn', sourceId: 'message_1', text: `${word}!`, contextText: `Tell me about the ${word.toLowerCase()}`, createdAt: now },
      ]);
      const stored = sql.exec<{ own: string; context: string }>('SELECT own, context FROM retrieval_terms').toArray();
      return { dump: dumpAllTables(sql), terms: stored.flatMap((row) => `${row.own} ${row.context}`.split(' ').filter((term) => term.length > 0)) };
    });

    expect(dump).toContain('retrieval_terms_data');
    for (const fragment of ['hippopotamuses', 'hippopotamus', 'hippopotamu', 'wish', 'dream', 'night']) expect(dump).not.toContain(fragment);
    expect(terms.length).toBeGreaterThan(0);
    for (const term of terms) expect(term).toMatch(/^[0-9a-f]{12}$/);
  });

  it('finds "run" from "running" and from "runs" through stemming', async () => {
    const results = await withRetrieval(uniqueUserId('stemming'), async ({ index }) => {
      await index.indexMany([memory('memory_run', 'I go for a run by the river'), memory('memory_other', 'I like quiet evenings with tea')]);
      return [await index.searchLexical('running', { limit: 5, now }), await index.searchLexical('Runs?', { limit: 5, now })];
    });

    for (const matches of results) expect(matches.map((match) => match.id)).toEqual(['memory_run']);
  });

  it('ranks the better match first by BM25, with higher scores better', async () => {
    const matches = await withRetrieval(uniqueUserId('bm25'), async ({ index }) => {
      await index.indexMany([
        memory('memory_bread', 'We talked about bread at length, the weather, the news, the neighbours, football and the price of petrol'),
        memory('memory_sourdough', 'My sourdough starter is called Bubbles and I bake bread every Sunday'),
        memory('memory_unrelated', 'The dentist appointment moved to Thursday'),
      ]);
      return index.searchLexical('how is my sourdough bread starter doing', { limit: 5, now });
    });

    expect(matches.map((match) => match.id)).toEqual(['memory_sourdough', 'memory_bread']);
    expect(matches[0]?.score).toBeGreaterThan(matches[1]?.score ?? Number.POSITIVE_INFINITY);
    expect(matches[1]?.score).toBeGreaterThan(0);
    expect(matches[0]).toMatchObject({ kind: 'memory', sourceId: 'source_memory_sourdough', createdAt: now - day, importance: 0.5 });
    expect(matches[0]?.tokenCount).toBeGreaterThan(10);
  });

  it('removes a document, and every document of a source, at once', async () => {
    const outcome = await withRetrieval(uniqueUserId('removal'), async ({ index }) => {
      await index.indexMany([
        memory('memory_cat', 'Our cat Miso hates the vacuum cleaner'),
        { id: 'file_cats#0', kind: 'file-chunk', sourceId: 'file_cats', text: 'Miso eats at seven', createdAt: now },
        { id: 'file_cats#1', kind: 'file-chunk', sourceId: 'file_cats', text: 'Miso sleeps on the piano', createdAt: now },
      ]);
      const before = (await index.searchLexical('Miso', { limit: 10, now })).length;
      const removed = index.remove('memory_cat');
      const removedAgain = index.remove('memory_cat');
      const bySource = index.removeBySource('file_cats').sort();
      const after = await index.searchLexical('Miso', { limit: 10, now });
      const terms = index.documentTerms(['memory_cat', 'file_cats#0']);
      return { before, removed, removedAgain, bySource, after, count: index.count(), terms };
    });

    expect(outcome).toMatchObject({ before: 3, removed: true, removedAgain: false, bySource: ['file_cats#0', 'file_cats#1'], after: [], count: 0 });
    expect(outcome.terms.size).toBe(0);
  });

  it('leaves out expired documents unless asked, judging validity at `now`', async () => {
    const outcome = await withRetrieval(uniqueUserId('validity'), async ({ index }) => {
      await index.indexMany([
        memory('memory_old_job', 'I work at the bakery', { validTo: now - day }),
        memory('memory_new_job', 'I work at the library'),
        memory('memory_future', 'I work on the ferry this summer', { validTo: now + day }),
      ]);
      const ids = async (options: { includeExpired?: boolean; now?: number }) =>
        (await index.searchLexical('work', { limit: 10, now, ...options })).map((match) => match.id).sort();
      const current = await ids({});
      const everything = await ids({ includeExpired: true });
      const later = await ids({ now: now + 2 * day });
      const superseded = index.setValidity('memory_new_job', now - 1);
      const afterSupersede = await ids({});
      index.setValidity('memory_old_job', null);
      const afterRestore = await ids({});
      return { current, everything, later, superseded, afterSupersede, afterRestore, missing: index.setValidity('no_such_id', now) };
    });

    expect(outcome.current).toEqual(['memory_future', 'memory_new_job']);
    expect(outcome.everything).toEqual(['memory_future', 'memory_new_job', 'memory_old_job']);
    expect(outcome.later).toEqual(['memory_new_job']);
    expect(outcome.superseded).toBe(true);
    expect(outcome.afterSupersede).toEqual(['memory_future']);
    expect(outcome.afterRestore).toEqual(['memory_future', 'memory_old_job']);
    expect(outcome.missing).toBe(false);
  });

  it("finds the answering turn of a question through its neighbour's context, below turns that say the words", async () => {
    const { withContext, withoutContext } = await withRetrieval(uniqueUserId('context'), async ({ index }) => {
      const question = 'Where should we go for our anniversary trip?';
      const answer = 'Lisbon! The trams, the pastries and the view from the castle.';
      await index.indexMany([
        { id: 'turn_question', kind: 'turn', sourceId: 'message_q', text: question, contextText: answer, createdAt: now - 3 * day },
        { id: 'turn_answer', kind: 'turn', sourceId: 'message_a', text: answer, contextText: question, createdAt: now - 3 * day },
        { id: 'turn_other', kind: 'turn', sourceId: 'message_o', text: 'The plumber comes at noon', createdAt: now - 3 * day },
      ]);
      const found = (await index.searchLexical('anniversary trip plans', { limit: 5, now })).map((match) => match.id);
      await index.index({ id: 'turn_answer', kind: 'turn', sourceId: 'message_a', text: answer, createdAt: now - 3 * day });
      const foundWithout = (await index.searchLexical('anniversary trip plans', { limit: 5, now })).map((match) => match.id);
      return { withContext: found, withoutContext: foundWithout };
    });

    expect(withContext).toEqual(['turn_question', 'turn_answer']);
    expect(withoutContext).toEqual(['turn_question']);
  });

  it('filters by kind', async () => {
    const ids = await withRetrieval(uniqueUserId('kinds'), async ({ index }) => {
      await index.indexMany([
        memory('memory_garden', 'The garden needs watering'),
        { id: 'turn_garden', kind: 'turn', sourceId: 'message_g', text: 'I was in the garden all day', createdAt: now },
        { id: 'chunk_garden', kind: 'file-chunk', sourceId: 'file_garden', text: 'Garden plan: tomatoes', createdAt: now },
      ]);
      return {
        turns: (await index.searchLexical('garden', { limit: 5, now, kinds: ['turn'] })).map((match) => match.id),
        memoriesAndFiles: (await index.searchLexical('garden', { limit: 5, now, kinds: ['memory', 'file-chunk'] })).map((match) => match.id).sort(),
        none: await index.searchLexical('garden', { limit: 5, now, kinds: [] }),
      };
    });

    expect(ids).toEqual({ turns: ['turn_garden'], memoriesAndFiles: ['chunk_garden', 'memory_garden'], none: [] });
  });

  it('replaces a re-indexed document: new words match, old ones no longer, the count stays', async () => {
    const outcome = await withRetrieval(uniqueUserId('upsert'), async ({ index }) => {
      await index.index(memory('memory_pet', 'We have a hamster', { importance: 0.2 }));
      await index.index(memory('memory_pet', 'We have a parrot now', { importance: 0.9 }));
      return {
        hamster: await index.searchLexical('hamster', { limit: 5, now }),
        parrot: await index.searchLexical('parrot', { limit: 5, now }),
        count: index.count(),
      };
    });

    expect(outcome.hamster).toEqual([]);
    expect(outcome.parrot.map((match) => [match.id, match.importance])).toEqual([['memory_pet', 0.9]]);
    expect(outcome.count).toBe(1);
  });

  it('indexes hundreds of documents in one call, past the 100 bound parameters of a statement', async () => {
    const outcome = await withRetrieval(uniqueUserId('bulk'), async ({ index }) => {
      const documents = Array.from({ length: 250 }, (_, position) => memory(`memory_${position}`, `entry number${position} about walking`));
      documents.push(memory('memory_0', 'entry rewritten about swimming'));
      await index.indexMany(documents);
      return {
        count: index.count(),
        walking: (await index.searchLexical('walking', { limit: 100, now })).length,
        last: (await index.searchLexical('number249', { limit: 5, now })).map((match) => match.id),
        rewritten: (await index.searchLexical('swimming', { limit: 5, now })).map((match) => match.id),
        limited: (await index.searchLexical('entry', { limit: 7, now })).length,
      };
    });

    expect(outcome).toEqual({ count: 250, walking: 100, last: ['memory_249'], rewritten: ['memory_0'], limited: 7 });
  });

  it('finds nothing for a query of stop words, or for a limit below one', async () => {
    const outcome = await withRetrieval(uniqueUserId('empty-query'), async ({ index }) => {
      await index.index(memory('memory_1', 'What was it that you had?'));
      return [await index.searchLexical('what was it', { limit: 5, now }), await index.searchLexical('had', { limit: 0, now })];
    });

    expect(outcome).toEqual([[], []]);
  });

  it('searches at most the first 32 distinct terms of a long query', async () => {
    const found = await withRetrieval(uniqueUserId('long-query'), async ({ index }) => {
      await index.index(memory('memory_tail', 'zebra'));
      const filler = Array.from({ length: maximumQueryTerms }, (_, position) => `filler${position}`).join(' ');
      return [
        (await index.searchLexical(`${filler} zebra`, { limit: 5, now })).length,
        (await index.searchLexical(`zebra ${filler}`, { limit: 5, now })).length,
      ];
    });

    expect(found).toEqual([0, 1]);
  });

  it('drops a query term too common to score when a rarer one is there, and keeps the rarest otherwise', async () => {
    const outcome = await withRetrieval(uniqueUserId('selective'), async ({ index }) => {
      const common = Array.from({ length: maximumScoredDocuments + 10 }, (_, position) => memory(`memory_${position}`, `today was fine, entry ${position}`));
      await index.indexMany([...common, memory('memory_rare', 'today the kiln cracked')]);
      return {
        mixed: (await index.searchLexical('what happened today with the kiln', { limit: 5, now })).map((match) => match.id),
        commonOnly: (await index.searchLexical('today', { limit: 5, now })).length,
      };
    });

    expect(outcome.mixed).toEqual(['memory_rare']);
    expect(outcome.commonOnly).toBe(5);
  });

  it("gives the same word different blind terms in two users' objects", async () => {
    const text = 'We met at the observatory';
    const read = (userId: string) =>
      withRetrieval(userId, async ({ index, sql }) => {
        await index.index(memory('memory_same_id', text));
        return sql.exec<{ own: string }>('SELECT own FROM retrieval_terms').one().own;
      });

    const alice = await read(uniqueUserId('alice'));
    const bob = await read(uniqueUserId('bob'));

    expect(alice.split(' ')).toHaveLength(2);
    expect(bob.split(' ')).toHaveLength(2);
    expect(alice.split(' ').filter((term) => bob.includes(term))).toEqual([]);
  });

  it('returns documents and their terms by id, filtered like a search', async () => {
    const outcome = await withRetrieval(uniqueUserId('documents'), async ({ index }) => {
      await index.indexMany([memory('memory_a', 'apples and pears'), memory('memory_b', 'pears', { validTo: now - 1 })]);
      return {
        current: index.documents(['memory_a', 'memory_b', 'missing'], { now }).map((record) => record.id),
        all: index
          .documents(['memory_a', 'memory_b'], { includeExpired: true })
          .map((record) => record.id)
          .sort(),
        terms: index.documentTerms(['memory_a', 'memory_b']),
      };
    });

    expect(outcome.current).toEqual(['memory_a']);
    expect(outcome.all).toEqual(['memory_a', 'memory_b']);
    expect(outcome.terms.get('memory_a')?.size).toBe(2);
    expect([...(outcome.terms.get('memory_b') ?? [])].every((term) => outcome.terms.get('memory_a')?.has(term))).toBe(true);
  });

  it('tracks which documents lack a vector of the current model, and forgets a vector when the text changes', async () => {
    const outcome = await withRetrieval(uniqueUserId('vectors'), async ({ index }) => {
      await index.indexMany([memory('memory_1', 'one'), memory('memory_2', 'two'), memory('memory_3', 'three')]);
      index.markVectorsStored(['memory_1', 'memory_2'], 'model-a');
      const missingForA = index.idsWithoutVector('model-a', 10);
      const missingForB = index.idsWithoutVector('model-b', 2);
      await index.index(memory('memory_1', 'one, rewritten'));
      return { missingForA, missingForB, afterRewrite: index.idsWithoutVector('model-a', 10) };
    });

    expect(outcome).toEqual({ missingForA: ['memory_3'], missingForB: ['memory_1', 'memory_2'], afterRewrite: ['memory_1', 'memory_3'] });
  });

  it('clears everything and lists every id before', async () => {
    const outcome = await withRetrieval(uniqueUserId('clear'), async ({ index, sql }) => {
      await index.indexMany([memory('memory_1', 'one'), memory('memory_2', 'two')]);
      const ids = index.allIds();
      index.clear();
      index.optimize();
      return { ids, count: index.count(), terms: sql.exec('SELECT count(*) AS total FROM retrieval_terms').one().total };
    });

    expect(outcome).toEqual({ ids: ['memory_1', 'memory_2'], count: 0, terms: 0 });
  });

  it('refuses an unknown kind, an empty id and an importance outside 0..1', async () => {
    const failures = await withRetrieval(uniqueUserId('validation'), async ({ index }) =>
      Promise.all([
        index.index({ ...memory('x', 'text'), kind: 'diary' as never }).catch((error: unknown) => error),
        index.index(memory('', 'text')).catch((error: unknown) => error),
        index.index(memory('y', 'text', { importance: 2 })).catch((error: unknown) => error),
      ]),
    );

    for (const failure of failures) expect(failure).toBeInstanceOf(Error);
  });
});
