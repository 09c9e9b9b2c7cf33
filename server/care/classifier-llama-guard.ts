/**
 * The care classifier over Llama Guard 3 on Workers AI (`env.AI.run('@cf/meta/llama-guard-3-8b',
 * { messages })`). Cloudflare documents its output as `{ response }`, where `response` is the model's
 * text (`safe`, or `unsafe` then a line of hazard codes like `S1,S11`) or, when JSON output is asked
 * for, `{ safe, categories }`. Both are read; anything else is not a flag.
 */
import { z } from 'zod';
import type { CareCategory } from '../../common/care.ts';
import { log } from '../logging/log.ts';
import type { WorkersAIBinding } from '../providers/chat/workers-ai.ts';
import type { CareClassifier, ClassifierVerdict } from './classifier.ts';

export const llamaGuardModelId = '@cf/meta/llama-guard-3-8b';

/**
 * Llama Guard 3's hazards (the MLCommons taxonomy) mapped to care categories. Llama Guard judges
 * whether a text enables or endorses harm, not who is at risk, so only hazards whose presence in a
 * person's own message points at one of our risks are mapped:
 * - S11 Suicide & Self-Harm → `suicide-self-harm` (MLCommons counts disordered eating here too; the
 *   screen's own category wins when it also flags, so an eating disorder it recognises keeps its name).
 * - S3 Sex-Related Crimes and S4 Child Sexual Exploitation → `abuse`: in a companion conversation these
 *   come from a person telling what is being done to them or to a child, and abuse help fits either way.
 * - S1 Violent Crimes → `harm-to-others`: S1 is "enables, encourages or endorses the commission of"
 *   violence, which in a person's own message is intent to hurt someone; a person describing violence
 *   done to them is not a violent-crime prompt, and the screen's abuse rules cover that.
 * Everything else (S2 non-violent crimes, S5 defamation, S6 specialised advice, S7 privacy, S8 IP,
 * S9 indiscriminate weapons, S10 hate, S12 sexual content, S13 elections, S14 code-interpreter abuse)
 * is not a sign that the person needs care, so it does not flag.
 */
const hazardCategories: Readonly<Record<string, CareCategory>> = {
  S11: 'suicide-self-harm',
  S3: 'abuse',
  S4: 'abuse',
  S1: 'harm-to-others',
};

/** When one message has several mapped hazards, the most urgent care comes first. */
const categoryPriority: readonly CareCategory[] = ['suicide-self-harm', 'abuse', 'harm-to-others'];

const hazardCode = /^S\d{1,2}$/;

const outputSchema = z.object({
  response: z.union([z.string(), z.object({ safe: z.boolean(), categories: z.array(z.string()).nullish() })]),
});

export interface LlamaGuardClassifierSettings {
  binding: WorkersAIBinding;
  /** Defaults to `llamaGuardModelId`. */
  model?: string;
}

export function createLlamaGuardClassifier(settings: LlamaGuardClassifierSettings): CareClassifier {
  const model = settings.model ?? llamaGuardModelId;
  return {
    name: 'llama-guard',
    async classify(text: string, signal: AbortSignal): Promise<ClassifierVerdict> {
      // The answer is a word and a few codes; a small cap keeps a confused model from running on.
      const output = await settings.binding.run(model, { messages: [{ role: 'user', content: text }], max_tokens: 16, temperature: 0 }, { signal });
      signal.throwIfAborted();
      const hazards = readHazards(output);
      if (hazards === undefined) {
        log.warn('care-classifier-unreadable', { classifier: 'llama-guard', model });
        return { flagged: false };
      }
      const mapped = new Set(hazards.map((code) => hazardCategories[code]).filter((category) => category !== undefined));
      const category = categoryPriority.find((candidate) => mapped.has(candidate));
      return category === undefined ? { flagged: false } : { flagged: true, category };
    },
  };
}

/** The hazard codes of an answer (empty when safe), or undefined when it is not an answer Llama Guard documents. */
export function readHazards(output: unknown): string[] | undefined {
  const parsed = outputSchema.safeParse(output);
  if (!parsed.success) return undefined;
  const { response } = parsed.data;
  if (typeof response !== 'string') {
    if (response.safe) return [];
    const codes = (response.categories ?? []).map((code) => code.trim().toUpperCase());
    return codes.length > 0 && codes.every((code) => hazardCode.test(code)) ? codes : undefined;
  }
  const [verdict, codeLine, ...rest] = response.trim().split('\n');
  if (verdict?.trim() === 'safe' && codeLine === undefined) return [];
  if (verdict?.trim() !== 'unsafe' || codeLine === undefined || rest.some((line) => line.trim() !== '')) return undefined;
  const codes = codeLine.split(',').map((code) => code.trim());
  return codes.every((code) => hazardCode.test(code)) ? codes : undefined;
}
