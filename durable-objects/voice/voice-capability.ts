import type { ImportDocument } from '../../common/import.ts';
import type { VoiceSettings } from '../../common/voice.ts';
import { findVoice } from '../../server/catalog/catalog.ts';
import type { ApprovalsCapability } from '../approvals/approvals-capability.ts';
import type { CompanionCapability } from '../companion/companion-capability.ts';
import type { ConversationsCapability } from '../conversations/conversations-capability.ts';
import { filesBucket } from '../files/files-bucket.ts';
import type { Capability, CapabilityHost, ClientConnection } from '../host/capability.ts';
import { exportList } from '../host/export-document.ts';
import type { ImportPlan } from '../host/import-document.ts';
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
  dependencies: {
    companion: CompanionCapability;
    conversations: ConversationsCapability;
    turn: Pick<TurnCapability, 'run'>;
    speech: SpeechPorts;
    /** Answers a request to approve a tool call with a spoken word, as a tap on its card would. */
    approvals: Pick<ApprovalsCapability, 'answerWithWord'>;
  },
) {
  // Through the files' test seam, so the fault tests can make R2 fail for recordings too.
  const store = new VoiceStore(host.sql, host.vault, filesBucket(host.env.FILES), host.userId);
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
        // Answered on a device or expired a moment before: the words are a turn of their own.
        answerApproval: async (approvalId, word) => (await dependencies.approvals.answerWithWord(approvalId, word)) !== null,
        track,
      });
      sessions.set(connection.id, session);
    }
    return session;
  }

  /**
   * The settings, and every kept recording with its id, message and time: each recording's audio is
   * sealed and put in R2 before the rows are written, and taken away again if the import fails. All
   * are checked before the first is put, so a bad one stores nothing.
   */
  async function importVoice(document: ImportDocument): Promise<ImportPlan> {
    const voice = document.voice;
    if (!voice) return { imported: {}, write: () => {} };
    const recordings = voice.recordings.map((recording, index) => ({ kept: VoiceStore.checkImported(recording, index), audio: recording.audio }));
    const put: string[] = [];
    const writes: (() => void)[] = [];
    try {
      // One at a time: a recording is up to a minute of audio, and the object has 128 MB.
      for (const recording of recordings) {
        writes.push(await store.storeAudio(recording.kept, recording.audio));
        put.push(recording.kept.id);
      }
    } catch (error) {
      // The host only abandons the plans it was given: what this one put before failing goes here, with
      // the one that failed (a put that threw may still have landed).
      const attempted = recordings.slice(0, put.length + 1).map((recording) => recording.kept.id);
      await store.removeAudio(attempted).catch(() => undefined);
      throw error;
    }
    return {
      // The settings, and each recording.
      imported: { voice: 1 + recordings.length },
      write: () => {
        store.saveSettings(voice.settings, host.now());
        for (const write of writes) write();
      },
      abandon: () => store.removeAudio(put),
    };
  }

  return {
    name: 'voice',
    schema: voiceSchemaSteps,
    frames: {
      'voice-start': async (frame, connection) => {
        sessionOf(connection).start(frame.conversationId, frame.binaryAudio);
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
    /** Keeping audio switched on, or any recording kept; a new account has it off and none. */
    holdsData: async (): Promise<boolean> => store.settings().keepAudio || store.recordingCount() > 0,
    importData: (document: ImportDocument) => importVoice(document),
    destroyExternalData: () => store.deleteAll(),
    reset: () => sessions.clear(),
  } satisfies Capability;
}

export type VoiceCapability = ReturnType<typeof createVoiceCapability>;
