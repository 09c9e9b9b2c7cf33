/** One server-sent event: its `event:` name, if any, and its `data:` lines joined by newlines. */
export interface ServerSentEvent {
  event: string | undefined;
  data: string;
}

/**
 * The part of the server-sent events format that model streams use: `data:` lines (joined when an event
 * has several), an optional `event:` name, comments and other fields ignored, events ended by a blank
 * line, and any of the three line endings. Bytes are decoded as they come, so a character or a line
 * split across network chunks is put back together.
 *
 * A plain class the caller feeds, not an async iterator: the chat adapters read a provider's stream
 * once per network chunk, and stacking an iterator per event on top of that was a measurable part of a
 * turn's CPU.
 */
export class ServerSentEventReader {
  readonly #decoder = new TextDecoder();
  #pending = '';
  #data: string[] = [];
  #event: string | undefined;

  /** The events the bytes (or text) complete; what is left of an unfinished line waits for the next push. */
  push(chunk: Uint8Array | string): ServerSentEvent[] {
    const text = this.#pending + (typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true }));
    const events: ServerSentEvent[] = [];
    // Most servers end lines with `\n` alone: then one search per line is enough.
    const carriageReturns = text.includes('\r');
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (carriageReturns) {
        const carriageReturn = text.indexOf('\r', start);
        if (carriageReturn !== -1 && (end === -1 || carriageReturn < end)) end = carriageReturn;
      }
      if (end === -1) break;
      // A `\r` at the very end may be the first half of `\r\n`: wait for the next bytes to know.
      if (text.charCodeAt(end) === 13 && end === text.length - 1) break;
      this.#line(text.slice(start, end), events);
      start = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
    }
    this.#pending = start === 0 ? text : text.slice(start);
    return events;
  }

  /** At the end of the stream: the last event, if the stream ended without its blank line. */
  finish(): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    const rest = this.#pending + this.#decoder.decode();
    this.#pending = '';
    for (const line of rest.split(/\r\n|\r|\n/)) if (line !== '') this.#line(line, events);
    this.#line('', events);
    return events;
  }

  #line(line: string, events: ServerSentEvent[]): void {
    if (line.length === 0) {
      if (this.#data.length > 0) events.push({ event: this.#event, data: this.#data.length === 1 ? (this.#data[0] as string) : this.#data.join('\n') });
      this.#data = [];
      this.#event = undefined;
      return;
    }
    if (line.charCodeAt(0) === 58) return; // `:` starts a comment, often a keep-alive.
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
  }
}
