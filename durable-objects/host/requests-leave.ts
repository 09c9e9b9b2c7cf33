/**
 * Resolves once the event loop has turned, so a request started just before is on its way.
 *
 * workerd sends a `fetch` only after the code that called it yields to the event loop, and an object
 * holds every outgoing message (requests included) while a storage write is uncommitted. A write made
 * right after starting a request, in the same run of code, therefore holds that request until it
 * commits, even though the request came first. Awaiting this between the two lets the request leave
 * first. Measured with the voice bench, one session: the speech request of the reply's last sentence
 * reached the provider 7–8 ms (p50) after it was asked for before, 1 ms with this; the model request
 * 9 ms after the turn started before, 7 with this.
 */
export function letRequestsLeave(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
