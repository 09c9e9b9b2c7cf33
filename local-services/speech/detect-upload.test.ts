import { describe, expect, it } from 'vitest';
import { detectUpload } from './transcription.ts';

describe('what an upload is', () => {
  it('takes declared PCM as PCM whatever its first samples look like, an MP3 frame sync among them', () => {
    // -257 and -3329 as little-endian 16-bit samples: FF FE FF F2, which an MP3 sniffer would take for a frame header.
    const samples = new Uint8Array([0xff, 0xfe, 0xff, 0xf2, 0, 0, 0, 0]);
    expect(detectUpload(samples, 'audio/pcm;rate=24000')).toEqual({ kind: 'pcm' });
    expect(detectUpload(samples, 'audio/L16; rate=16000')).toEqual({ kind: 'pcm' });
    expect(detectUpload(samples, 'application/octet-stream')).toEqual({ kind: 'mp3' });
  });

  it('knows a file by its magic bytes, not by the type it claims', () => {
    const wav = new TextEncoder().encode('RIFF\0\0\0\0WAVEfmt ');
    expect(detectUpload(wav, 'audio/mpeg')).toEqual({ kind: 'wav' });
    expect(detectUpload(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]), 'audio/wav').kind).toBe('unsupported');
  });
});
