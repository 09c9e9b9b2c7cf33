import { describe, expect, it } from 'vitest';
import { ServerSentEventReader } from './server-sent-events.ts';

describe('server-sent event reader', () => {
  const encoder = new TextEncoder();
  const readAll = (pieces: string[]) => {
    const reader = new ServerSentEventReader();
    return pieces.flatMap((piece) => reader.push(encoder.encode(piece)));
  };

  it('puts events split anywhere across network chunks back together', () => {
    const stream = 'data: {"a":1}\n\ndata: {"b":"é"}\n\n';
    const bytes = encoder.encode(stream);
    const reader = new ServerSentEventReader();
    // One byte at a time also splits the two-byte "é".
    const events = Array.from(bytes, (byte) => reader.push(Uint8Array.of(byte))).flat();
    expect(events).toEqual([
      { event: undefined, data: '{"a":1}' },
      { event: undefined, data: '{"b":"é"}' },
    ]);
  });

  it('accepts \\r\\n and \\r line endings, joins several data lines, and skips comments and other fields', () => {
    expect(readAll([': keep-alive\r\n\r\n', 'event: error\r', '\ndata: first\rdata:second\r\rid: 7\nretry: 10\ndata: third\n', '\n'])).toEqual([
      { event: 'error', data: 'first\nsecond' },
      { event: undefined, data: 'third' },
    ]);
  });

  it('keeps an unfinished event until its blank line arrives', () => {
    const reader = new ServerSentEventReader();
    expect(reader.push(encoder.encode('data: [DONE]\n'))).toEqual([]);
    expect(reader.push(encoder.encode('\n'))).toEqual([{ event: undefined, data: '[DONE]' }]);
  });

  it('takes text as well as bytes, and gives the last event when the stream ends without its blank line', () => {
    const reader = new ServerSentEventReader();
    expect(reader.push('data: one\n\ndata: two')).toEqual([{ event: undefined, data: 'one' }]);
    expect(reader.finish()).toEqual([{ event: undefined, data: 'two' }]);
  });
});
