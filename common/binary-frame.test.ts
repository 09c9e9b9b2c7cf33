import { describe, expect, it } from 'vitest';
import { audioBytes, decodeBinaryFrame, encodeBinaryFrame } from './binary-frame.ts';
import { binaryFrameFields } from './protocol.ts';

describe('binary frames', () => {
  it('carry a frame and its audio, and give the bytes back in the field of the frame type', () => {
    const audio = Uint8Array.from({ length: 3000 }, (_, index) => index % 251);
    const message = encodeBinaryFrame({ type: 'voice-segment-audio', messageId: 'msg_1', index: 2, part: 1, durationMs: 62.5, envelope: [0.5, 1] }, audio);
    expect(decodeBinaryFrame(message.buffer, binaryFrameFields)).toEqual({
      type: 'voice-segment-audio',
      messageId: 'msg_1',
      index: 2,
      part: 1,
      durationMs: 62.5,
      envelope: [0.5, 1],
      audio,
    });
    // A view into a larger buffer reads from its own offset, and the client's audio fills `data`.
    const inner = encodeBinaryFrame({ type: 'voice-audio', utteranceId: 'utt_1', seq: 0 }, audio.subarray(0, 10));
    const padded = new Uint8Array(inner.byteLength + 16);
    padded.set(inner, 7);
    expect(decodeBinaryFrame(padded.subarray(7, 7 + inner.byteLength), binaryFrameFields)).toEqual({
      type: 'voice-audio',
      utteranceId: 'utt_1',
      seq: 0,
      data: audio.subarray(0, 10),
    });
  });

  it('reads nothing from a message that is not a header and its bytes', () => {
    const header = (text: string, length?: number) => {
      const bytes = new TextEncoder().encode(text);
      const message = new Uint8Array(4 + bytes.byteLength);
      new DataView(message.buffer).setUint32(0, length ?? bytes.byteLength);
      message.set(bytes, 4);
      return message;
    };
    for (const message of [
      new Uint8Array(),
      new Uint8Array([0, 0, 0]),
      header('{"type":"voice-audio"}', 999),
      header('{"type":"voice-audio"'),
      header('null'),
      header('[1]'),
      header('{"seq":0}'),
      header('{"type":"message-send"}'),
      header('{"type":"toString"}'),
      Uint8Array.from([0, 0, 0, 2, 0xff, 0xfe]),
    ]) {
      expect(decodeBinaryFrame(message, binaryFrameFields)).toBeUndefined();
    }
  });

  it('give audio from base64 (a text frame) or its bytes as they are (a binary frame)', () => {
    const bytes = new Uint8Array(70_001).map((_, index) => (index * 31) % 256);
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    expect(audioBytes(btoa(binary))).toEqual(bytes);
    expect(audioBytes(bytes)).toBe(bytes);
  });
});
