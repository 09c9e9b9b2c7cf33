/**
 * Runs the turns of one conversation one after another, so each sees the previous reply; turns of
 * different conversations run side by side. Keyed by the resolved conversation id: a turn sent
 * without an id and one naming the newest conversation share a queue.
 */
export class TurnQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<Result>(conversationId: string, turn: () => Promise<Result>): Promise<Result> {
    const previous = this.#tails.get(conversationId) ?? Promise.resolve();
    const next = previous.then(turn);
    const settled = next.catch(() => {});
    this.#tails.set(conversationId, settled);
    settled.then(() => {
      if (this.#tails.get(conversationId) === settled) this.#tails.delete(conversationId);
    });
    return next;
  }

  /** How many conversations have a turn running or waiting. */
  get busyConversations(): number {
    return this.#tails.size;
  }
}
