import { describe, expect, it } from 'vitest';
import { checkOutboundUrl, createOutboundFetch, defaultOutboundPolicy, OutboundError, type OutboundPolicy, type OutboundRefusal } from './outbound-fetch.ts';

const production = defaultOutboundPolicy;
const tests: OutboundPolicy = { ...defaultOutboundPolicy, allowHttp: true, allowPrivate: 'loopback' };
const selfHosted: OutboundPolicy = { ...defaultOutboundPolicy, allowPrivate: 'all' };

const refusalOf = (url: string, policy: OutboundPolicy = production) => {
  const check = checkOutboundUrl(url, policy);
  return check.allowed ? 'allowed' : check.reason;
};

describe('checkOutboundUrl', () => {
  it('allows public https addresses, by name, IPv4 and IPv6', () => {
    for (const url of ['https://api.example.com/v1?q=1', 'https://93.184.216.34/', 'https://[2606:4700::1111]/', 'https://example.com:8443/']) {
      expect(refusalOf(url), url).toBe('allowed');
    }
  });

  it.each<[string, OutboundRefusal]>([
    ['not a url', 'invalid-url'],
    ['ftp://example.com/file', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['javascript:alert(1)', 'scheme'],
    ['data:text/plain,hello', 'scheme'],
    ['http://example.com/', 'insecure'],
    ['https://user:secret@example.com/', 'credentials'],
    ['https://user@example.com/', 'credentials'],
  ])('refuses %s as %s', (url, reason) => {
    expect(refusalOf(url)).toBe(reason);
  });

  it.each<[string, OutboundRefusal]>([
    ['https://127.0.0.1/', 'loopback'],
    ['https://127.255.1.2/', 'loopback'],
    ['https://localhost/', 'loopback'],
    ['https://LOCALHOST./', 'loopback'],
    ['https://api.localhost/', 'loopback'],
    ['https://[::1]/', 'loopback'],
    ['https://[0:0:0:0:0:0:0:1]/', 'loopback'],
    ['https://10.1.2.3/', 'private'],
    ['https://172.16.0.1/', 'private'],
    ['https://172.31.255.255/', 'private'],
    ['https://192.168.1.1/', 'private'],
    ['https://100.64.0.1/', 'private'],
    ['https://[fc00::1]/', 'private'],
    ['https://[fd12:3456::1]/', 'private'],
    ['https://169.254.169.254/latest/meta-data/', 'link-local'],
    ['https://[fe80::1]/', 'link-local'],
    ['https://0.0.0.0/', 'reserved'],
    ['https://0.1.2.3/', 'reserved'],
    ['https://[::]/', 'reserved'],
    ['https://224.0.0.1/', 'reserved'],
    ['https://239.255.255.250/', 'reserved'],
    ['https://255.255.255.255/', 'reserved'],
    ['https://240.0.0.1/', 'reserved'],
    ['https://[ff02::1]/', 'reserved'],
    ['https://192.0.2.10/', 'reserved'],
    ['https://metadata.google.internal/computeMetadata/v1/', 'internal-name'],
    ['https://db.internal/', 'internal-name'],
    ['https://printer.local/', 'internal-name'],
    ['https://metadata/', 'internal-name'],
  ])('refuses %s as %s', (url, reason) => {
    expect(refusalOf(url)).toBe(reason);
  });

  it.each<[string, OutboundRefusal]>([
    // WHATWG URL turns these into dotted decimal before the check sees them.
    ['https://2130706433/', 'loopback'],
    ['https://0x7f000001/', 'loopback'],
    ['https://0x7f.1/', 'loopback'],
    ['https://0177.0.0.1/', 'loopback'],
    ['https://127.1/', 'loopback'],
    ['https://017700000001/', 'loopback'],
    ['https://0xa9fea9fe/', 'link-local'],
    ['https://3232235777/', 'private'],
    // IPv6 spellings of IPv4 addresses.
    ['https://[::ffff:127.0.0.1]/', 'loopback'],
    ['https://[::ffff:7f00:1]/', 'loopback'],
    ['https://[::ffff:169.254.169.254]/', 'link-local'],
    ['https://[::ffff:10.0.0.1]/', 'private'],
    ['https://[::127.0.0.1]/', 'loopback'],
    ['https://[::ffff:0:127.0.0.1]/', 'loopback'],
    ['https://[64:ff9b::a9fe:a9fe]/', 'link-local'],
    ['https://[2002:7f00:1::]/', 'loopback'],
  ])('sees through the numeric form %s (%s)', (url, reason) => {
    expect(refusalOf(url)).toBe(reason);
  });

  it('lets the test policy reach loopback over http, and nothing else that is not public', () => {
    expect(refusalOf('http://127.0.0.1:8787/echo', tests)).toBe('allowed');
    expect(refusalOf('http://localhost:8787/', tests)).toBe('allowed');
    expect(refusalOf('http://[::1]:8787/', tests)).toBe('allowed');
    expect(refusalOf('http://10.0.0.1/', tests)).toBe('private');
    expect(refusalOf('http://169.254.169.254/', tests)).toBe('link-local');
    expect(refusalOf('http://metadata.google.internal/', tests)).toBe('internal-name');
    expect(refusalOf('ftp://127.0.0.1/', tests)).toBe('scheme');
  });

  it('lets a self-hosted policy reach its own network, still only over https and never multicast', () => {
    expect(refusalOf('https://10.0.0.1/', selfHosted)).toBe('allowed');
    expect(refusalOf('https://nas.local/', selfHosted)).toBe('allowed');
    expect(refusalOf('https://127.0.0.1/', selfHosted)).toBe('allowed');
    expect(refusalOf('http://10.0.0.1/', selfHosted)).toBe('insecure');
    expect(refusalOf('https://224.0.0.1/', selfHosted)).toBe('reserved');
  });
});

/** A time limit's timer the test fires itself, instead of waiting for time to pass. */
function manualTimer() {
  const timer = {
    milliseconds: 0,
    stopped: false,
    onTimeout: (): void => undefined,
    start: (onTimeout: () => void, milliseconds: number) => {
      timer.onTimeout = onTimeout;
      timer.milliseconds = milliseconds;
      timer.stopped = false;
      return () => {
        timer.stopped = true;
      };
    },
    fire: () => {
      if (!timer.stopped) timer.onTimeout();
    },
  };
  return timer;
}

/** A fetch that answers from a table of URLs and records what it was asked. */
function scriptedFetch(answers: Record<string, () => Response>) {
  const requests: { url: string; method: string; headers: Headers; body: string }[] = [];
  const implementation = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push({ url: request.url, method: request.method, headers: request.headers, body: await request.text() });
    const answer = answers[request.url];
    if (!answer) throw new Error(`unexpected fetch of ${request.url}`);
    expect(init?.redirect).toBe('manual');
    return answer();
  }) as typeof fetch;
  return { implementation, requests };
}

const redirectTo =
  (location: string, status = 302) =>
  () =>
    new Response(null, { status, headers: { location } });

describe('createOutboundFetch', () => {
  it('refuses a refused address before any request is made', async () => {
    const { implementation, requests } = scriptedFetch({});
    const guarded = createOutboundFetch(production, implementation);
    await expect(guarded('https://169.254.169.254/latest/meta-data/')).rejects.toMatchObject({ reason: 'link-local', id: 'url_not_allowed', status: 400 });
    await expect(guarded('http://example.com/')).rejects.toBeInstanceOf(OutboundError);
    expect(requests).toHaveLength(0);
  });

  it('re-checks every redirect and refuses one to a private address', async () => {
    const { implementation, requests } = scriptedFetch({
      'https://api.example.com/start': redirectTo('https://example.org/next'),
      'https://example.org/next': redirectTo('https://10.0.0.5/admin'),
    });
    const guarded = createOutboundFetch(production, implementation);
    await expect(guarded('https://api.example.com/start')).rejects.toMatchObject({ reason: 'private' });
    expect(requests.map((request) => request.url)).toEqual(['https://api.example.com/start', 'https://example.org/next']);
  });

  it('follows an allowed redirect (relative too), turning a POST into a GET on 303 and dropping every header but the harmless ones across origins', async () => {
    const { implementation, requests } = scriptedFetch({
      'https://api.example.com/orders': redirectTo('/orders/7', 303),
      'https://api.example.com/orders/7': redirectTo('https://cdn.example.net/orders/7.json', 307),
      'https://cdn.example.net/orders/7.json': () => Response.json({ id: 7 }),
    });
    const guarded = createOutboundFetch(production, implementation);
    const response = await guarded('https://api.example.com/orders', {
      method: 'POST',
      body: '{"item":1}',
      headers: { authorization: 'Bearer t', 'x-api-key': 'k', accept: 'application/json', 'content-type': 'application/json' },
    });
    expect(await response.json()).toEqual({ id: 7 });
    expect(
      requests.map((request) => [request.method, request.url, request.headers.get('authorization'), request.headers.get('x-api-key'), request.body]),
    ).toEqual([
      ['POST', 'https://api.example.com/orders', 'Bearer t', 'k', '{"item":1}'],
      ['GET', 'https://api.example.com/orders/7', 'Bearer t', 'k', ''],
      ['GET', 'https://cdn.example.net/orders/7.json', null, null, ''],
    ]);
    expect(requests[2]?.headers.get('accept')).toBe('application/json');
  });

  it('keeps method and body on 307', async () => {
    const { implementation, requests } = scriptedFetch({
      'https://api.example.com/a': redirectTo('https://api.example.com/b', 307),
      'https://api.example.com/b': () => new Response('ok'),
    });
    await createOutboundFetch(production, implementation)('https://api.example.com/a', { method: 'PUT', body: 'same' });
    expect(requests.map((request) => [request.method, request.body])).toEqual([
      ['PUT', 'same'],
      ['PUT', 'same'],
    ]);
  });

  it('stops after 5 redirects', async () => {
    const answers: Record<string, () => Response> = {};
    for (let hop = 0; hop < 10; hop++) answers[`https://api.example.com/${hop}`] = redirectTo(`https://api.example.com/${hop + 1}`);
    const { implementation, requests } = scriptedFetch(answers);
    await expect(createOutboundFetch(production, implementation)('https://api.example.com/0')).rejects.toMatchObject({ reason: 'too-many-redirects' });
    expect(requests).toHaveLength(6);
  });

  it('refuses a body that declares more than the limit without reading it', async () => {
    const { implementation } = scriptedFetch({
      'https://api.example.com/big': () => new Response('x'.repeat(2_000), { headers: { 'content-length': '2000' } }),
    });
    const guarded = createOutboundFetch({ ...production, maxResponseBytes: 1_024 }, implementation);
    await expect(guarded('https://api.example.com/big')).rejects.toMatchObject({ reason: 'too-large', id: 'payload_too_large' });
  });

  it('cuts a streamed body off as soon as it passes the limit, without reading the rest', async () => {
    let chunksPulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        chunksPulled++;
        controller.enqueue(new Uint8Array(1_000));
      },
    });
    const { implementation } = scriptedFetch({ 'https://api.example.com/stream': () => new Response(endless) });
    const response = await createOutboundFetch({ ...production, maxResponseBytes: 4_500 }, implementation)('https://api.example.com/stream');
    await expect(response.text()).rejects.toMatchObject({ reason: 'too-large' });
    expect(chunksPulled).toBeLessThan(10);
  });

  it('passes a body within the limit through whole', async () => {
    const { implementation } = scriptedFetch({ 'https://api.example.com/small': () => new Response('y'.repeat(4_000)) });
    const response = await createOutboundFetch({ ...production, maxResponseBytes: 4_000 }, implementation)('https://api.example.com/small');
    expect((await response.text()).length).toBe(4_000);
  });

  it('aborts an exchange that takes longer than the time limit, body included', async () => {
    const neverAnswers = ((_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as typeof fetch;
    const timer = manualTimer();
    const pending = createOutboundFetch(production, neverAnswers, { startTimer: timer.start })('https://slow.example.com/');
    expect(timer.milliseconds).toBe(production.timeoutMs);
    timer.fire();
    await expect(pending).rejects.toMatchObject({ reason: 'timeout', id: 'source_unreachable' });
    // A body that stalls is cut off by the same limit: the timer runs until the body is read.
    const stalling = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => undefined) });
    let signalOfCall: AbortSignal | undefined;
    const answersThenStalls = ((_input: RequestInfo | URL, init?: RequestInit) => {
      signalOfCall = init?.signal ?? undefined;
      return Promise.resolve(new Response(stalling));
    }) as typeof fetch;
    const bodyTimer = manualTimer();
    await createOutboundFetch(production, answersThenStalls, { startTimer: bodyTimer.start })('https://slow.example.com/');
    expect(bodyTimer.stopped).toBe(false);
    bodyTimer.fire();
    expect(signalOfCall?.aborted).toBe(true);
  });

  it('with streaming, stops timing once the headers arrive and leaves the size to the caller', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(5_000));
        controller.close();
      },
    });
    const timer = manualTimer();
    const guarded = createOutboundFetch({ ...production, maxResponseBytes: 1_024 }, async () => new Response(body), {
      streaming: true,
      startTimer: timer.start,
    });
    const response = await guarded('https://mcp.example.com/sse');
    expect(timer.stopped).toBe(true);
    expect((await response.arrayBuffer()).byteLength).toBe(5_000);
  });

  it('with streaming, still refuses addresses and times out a server that never answers', async () => {
    const neverAnswers = ((_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as typeof fetch;
    const timer = manualTimer();
    const guarded = createOutboundFetch(production, neverAnswers, { streaming: true, startTimer: timer.start });
    await expect(guarded('https://10.0.0.1/sse')).rejects.toMatchObject({ reason: 'private' });
    const pending = guarded('https://slow.example.com/sse');
    timer.fire();
    await expect(pending).rejects.toMatchObject({ reason: 'timeout' });
  });
});
