import { createCalendarCapability } from './calendar/calendar-capability.ts';
import { createWhatsAppCapability } from './channels/whatsapp/whatsapp-capability.ts';
import { createCompanionCapability } from './companion/companion-capability.ts';
import { createConversationsCapability } from './conversations/conversations-capability.ts';
import { createFilesCapability } from './files/files-capability.ts';
import type { CapabilityHost } from './host/capability.ts';
import { createMemoryCapability } from './memory/memory-capability.ts';
import { createRemindersCapability } from './reminders/reminders-capability.ts';
import { createRetrievalCapability } from './retrieval/retrieval-capability.ts';
import { createToolsCapability } from './tools/tools-capability.ts';
import { createTurnCapability } from './turn/turn-capability.ts';

/**
 * Every capability of the companion object, each given the interfaces of those it uses. A new
 * feature is a new folder and one line here; the host (`companion-agent.ts`) does not change.
 */
export function buildCapabilities(host: CapabilityHost) {
  const companion = createCompanionCapability(host);
  const retrieval = createRetrievalCapability(host);
  const conversations = createConversationsCapability(host, { retrieval, companion });
  const files = createFilesCapability(host, { retrieval });
  const memory = createMemoryCapability(host, { retrieval, conversations, files, companion });
  const calendar = createCalendarCapability(host, { companion });
  const reminders = createRemindersCapability(host, { conversations, companion });
  const tools = createToolsCapability(host, { sources: [memory, files, calendar, reminders] });
  // WhatsApp answers through the turn, built after it: the closure is only called once a message arrives.
  const whatsapp = createWhatsAppCapability(host, {
    respond: async (request) => (await turn.rpc.send(request)).assistantMessage.text,
  });
  const turn = createTurnCapability(host, { companion, conversations, memory, files, retrieval, tools });
  return { companion, retrieval, conversations, files, memory, calendar, reminders, tools, whatsapp, turn };
}

export type Capabilities = ReturnType<typeof buildCapabilities>;
