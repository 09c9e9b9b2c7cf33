import type { ExportedVoiceRecording, VoiceSettings } from '../../common/voice.ts';
import { voiceInputSampleRate } from '../../common/voice.ts';
import { createId } from '../../server/crypto/encoding.ts';
import { AppError } from '../../server/errors/app-error.ts';
import type { UserVault } from '../host/user-vault.ts';
import { pcm16DurationMs, toBase64 } from './audio.ts';

const r2BatchSize = 1000;

/** A kept utterance's row: what the store writes besides the sealed audio in R2. */
export interface KeptRecording {
  id: string;
  messageId: string | null;
  durationMs: number;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/** The voice settings and, when the person asked for it, their kept utterances: sealed, in R2 under the user's prefix. */
export class VoiceStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly vault: UserVault,
    private readonly bucket: R2Bucket,
    private readonly userId: string,
  ) {}

  settings(): VoiceSettings {
    const row = this.sql.exec<{ keep_audio: number }>('SELECT keep_audio FROM voice_settings WHERE id = 1').toArray()[0];
    return { keepAudio: row?.keep_audio === 1 };
  }

  saveSettings(settings: VoiceSettings, now: number): VoiceSettings {
    this.sql.exec(
      'INSERT INTO voice_settings (id, keep_audio, updated_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET keep_audio = excluded.keep_audio, updated_at = excluded.updated_at',
      settings.keepAudio ? 1 : 0,
      now,
    );
    return this.settings();
  }

  /** Seals an utterance's PCM with the user's key and writes it to R2; the row names the object, never its content. */
  async keepUtterance(pcm: Uint8Array, messageId: string | null, now: number): Promise<string> {
    const recording = {
      id: createId('rec', now),
      messageId,
      durationMs: Math.round(pcm16DurationMs(pcm.byteLength, voiceInputSampleRate)),
      createdAt: now,
    };
    (await this.storeAudio(recording, toBase64(pcm)))();
    return recording.id;
  }

  /**
   * Seals a recording's audio (base64 PCM) and puts it in R2, and answers the write of its row: apart,
   * so that an import puts every recording first and writes the rows inside its one transaction. If
   * the row is never written, `removeAudio` takes the object away again.
   */
  async storeAudio(recording: KeptRecording, audioBase64: string): Promise<() => void> {
    const key = this.#keyOf(recording.id);
    const sealed = await this.vault.seal(audioBase64, `voice:${recording.id}:audio`);
    await this.bucket.put(key, sealed, { httpMetadata: { contentType: 'application/octet-stream' } });
    return () => {
      this.sql.exec(
        'INSERT INTO voice_recordings (id, message_id, object_key, duration_ms, created_at) VALUES (?, ?, ?, ?, ?)',
        recording.id,
        recording.messageId,
        key,
        recording.durationMs,
        recording.createdAt,
      );
    };
  }

  /** The audio of recordings whose rows were never written (an import that failed). */
  async removeAudio(ids: readonly string[]): Promise<void> {
    for (let start = 0; start < ids.length; start += r2BatchSize) {
      await this.bucket.delete(ids.slice(start, start + r2BatchSize).map((id) => this.#keyOf(id)));
    }
  }

  /**
   * An exported recording, checked before anything is stored: the audio must be base64 of 16-bit PCM
   * at the rate Kindred records (the rows do not store a rate), and the id one a key can be made of.
   */
  static checkImported(recording: ExportedVoiceRecording, index: number): KeptRecording {
    const where = `voice.recordings[${index}]`;
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(recording.id)) throw new AppError('validation_failed', `The import's ${where}.id is not a recording id.`);
    if (recording.sampleRate !== voiceInputSampleRate)
      throw new AppError('validation_failed', `The import's ${where} is recorded at ${recording.sampleRate} Hz; Kindred keeps ${voiceInputSampleRate} Hz.`);
    const audio = recording.audio;
    const padding = audio.endsWith('==') ? 2 : audio.endsWith('=') ? 1 : 0;
    const byteLength = (audio.length / 4) * 3 - padding;
    if (audio.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(audio) || byteLength % 2 !== 0)
      throw new AppError('validation_failed', `The import's ${where}.audio is not base64 of 16-bit PCM.`);
    const createdAt = Date.parse(recording.createdAt);
    if (Number.isNaN(createdAt)) throw new AppError('validation_failed', `The import's ${where}.createdAt is not a time.`);
    return { id: recording.id, messageId: recording.messageId, durationMs: Math.round(recording.durationMs), createdAt };
  }

  recordingCount(): number {
    return this.sql.exec<{ count: number }>('SELECT COUNT(*) AS count FROM voice_recordings').one().count;
  }

  /** Every kept utterance, oldest first, opened one at a time. */
  async *exportRecordings(): AsyncGenerator<ExportedVoiceRecording> {
    const rows = this.sql
      .exec<{ id: string; message_id: string | null; object_key: string; duration_ms: number; created_at: number }>(
        'SELECT * FROM voice_recordings ORDER BY created_at, id',
      )
      .toArray();
    for (const row of rows) {
      const object = await this.bucket.get(row.object_key);
      if (!object) continue;
      const audio = await this.vault.open(await object.text(), `voice:${row.id}:audio`);
      yield {
        id: row.id,
        messageId: row.message_id,
        createdAt: new Date(row.created_at).toISOString(),
        durationMs: row.duration_ms,
        format: 'pcm16',
        sampleRate: voiceInputSampleRate,
        audio,
      };
    }
  }

  /** Account deletion: every kept utterance in R2, orphans included. */
  async deleteAll(): Promise<void> {
    let cursor: string | undefined;
    do {
      const page = await this.bucket.list({ prefix: this.#prefix(), limit: r2BatchSize, ...(cursor ? { cursor } : {}) });
      const keys = page.objects.map((object) => object.key);
      if (keys.length > 0) await this.bucket.delete(keys);
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    this.sql.exec('DELETE FROM voice_recordings');
  }

  #keyOf(recordingId: string): string {
    return `${this.#prefix()}${recordingId}`;
  }

  #prefix(): string {
    return `users/${this.userId}/voice/`;
  }
}
