import type { VoiceSettings } from '../../common/voice.ts';
import { findVoice } from '../../server/catalog/catalog.ts';
import type { CompanionCapability } from '../companion/companion-capability.ts';
import type { ConversationsCapability } from '../conversations/conversations-capability.ts';
import type { Capability, CapabilityHost, ClientConnection } from '../host/capability.ts';
import { exportList } from '../host/export-document.ts';
import type { TurnCapability } from '../turn/turn-capability.ts';
import { voiceSchemaSteps } from './schema.ts';
import type { SpeechPorts } from './speech-ports.ts';
import { VoiceSession } from './voice-session.ts';
import { VoiceStore } from './voice-store.ts';

/**
 * Spoken conversation over the realtime socket: one voice session per connection (see
 * `voice-session.ts`), the person's choice whether their audio is kept, and its part of the export.
 */
export function createVoiceCapability(
  host: CapabilityHost,
  dependencies: { companion: CompanionCapability; conversations: ConversationsCapability; turn: Pick<TurnCapability, 'run'>; speech: SpeechPorts },
) {
  const store = new VoiceStore(host.sql, host.vault, host.env.FILES, host.userId);
  const sessions = new Map<string, VoiceSession>();
  const running = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const settled = work.catch(() => {});
    running.add(settled);
    settled.finally(() => running.delete(settled));
    host.waitUntil(settled);
  };

  /** The connection's session, made on its first voice frame: a client whose object was evicted between frames goes on. */
  function sessionOf(connection: ClientConnection): VoiceSession {
    let session = sessions.get(connection.id);
    if (!session) {
      session = new VoiceSession(connection, {
        speechToText: dependencies.speech.speechToText,
        textToSpeech: dependencies.speech.textToSpeech,
        voice: async () => findVoice((await dependencies.companion.settings.companion()).voiceId),
        runTurn: dependencies.turn.run,
        devices: () => host.connections.list(),
        replaceAssistantText: async (messageId, text) => {
          const stored = await dependencies.conversations.store.replaceAssistantText(messageId, text);
          host.waitUntil(dependencies.conversations.store.startDeferredIndexing().catch(() => {}));
          return stored;
        },
        keepAudio: async (pcm, messageId) => {
          if (!store.settings().keepAudio) return;
          await store.keepUtterance(pcm, messageId, host.now());
        },
        track,
      });
      sessions.set(connection.id, session);
    }
    return session;
  }

  return {
    name: 'voice',
    schema: voiceSchemaSteps,
    frames: {
      'voice-start': async (frame, connection) => {
        sessionOf(connection).start(frame.conversationId);
      },
      'voice-audio': async (frame, connection) => {
        sessionOf(connection).audio(frame);
      },
      'voice-utterance-end': async (frame, connection) => {
        const work = sessionOf(connection).utteranceEnd(frame);
        track(work);
        await work;
      },
      'voice-interrupt': async (frame, connection) => {
        await sessions.get(connection.id)?.interrupt(frame);
      },
      'voice-stop': async (_frame, connection) => {
        await sessions.get(connection.id)?.stop();
      },
    },
    onDisconnect(connectionId: string): void {
      sessions.get(connectionId)?.close();
      sessions.delete(connectionId);
    },
    rpc: {
      settings: async (): Promise<VoiceSettings> => store.settings(),
      saveSettings: async (settings: VoiceSettings): Promise<VoiceSettings> => store.saveSettings(settings, host.now()),
      /** Resolves once no spoken reply is running or being cut: for tests, which wait for the work rather than for time. */
      async settled(): Promise<void> {
        while (running.size > 0) await Promise.allSettled([...running]);
      },
    },
    exportData: async () => ({
      voice: { settings: store.settings(), recordings: exportList(() => store.exportRecordings()) },
    }),
    destroyExternalData: () => store.deleteAll(),
    reset: () => sessions.clear(),
  } satisfies Capability;
}

export type VoiceCapability = ReturnType<typeof createVoiceCapability>;
