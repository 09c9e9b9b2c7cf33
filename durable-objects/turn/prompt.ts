import type { Persona } from '../../common/catalog.ts';
import type { Message } from '../../common/protocol.ts';
import { buildSystemPrompt, type Channel } from '../../server/catalog/system-prompt.ts';
import type { ChatMessage } from '../../server/providers/chat/chat-model.ts';

/** Everything one model call's prompt is made of: a pure function of these, so tests read exactly what the model gets. */
export interface PromptInput {
  persona: Persona;
  companionName: string;
  userDisplayName: string | null;
  timezone: string;
  now: Date;
  channel: Channel;
  /** What retrieval recalled for this message, already written as a data block; null when nothing was found. */
  recall: string | null;
  /** The rolling summary of the conversation's part before the recent window. */
  summary: string | null;
  /** The recent window, oldest first, ending with the person's new message. */
  recent: readonly Pick<Message, 'role' | 'text' | 'status'>[];
}

/**
 * The messages of the turn's first model call: the persona's system prompt, what was recalled and the
 * conversation's summary (both marked as data, never instructions), then the recent turns verbatim.
 * Failed replies stay in history for the person but are not shown to the model as its own words.
 */
export function buildPrompt(input: PromptInput): ChatMessage[] {
  const messages: ChatMessage[] = [
    {
      role: 'system',
      content: buildSystemPrompt({
        persona: input.persona,
        companionName: input.companionName,
        userDisplayName: input.userDisplayName ?? undefined,
        timezone: input.timezone,
        now: input.now,
        channel: input.channel,
      }),
    },
  ];
  if (input.recall) messages.push({ role: 'system', content: input.recall });
  if (input.summary) messages.push({ role: 'system', content: `<data source="earlier-in-this-conversation">\n${input.summary}\n</data>` });
  for (const message of input.recent) {
    if (message.status === 'complete') messages.push({ role: message.role, content: message.text });
  }
  return messages;
}
