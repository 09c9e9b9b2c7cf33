import { findVoice } from '../server/catalog/catalog.ts';
import { createOutboundFetch, outboundPolicyFromConfig } from '../server/net/outbound-fetch.ts';
import { createApprovalsCapability } from './approvals/approvals-capability.ts';
import { createBackupsCapability } from './backups/backups-capability.ts';
import { createCalendarCapability } from './calendar/calendar-capability.ts';
import { createCalendarSourcesCapability } from './calendar-sources/calendar-sources-capability.ts';
import { createCareCapability } from './care/care-capability.ts';
import { createPushCapability } from './channels/push/push-capability.ts';
import { createVoiceNoteSpeaker } from './channels/whatsapp/voice-note-speaker.ts';
import { createVoiceNoteTranscriber } from './channels/whatsapp/voice-note-transcriber.ts';
import { createWhatsAppCapability } from './channels/whatsapp/whatsapp-capability.ts';
import { createCompanionCapability } from './companion/companion-capability.ts';
import { createConfirmationsCapability } from './confirmations/confirmations-capability.ts';
import { createConversationsCapability } from './conversations/conversations-capability.ts';
import { createFilesCapability } from './files/files-capability.ts';
import { createGoalsCapability } from './goals/goals-capability.ts';
import type { AccountData } from './host/account-data.ts';
import type { CapabilityHost } from './host/capability.ts';
import { createHttpToolsCapability } from './http-tools/http-tools-capability.ts';
import { createMcpCapability } from './mcp/mcp-capability.ts';
import { createMemoryCapability } from './memory/memory-capability.ts';
import { createMoodsCapability } from './moods/moods-capability.ts';
import { createOutreachCapability } from './outreach/outreach-capability.ts';
import { createReflectionCapability } from './reflection/reflection-capability.ts';
import { createRemindersCapability } from './reminders/reminders-capability.ts';
import { createRetrievalCapability } from './retrieval/retrieval-capability.ts';
import { createSessionsCapability } from './sessions/sessions-capability.ts';
import { createToolsCapability } from './tools/tools-capability.ts';
import { createTurnCapability, type TurnAnswer } from './turn/turn-capability.ts';
import { configuredSpeech, speechPorts } from './voice/speech-ports.ts';
import { createVoiceCapability } from './voice/voice-capability.ts';

/**
 * Every capability of the companion object, each given the interfaces of those it uses. A new
 * feature is a new folder and one line here; the host (`companion-agent.ts`) does not change.
 * `accountData` is the host's own part over every capability (the whole document, clearing it), which
 * only backups use.
 */
export function buildCapabilities(host: CapabilityHost, accountData: AccountData) {
  const companion = createCompanionCapability(host);
  // The user's sessions: asked on every authenticated request, so it depends on nothing else.
  const sessions = createSessionsCapability(host);
  const retrieval = createRetrievalCapability(host);
  const conversations = createConversationsCapability(host, { retrieval, companion });
  const files = createFilesCapability(host, { retrieval });
  const memory = createMemoryCapability(host, { retrieval, conversations, files, companion });
  const confirmations = createConfirmationsCapability(host, { conversations, companion });
  const calendar = createCalendarCapability(host, { companion, confirmations: confirmations.confirmations });
  const calendarSources = createCalendarSourcesCapability(host, { calendar });
  const push = createPushCapability(host);
  // WhatsApp answers through the turn, built after it: the closure is only called once a message arrives.
  // One transcriber and one speaker for the object, made when first used: voice notes and the voice session share them.
  const speech = speechPorts(configuredSpeech(host));
  const voiceNotes = createVoiceNoteTranscriber(speech.speechToText);
  // Voice notes are answered in the persona's voice: the catalog voice the companion settings name.
  const voiceReplies = createVoiceNoteSpeaker(speech.textToSpeech, async () => findVoice((await companion.settings.companion()).voiceId));
  const whatsapp = createWhatsAppCapability(host, {
    // A bare YES, NO or ALWAYS while a WhatsApp turn waits for approval answers it, without a turn of its own.
    respond: async (request) => (await approvals.answerFromWhatsApp(request.text)) ?? whatsAppReplyOf(await turn.run(request, { send: () => {} })),
    transcribe: voiceNotes.transcribe,
    canTranscribe: voiceNotes.canTranscribe,
    speak: voiceReplies.speak,
    canSpeak: voiceReplies.canSpeak,
  });
  // Care screens every turn; its follow-up goes out through outreach, built next.
  const care = createCareCapability(host, { companion, linkedPhoneNumber: () => whatsapp.linkedPhoneNumber(), followUp: () => outreach.careFollowUp });
  const outreach = createOutreachCapability(host, { companion, conversations, calendar, memory, remoteChannels: () => [push.channel, whatsapp.channel] });
  const reminders = createRemindersCapability(host, { conversations, companion, outreach });
  const goals = createGoalsCapability(host, { companion, outreach });
  const moods = createMoodsCapability(host, { companion });
  // The weekly reflection speaks through outreach, from the week's conversations and what goals and moods say of it.
  const reflection = createReflectionCapability(host, { companion, conversations, outreach, sources: () => [goals, moods] });
  // Every request to an address a person typed (MCP servers, HTTP tools) goes through the outbound guard.
  // MCP keeps streams open, so only its headers are timed and its size is the client's to limit.
  // Made on the first request, not while building: the configuration is read (and checked) when first needed.
  let guardedFetch: typeof fetch | undefined;
  const mcp = createMcpCapability(host, {
    fetch: (input, init) => {
      guardedFetch ??= createOutboundFetch(outboundPolicyFromConfig(host.config()), undefined, { streaming: true });
      return guardedFetch(input, init);
    },
    describeTools: () => tools.rpc.list(),
  });
  // Asks the tools capability (built next) for every tool's name and view only when called, never while building.
  const httpTools = createHttpToolsCapability(host, { toolViews: () => tools.rpc.list() });
  // The MCP servers' and HTTP tools' tools come and go: the tools capability asks for them on every listing and turn.
  const tools = createToolsCapability(host, { sources: [memory, files, calendar, reminders, goals, moods], providers: [mcp, httpTools.provider] });
  const approvals = createApprovalsCapability(host, { tools, sendWhatsApp: (messageId, text) => whatsapp.channel.deliver(messageId, text) });
  const turn = createTurnCapability(host, {
    companion,
    conversations,
    memory,
    files,
    retrieval,
    tools,
    approvals: approvals.approvals,
    replyWithoutModel: outreach.replyToControlWord,
    care,
  });
  const voice = createVoiceCapability(host, {
    companion,
    conversations,
    turn,
    speech,
    approvals,
  });
  const backups = createBackupsCapability(host, { companion, accountData });
  return {
    companion,
    sessions,
    care,
    retrieval,
    conversations,
    files,
    memory,
    confirmations,
    calendar,
    calendarSources,
    outreach,
    reflection,
    reminders,
    goals,
    moods,
    push,
    whatsapp,
    mcp,
    httpTools,
    tools,
    approvals,
    turn,
    voice,
    backups,
  };
}

/** A WhatsApp reply: the companion's words, then (for a flagged message) the resources as plain text with their numbers. */
function whatsAppReplyOf(answer: TurnAnswer): string {
  const care = answer.care?.verdict;
  return care ? `${answer.assistantMessage.text}\n\n${care.resourcesText}` : answer.assistantMessage.text;
}

export type Capabilities = ReturnType<typeof buildCapabilities>;
