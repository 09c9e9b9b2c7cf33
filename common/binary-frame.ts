/**
 * A realtime frame that carries bytes, as one binary WebSocket message: audio without base64.
 *
 * Layout: the header's length in bytes (4, unsigned, big-endian), the header (UTF-8 JSON: the frame
 * without its bytes), then the bytes. Which field the bytes fill is fixed per frame type (`fields`), so
 * a decoded frame has the same shape as its text form with that field holding a `Uint8Array`.
 *
 * Hand-written because it is twelve lines over `DataView` and `TextEncoder`: a general binary
 * serialiser (CBOR, MessagePack) would add a dependency to every client and still copy the audio.
 */

/** Frame type → the field its bytes fill. */
export type BinaryFrameFields = Readonly<Record<string, string>>;

const lengthBytes = 4;
/** Headers are a few hundred bytes (an envelope of a long sentence is the largest); more is not a frame. */
const maxHeaderBytes = 64 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** One message: `header` (JSON-serialisable, without the bytes' field) followed by `bytes`. */
export function encodeBinaryFrame(header: Record<string, unknown>, bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const head = encoder.encode(JSON.stringify(header));
  const message = new Uint8Array(lengthBytes + head.byteLength + bytes.byteLength);
  new DataView(message.buffer).setUint32(0, head.byteLength);
  message.set(head, lengthBytes);
  message.set(bytes, lengthBytes + head.byteLength);
  return message;
}

/**
 * The frame in a binary message, its bytes in the field `fields` names for its type (a view on the
 * message, not a copy), or undefined when the message is not a header and bytes: too short, a header
 * that is not a JSON object with a `type`, or a type that carries no bytes.
 */
export function decodeBinaryFrame(message: ArrayBuffer | ArrayBufferView, fields: BinaryFrameFields): Record<string, unknown> | undefined {
  const bytes = message instanceof ArrayBuffer ? new Uint8Array(message) : new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
  if (bytes.byteLength < lengthBytes) return undefined;
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, lengthBytes).getUint32(0);
  if (headerLength > maxHeaderBytes || lengthBytes + headerLength > bytes.byteLength) return undefined;
  let header: unknown;
  try {
    header = JSON.parse(decoder.decode(bytes.subarray(lengthBytes, lengthBytes + headerLength)));
  } catch {
    return undefined;
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return undefined;
  const type = (header as { type?: unknown }).type;
  const field = typeof type === 'string' && Object.hasOwn(fields, type) ? fields[type] : undefined;
  if (field === undefined) return undefined;
  return { ...header, [field]: bytes.subarray(lengthBytes + headerLength) };
}

/**
 * A frame's audio as bytes: as they came in a binary frame, or decoded from the base64 of a text frame
 * (how older clients, and `--frames text` in the voice bench, send it). Clients and tests share it.
 */
export function audioBytes(audio: string | Uint8Array): Uint8Array {
  return typeof audio === 'string' ? Uint8Array.from(atob(audio), (character) => character.charCodeAt(0)) : audio;
}
