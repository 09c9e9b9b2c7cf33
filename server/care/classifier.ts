/**
 * The optional model-based risk classifier: a port with one adapter per provider (Llama Guard on
 * Workers AI, the chat model with a classification prompt). It only ever adds to the local screen
 * (`screen.ts`): the screen is the safety net and runs whatever the model does; a classifier that is
 * slow, failing, or talked out of flagging by the text itself can never take a screen flag away.
 */
import type { CareCategory } from '../../common/care.ts';
import { log } from '../logging/log.ts';
import type { ScreenResult } from './screen.ts';

/** What a classifier said about one message. */
export type ClassifierVerdict = { flagged: false } | { flagged: true; category: CareCategory };

/** A model that reads one message a person sent and says whether it shows a sign of risk. */
export interface CareClassifier {
  /** Which adapter this is (`llama-guard`, `chat-model`), for logs. */
  readonly name: string;
  /**
   * Classifies one message. Throws on a provider failure or when `signal` aborts; an answer the
   * adapter cannot read is `{ flagged: false }`, never a guess.
   */
  classify(text: string, signal: AbortSignal): Promise<ClassifierVerdict>;
}

/** The screen's result combined with a classifier's verdict: the shape of `ScreenResult`, plus who flagged. */
export type CombinedVerdict =
  | { flagged: false }
  | {
      flagged: true;
      category: CareCategory;
      lifeAtRisk: boolean;
      /** The screen's rule id, or `classifier` when only the model flagged. Never the person's words. */
      rule: string;
      flaggedBy: 'screen' | 'classifier' | 'both';
    };

/** Categories where a model-only flag puts the emergency number first, as the screen does for its rules of these kinds. */
const lifeAtRiskCategories: ReadonlySet<CareCategory> = new Set(['suicide-self-harm', 'medical-emergency']);

/**
 * Either one flags. When both do, the screen's category and `lifeAtRisk` win: its rules are precise
 * about which kind of risk and how urgent, where the model's categories are coarser.
 * `model` is undefined when no classifier is configured or it timed out or failed.
 */
export function combineVerdicts(screen: ScreenResult, model: ClassifierVerdict | undefined): CombinedVerdict {
  const modelFlagged = model?.flagged === true;
  if (screen.flagged) {
    return { flagged: true, category: screen.category, lifeAtRisk: screen.lifeAtRisk, rule: screen.rule, flaggedBy: modelFlagged ? 'both' : 'screen' };
  }
  if (model?.flagged === true) {
    return { flagged: true, category: model.category, lifeAtRisk: lifeAtRiskCategories.has(model.category), rule: 'classifier', flaggedBy: 'classifier' };
  }
  return { flagged: false };
}

/** Starts and cancels the timeout; injectable so tests need not wait for time to pass. */
export interface ClassificationTimer {
  start(milliseconds: number, onTimeout: () => void): () => void;
}

const realTimer: ClassificationTimer = {
  start(milliseconds, onTimeout) {
    const handle = setTimeout(onTimeout, milliseconds);
    return () => clearTimeout(handle);
  },
};

export interface StartClassificationOptions {
  /** Aborts the classification early, e.g. when the turn is cancelled. */
  signal?: AbortSignal;
  timer?: ClassificationTimer;
}

/**
 * Starts classifying `text` and returns at once, so the turn can stream its reply meanwhile and await
 * the verdict only when the reply ends. The promise resolves to the verdict, or to undefined when the
 * classifier fails, runs past `timeoutMs` or is aborted; it never rejects. It settles on time even
 * when an adapter ignores its signal, since the verdict only races the timeout.
 */
export function startClassification(
  classifier: CareClassifier,
  text: string,
  timeoutMs: number,
  options: StartClassificationOptions = {},
): Promise<ClassifierVerdict | undefined> {
  const timer = options.timer ?? realTimer;
  const controller = new AbortController();
  return new Promise<ClassifierVerdict | undefined>((resolve) => {
    let settled = false;
    const finish = (verdict: ClassifierVerdict | undefined, failure?: 'timeout' | 'aborted' | 'failed') => {
      if (settled) return;
      settled = true;
      cancelTimer();
      options.signal?.removeEventListener('abort', onCallerAbort);
      if (failure !== undefined) {
        controller.abort(failure === 'timeout' ? new DOMException('The care classifier ran out of time.', 'TimeoutError') : options.signal?.reason);
        // Which classifier and why, never the text: logs leave the person's encrypted boundary.
        log.warn('care-classifier-failed', { classifier: classifier.name, reason: failure });
      }
      resolve(verdict);
    };
    const onCallerAbort = () => finish(undefined, 'aborted');
    const cancelTimer = timer.start(timeoutMs, () => finish(undefined, 'timeout'));
    if (options.signal?.aborted === true) {
      finish(undefined, 'aborted');
      return;
    }
    options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    let pending: Promise<ClassifierVerdict>;
    try {
      pending = classifier.classify(text, controller.signal);
    } catch {
      finish(undefined, 'failed');
      return;
    }
    pending.then(
      (verdict) => finish(verdict),
      () => finish(undefined, 'failed'),
    );
  });
}
