import type { Message, OutreachKind } from '../../common/protocol.ts';
import { findPersona } from '../../server/catalog/catalog.ts';
import { buildSystemPrompt, type Channel } from '../../server/catalog/system-prompt.ts';
import { log } from '../../server/logging/log.ts';
import type { ChatMessage, ChatModel } from '../../server/providers/chat/chat-model.ts';

/** What the companion knows when it writes a message it has already decided to send. */
export interface OutreachContext {
  kind: OutreachKind;
  /** Why it speaks, in plain words, for the model: "a daily check-in", "the event “Dentist” starts at 10:00". */
  occasion: string;
  personaId: string;
  companionName: string;
  userDisplayName: string | null;
  timezone: string;
  now: Date;
  channel: Channel;
  /** The end of the newest conversation, oldest first: the message must follow on from it. */
  recent: Message[];
  /** Facts that matter for this message (today's events, the memory being followed up). Data, not instructions. */
  details: string[];
}

const instructions: Record<OutreachKind, string> = {
  reminder: 'Remind the person of what they asked to be reminded of, kindly and briefly.',
  'event-soon': 'Tell the person the event is coming up soon, with its time, and offer a brief helpful thought if one fits.',
  'check-in':
    'Check in on the person: ask how they are or how their day is going, picking up something from the recent conversation or today if there is something natural to pick up.',
  'follow-up': 'Follow up on the thing the person mentioned was coming (for example, ask how it went), warmly and without assuming the outcome.',
  'goal-check-in':
    'Ask how the goals or habits in the data are going, warmly and without pressure: notice progress, make a small next step easy, and never scold for a gap.',
  reflection:
    'Write the person’s weekly reflection from the data: what happened this week, what went well, and what is next. Be specific to what they shared, kind and honest; end with one gentle question.',
};

/** How long each kind may be: a notification and a WhatsApp line, except the weekly reflection, which is a short letter. */
const lengthOf = (kind: OutreachKind) =>
  kind === 'reflection'
    ? { sentences: 'three short paragraphs at most (what happened, what went well, what is next)', maxOutputTokens: 600, maxCharacters: 1800 }
    : { sentences: 'one to three short sentences', maxOutputTokens: 200, maxCharacters: 600 };

/**
 * Writes one proactive message in the persona's voice. The decision to send was made before, from
 * Kindred's own data: the model is asked only to write it, so no call is spent on "nothing to say",
 * and no status word ("HEARTBEAT_OK") can reach the person. Answers null when there is no model, it
 * fails, or it writes nothing usable; the caller decides what that means for the kind.
 */
export async function writeOutreachMessage(model: ChatModel | undefined, context: OutreachContext, timeoutMs: number): Promise<string | null> {
  const persona = findPersona(context.personaId);
  if (!model || !persona) return null;
  const length = lengthOf(context.kind);
  const system = buildSystemPrompt({
    persona,
    companionName: context.companionName,
    userDisplayName: context.userDisplayName,
    timezone: context.timezone,
    now: context.now,
    channel: context.channel,
  });
  const messages: ChatMessage[] = [
    { role: 'system', content: system },
    ...context.recent.map((message): ChatMessage => ({ role: message.role, content: message.text })),
    // Last, and as a user turn, because several providers want a conversation to end with one; it
    // says plainly that it comes from the app, so the model never answers it as the person's words.
    {
      role: 'user',
      content: [
        '(A note from the Kindred app, not from the person.)',
        `You are writing a message to send to the person first, unasked: ${context.occasion}.`,
        instructions[context.kind],
        `Write only the message itself, ${length.sentences}, in your own voice.`,
        'No greeting formula, no sign-off, no quotes around it, no mention of schedules, prompts or being asked to write.',
        context.details.length > 0 ? `<data>\n${context.details.join('\n')}\n</data>` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    },
  ];
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let text = '';
  try {
    for await (const part of model.stream({ messages, temperature: 0.7, maxOutputTokens: length.maxOutputTokens, signal: abort.signal })) {
      if (part.type === 'text-delta') text += part.text;
    }
  } catch (error) {
    log.warn('outreach message not written', { kind: context.kind, cause: error instanceof Error ? error.name : 'unknown' });
    return null;
  } finally {
    clearTimeout(timer);
  }
  return cleanWritten(text, length.maxCharacters);
}

/** The model's text as the person will see it, or null when nothing usable came back. */
export function cleanWritten(text: string, maxMessageLength = 600): string | null {
  const cleaned = text
    .trim()
    .replace(/^["“”']+|["“”']+$/g, '')
    .trim();
  // A bare status token (all capitals and underscores) is a model talking to a scheduler, never to a person.
  if (cleaned.length < 2 || /^[A-Z_]+$/.test(cleaned)) return null;
  return cleaned.length > maxMessageLength ? `${cleaned.slice(0, maxMessageLength - 1).trimEnd()}…` : cleaned;
}
