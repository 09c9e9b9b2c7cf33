/**
 * At most one run per key at a time: a second call while the first runs joins it (and gets its
 * result). Scheduled jobs run at least once, and a platform retry can start one while it is still
 * running; work that reads, asks the model, then writes (memory extraction, summaries, deliveries)
 * would otherwise write twice.
 */
export class SingleFlight {
  readonly #running = new Map<string, Promise<unknown>>();

  run<Result = void>(key: string, work: () => Promise<Result>): Promise<Result> {
    const running = this.#running.get(key) as Promise<Result> | undefined;
    if (running) return running;
    const started = work().finally(() => this.#running.delete(key));
    this.#running.set(key, started);
    return started;
  }
}
