import type { ExportedVoiceRecording, VoiceSettings } from '../../common/voice.ts';
import { voiceInputSampleRate } from '../../common/voice.ts';
import { createId } from '../../server/crypto/encoding.ts';
import type { UserVault } from '../host/user-vault.ts';
import { pcm16DurationMs, toBase64 } from './audio.ts';

const r2BatchSize = 1000;

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
    const id = createId('rec', now);
    const key = `${this.#prefix()}${id}`;
    const sealed = await this.vault.seal(toBase64(pcm), `voice:${id}:audio`);
    await this.bucket.put(key, sealed, { httpMetadata: { contentType: 'application/octet-stream' } });
    this.sql.exec(
      'INSERT INTO voice_recordings (id, message_id, object_key, duration_ms, created_at) VALUES (?, ?, ?, ?, ?)',
      id,
      messageId,
      key,
      Math.round(pcm16DurationMs(pcm.byteLength, voiceInputSampleRate)),
      now,
    );
    return id;
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

  #prefix(): string {
    return `users/${this.userId}/voice/`;
  }
}
