import { z } from 'zod';
import { conversationSchema, type ImportConversationBody, type MemoryView, memorySchema } from '../common/protocol.ts';
import { api, buildUser } from './api.ts';

/** Factories that make test data through the real API, so it is stored, sealed and indexed as a person's would be. */
export { buildUser };

const importAnswerSchema = z.object({
  conversation: conversationSchema,
  messages: z.array(z.object({ id: z.string(), externalId: z.string().nullable() })),
});

/**
 * A past conversation of `user`, one message a minute from `startedAt` (person and companion taking
 * turns unless a role is given).
 */
export async function buildConversation(
  user: { token: string },
  overrides: { messages?: (string | { text: string; role?: 'user' | 'assistant'; speaker?: string })[]; title?: string; startedAt?: Date } = {},
): Promise<z.infer<typeof importAnswerSchema>> {
  const startedAt = (overrides.startedAt ?? new Date(Date.now() - 3_600_000)).getTime();
  const messages: ImportConversationBody['messages'] = (overrides.messages ?? ['Hello!', 'Hello, good to hear from you.']).map((entry, index) => {
    const message = typeof entry === 'string' ? { text: entry } : entry;
    return {
      role: message.role ?? (index % 2 === 0 ? 'user' : 'assistant'),
      text: message.text,
      ...(message.speaker ? { speaker: message.speaker } : {}),
      createdAt: new Date(startedAt + index * 60_000).toISOString(),
    };
  });
  const response = await api('/api/v1/conversations/import', { token: user.token, body: { messages, ...(overrides.title ? { title: overrides.title } : {}) } });
  if (response.status !== 201) throw new Error(`import failed: ${response.status} ${await response.text()}`);
  return importAnswerSchema.parse(await response.json());
}

/** A memory of `user`, as if the person had added it. */
export async function buildMemory(
  user: { token: string },
  overrides: Partial<Pick<MemoryView, 'text' | 'kind' | 'importance' | 'eventDate'>> = {},
): Promise<MemoryView> {
  const response = await api('/api/v1/memories', {
    token: user.token,
    body: {
      text: overrides.text ?? 'Likes green tea.',
      kind: overrides.kind ?? 'preference',
      importance: overrides.importance,
      eventDate: overrides.eventDate,
    },
  });
  if (response.status !== 201) throw new Error(`memory failed: ${response.status} ${await response.text()}`);
  return memorySchema.parse(await response.json());
}
