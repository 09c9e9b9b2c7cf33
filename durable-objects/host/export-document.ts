import { log } from '../../server/logging/log.ts';

/**
 * A list in the export that is read one item at a time while the document is written, so that a
 * long one (every message, every version of every file) is never held whole in the object's 128 MB.
 * It may stand for a section of the export, or for a member of an item of such a list (a
 * conversation's messages, a file's versions).
 */
export class ExportList<Item> {
  readonly #items: () => AsyncIterable<Item>;

  constructor(items: () => AsyncIterable<Item>) {
    this.#items = items;
  }

  [Symbol.asyncIterator](): AsyncIterator<Item> {
    return this.#items()[Symbol.asyncIterator]();
  }
}

/** A list read lazily while the export is written; `items` is called once, when the writer reaches it. */
export const exportList = <Item>(items: () => AsyncIterable<Item>): ExportList<Item> => new ExportList(items);

type WrittenItem<Item> = { [Key in keyof Item]: Item[Key] extends ExportList<infer Inner> ? Inner[] : Item[Key] };
// A section may be a lazy list, or an object with lazy lists as members (`calendar: { events }`).
type WrittenValue<Value> = Value extends ExportList<infer Item> ? WrittenItem<Item>[] : WrittenItem<Value>;

/** A capability's part of the export as it reads in the document: its lazy lists written out as arrays. */
export type Written<Part> = { [Section in keyof Part]: WrittenValue<Part[Section]> };

/** The text is handed on in pieces of about this many characters, rather than one RPC frame per value. */
const chunkCharacters = 64 * 1024;

/**
 * The JSON text of `document`, indented by two spaces like `JSON.stringify(value, null, 2)`, produced
 * as it is read: each lazy list is iterated only when the writer gets to it. If reading fails part
 * way, the stream errors, so the download fails instead of ending as a document that looks complete.
 */
export function streamJsonDocument(document: Record<string, unknown>, context: { userId: string }): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const pieces = jsonText(document, '');
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let buffered = '';
      try {
        while (buffered.length < chunkCharacters) {
          const next = await pieces.next();
          if (next.done) {
            if (buffered) controller.enqueue(encoder.encode(buffered));
            controller.close();
            return;
          }
          buffered += next.value;
        }
      } catch (error) {
        log.error('export_failed', { userId: context.userId, error: error instanceof Error ? error.name : typeof error });
        throw error;
      }
      controller.enqueue(encoder.encode(buffered));
    },
    async cancel() {
      await pieces.return(undefined);
    },
  });
}

async function* jsonText(value: unknown, indent: string): AsyncGenerator<string> {
  if (value instanceof ExportList) {
    yield '[';
    let empty = true;
    for await (const item of value) {
      yield `${empty ? '' : ','}\n${indent}  `;
      yield* jsonText(item, `${indent}  `);
      empty = false;
    }
    yield empty ? ']' : `\n${indent}]`;
    return;
  }
  if (isPlainObject(value) && Object.values(value).some((member) => member instanceof ExportList)) {
    yield '{';
    let empty = true;
    for (const [key, member] of Object.entries(value)) {
      // Left out, as JSON.stringify leaves out an undefined member.
      if (member === undefined) continue;
      yield `${empty ? '' : ','}\n${indent}  ${JSON.stringify(key)}: `;
      yield* jsonText(member, `${indent}  `);
      empty = false;
    }
    yield empty ? '}' : `\n${indent}}`;
    return;
  }
  // Strings escape their line breaks, so every line break here is the layout's own and takes the indent.
  yield (JSON.stringify(value, null, 2) ?? 'null').replaceAll('\n', `\n${indent}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
