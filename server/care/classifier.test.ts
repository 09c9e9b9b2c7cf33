import { describe, expect, it } from 'vitest';
import type { CareCategory } from '../../common/care.ts';
import { type CareClassifier, type ClassificationTimer, type ClassifierVerdict, combineVerdicts, startClassification } from './classifier.ts';
import type { ScreenResult } from './screen.ts';

/** A timer the test fires by hand, so a timeout needs no waiting. */
function manualTimer() {
  const pending: { milliseconds: number; onTimeout: () => void; cancelled: boolean }[] = [];
  const timer: ClassificationTimer = {
    start(milliseconds, onTimeout) {
      const entry = { milliseconds, onTimeout, cancelled: false };
      pending.push(entry);
      return () => {
        entry.cancelled = true;
      };
    },
  };
  return {
    timer,
    pending,
    fire() {
      for (const entry of pending) if (!entry.cancelled) entry.onTimeout();
    },
  };
}

/** A classifier the test answers by hand, recording the signal it was given. */
function controlledClassifier() {
  let resolveVerdict: (verdict: ClassifierVerdict) => void = () => {};
  let rejectVerdict: (reason: unknown) => void = () => {};
  const seen: { text?: string; signal?: AbortSignal } = {};
  const classifier: CareClassifier = {
    name: 'controlled',
    classify(text, signal) {
      seen.text = text;
      seen.signal = signal;
      return new Promise((resolve, reject) => {
        resolveVerdict = resolve;
        rejectVerdict = reject;
      });
    },
  };
  return { classifier, seen, answer: (verdict: ClassifierVerdict) => resolveVerdict(verdict), fail: (reason: unknown) => rejectVerdict(reason) };
}

const screenFlag = (category: CareCategory, lifeAtRisk: boolean): ScreenResult => ({ flagged: true, category, lifeAtRisk, rule: `test.${category}` });

describe('combineVerdicts', () => {
  const cases: { name: string; screen: ScreenResult; model: ClassifierVerdict | undefined; expected: ReturnType<typeof combineVerdicts> }[] = [
    { name: 'neither flags', screen: { flagged: false }, model: { flagged: false }, expected: { flagged: false } },
    { name: 'no classifier verdict and no screen flag', screen: { flagged: false }, model: undefined, expected: { flagged: false } },
    {
      name: 'the screen alone flags, with no verdict',
      screen: screenFlag('abuse', true),
      model: undefined,
      expected: { flagged: true, category: 'abuse', lifeAtRisk: true, rule: 'test.abuse', flaggedBy: 'screen' },
    },
    {
      name: 'the screen flags and the model clears',
      screen: screenFlag('eating-disorder', false),
      model: { flagged: false },
      expected: { flagged: true, category: 'eating-disorder', lifeAtRisk: false, rule: 'test.eating-disorder', flaggedBy: 'screen' },
    },
    {
      name: "both flag: the screen's category and lifeAtRisk win",
      screen: screenFlag('eating-disorder', false),
      model: { flagged: true, category: 'suicide-self-harm' },
      expected: { flagged: true, category: 'eating-disorder', lifeAtRisk: false, rule: 'test.eating-disorder', flaggedBy: 'both' },
    },
    {
      name: 'the model alone flags suicide and self-harm: life at risk',
      screen: { flagged: false },
      model: { flagged: true, category: 'suicide-self-harm' },
      expected: { flagged: true, category: 'suicide-self-harm', lifeAtRisk: true, rule: 'classifier', flaggedBy: 'classifier' },
    },
    {
      name: 'the model alone flags a medical emergency: life at risk',
      screen: { flagged: false },
      model: { flagged: true, category: 'medical-emergency' },
      expected: { flagged: true, category: 'medical-emergency', lifeAtRisk: true, rule: 'classifier', flaggedBy: 'classifier' },
    },
    {
      name: 'the model alone flags abuse: not marked life at risk',
      screen: { flagged: false },
      model: { flagged: true, category: 'abuse' },
      expected: { flagged: true, category: 'abuse', lifeAtRisk: false, rule: 'classifier', flaggedBy: 'classifier' },
    },
    {
      name: 'the model alone flags an eating disorder: not marked life at risk',
      screen: { flagged: false },
      model: { flagged: true, category: 'eating-disorder' },
      expected: { flagged: true, category: 'eating-disorder', lifeAtRisk: false, rule: 'classifier', flaggedBy: 'classifier' },
    },
    {
      name: 'the model alone flags harm to others: not marked life at risk',
      screen: { flagged: false },
      model: { flagged: true, category: 'harm-to-others' },
      expected: { flagged: true, category: 'harm-to-others', lifeAtRisk: false, rule: 'classifier', flaggedBy: 'classifier' },
    },
  ];

  for (const { name, screen, model, expected } of cases) {
    it(name, () => {
      expect(combineVerdicts(screen, model)).toEqual(expected);
    });
  }
});

describe('startClassification', () => {
  it('resolves to the verdict and cancels its timer', async () => {
    const { timer, pending } = manualTimer();
    const { classifier, seen, answer } = controlledClassifier();

    const verdict = startClassification(classifier, 'a message', 1500, { timer });
    expect(seen.text).toBe('a message');
    expect(pending[0]?.milliseconds).toBe(1500);
    answer({ flagged: true, category: 'abuse' });

    await expect(verdict).resolves.toEqual({ flagged: true, category: 'abuse' });
    expect(pending[0]?.cancelled).toBe(true);
  });

  it('returns before the classifier answers, so the turn is not held up', async () => {
    const { timer } = manualTimer();
    const { classifier, answer } = controlledClassifier();
    let settled = false;

    const verdict = startClassification(classifier, 'a message', 1500, { timer }).then((value) => {
      settled = true;
      return value;
    });
    await Promise.resolve();
    expect(settled).toBe(false);

    answer({ flagged: false });
    await expect(verdict).resolves.toEqual({ flagged: false });
  });

  it('resolves to undefined on timeout, without throwing, and aborts the classifier', async () => {
    const { timer, fire } = manualTimer();
    const { classifier, seen, answer } = controlledClassifier();

    const verdict = startClassification(classifier, 'a message', 1500, { timer });
    fire();

    await expect(verdict).resolves.toBeUndefined();
    expect(seen.signal?.aborted).toBe(true);
    expect((seen.signal?.reason as DOMException | undefined)?.name).toBe('TimeoutError');
    // A verdict arriving after the timeout changes nothing.
    answer({ flagged: true, category: 'abuse' });
    await expect(verdict).resolves.toBeUndefined();
  });

  it('settles on timeout even when the classifier ignores its signal', async () => {
    const { timer, fire } = manualTimer();
    const deaf: CareClassifier = { name: 'deaf', classify: () => new Promise(() => {}) };

    const verdict = startClassification(deaf, 'a message', 1500, { timer });
    fire();

    await expect(verdict).resolves.toBeUndefined();
  });

  it('resolves to undefined when the classifier rejects', async () => {
    const { timer, pending } = manualTimer();
    const { classifier, fail } = controlledClassifier();

    const verdict = startClassification(classifier, 'a message', 1500, { timer });
    fail(new Error('provider down'));

    await expect(verdict).resolves.toBeUndefined();
    expect(pending[0]?.cancelled).toBe(true);
  });

  it('resolves to undefined when the classifier throws before returning a promise', async () => {
    const { timer } = manualTimer();
    const throwing: CareClassifier = {
      name: 'throwing',
      classify: () => {
        throw new Error('synchronous failure');
      },
    };

    await expect(startClassification(throwing, 'a message', 1500, { timer })).resolves.toBeUndefined();
  });

  it("resolves to undefined when the caller's signal aborts, and passes the abort on", async () => {
    const { timer } = manualTimer();
    const { classifier, seen } = controlledClassifier();
    const turn = new AbortController();

    const verdict = startClassification(classifier, 'a message', 1500, { timer, signal: turn.signal });
    turn.abort(new DOMException('The turn was cancelled.', 'AbortError'));

    await expect(verdict).resolves.toBeUndefined();
    expect(seen.signal?.aborted).toBe(true);
  });

  it('does not call the classifier when the caller has already given up', async () => {
    const { timer } = manualTimer();
    const { classifier, seen } = controlledClassifier();
    const turn = new AbortController();
    turn.abort();

    await expect(startClassification(classifier, 'a message', 1500, { timer, signal: turn.signal })).resolves.toBeUndefined();
    expect(seen.text).toBeUndefined();
  });
});
