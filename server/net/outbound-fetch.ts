import type { ErrorId } from '../../common/error-ids.ts';
import { AppError } from '../errors/app-error.ts';

/**
 * Where calls to URLs that people supply (HTTP tools, MCP servers) may go, and how much they may
 * take. Read from configuration by `outboundPolicyFromConfig`; tests build their own.
 */
export interface OutboundPolicy {
  /** Plain `http:` as well as `https:`: only for local runs and tests. */
  allowHttp: boolean;
  /**
   * Addresses that are not on the public internet: `none` (production), `loopback` (127/8, ::1,
   * localhost: the test services), `all` (also private, link-local and internal names: a
   * self-hosted install that calls its own network on purpose).
   */
  allowPrivate: 'none' | 'loopback' | 'all';
  /** The most bytes of response body read; more is an error while streaming, not after buffering. */
  maxResponseBytes: number;
  /** The whole exchange (every redirect and the body) ends after this long. */
  timeoutMs: number;
}

export const defaultOutboundPolicy: OutboundPolicy = {
  allowHttp: false,
  allowPrivate: 'none',
  maxResponseBytes: 2 * 1024 * 1024,
  timeoutMs: 15_000,
};

/** Why a URL or a response was refused. */
export type OutboundRefusal =
  | 'invalid-url'
  | 'scheme'
  | 'insecure'
  | 'credentials'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'reserved'
  | 'internal-name'
  | 'too-many-redirects'
  | 'too-large'
  | 'timeout';

const refusalWords: Record<OutboundRefusal, string> = {
  'invalid-url': 'is not a valid URL',
  scheme: 'must use https',
  insecure: 'must use https, not http',
  credentials: 'must not carry a user name or password',
  loopback: 'points at this machine (loopback)',
  private: 'points at a private network address',
  'link-local': 'points at a link-local address (such as the cloud metadata service)',
  reserved: 'points at a reserved or multicast address',
  'internal-name': 'names an internal host',
  'too-many-redirects': 'redirected more than 5 times',
  'too-large': 'answered with more data than allowed',
  timeout: 'took too long to answer',
};

const errorIdOf = (reason: OutboundRefusal): ErrorId => {
  if (reason === 'too-large') return 'payload_too_large';
  if (reason === 'timeout') return 'source_unreachable';
  return 'url_not_allowed';
};

/**
 * A call to a user-supplied URL that the guard stopped: a refused address (`url_not_allowed`, 400),
 * a response over the size limit or a timeout. `reason` says which, for callers and tests.
 */
export class OutboundError extends AppError {
  readonly reason: OutboundRefusal;

  constructor(reason: OutboundRefusal, message?: string) {
    super(errorIdOf(reason), message ?? `The address ${refusalWords[reason]}.`);
    this.reason = reason;
  }
}

export type OutboundCheck = { allowed: true; url: URL } | { allowed: false; reason: OutboundRefusal; message: string };

/**
 * Whether a URL may be called under the policy, from the URL alone. The WHATWG URL parser has
 * already turned decimal, octal, hex and short IPv4 forms (`2130706433`, `0x7f.1`, `0177.0.0.1`,
 * `127.1`) into dotted decimal for http(s), and IPv6 into its compressed form, so the checks below
 * see one spelling per address.
 *
 * What this cannot see: a public name whose DNS answer is a private address. A Worker cannot resolve
 * names itself; its `fetch` runs on Cloudflare's network, which does not route to private networks or
 * to the Worker's own infrastructure, so such a name fails there rather than here. In local mode
 * (`wrangler dev`) that platform protection is absent: only the literal checks here apply.
 */
export function checkOutboundUrl(input: string | URL, policy: OutboundPolicy): OutboundCheck {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    return refuse('invalid-url');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return refuse('scheme');
  if (url.protocol === 'http:' && !policy.allowHttp) return refuse('insecure');
  if (url.username !== '' || url.password !== '') return refuse('credentials');
  const kind = classifyHost(url.hostname);
  if (kind === 'public') return { allowed: true, url };
  if (kind === 'multicast') return refuse('reserved');
  if (policy.allowPrivate === 'all') return { allowed: true, url };
  if (kind === 'loopback' && policy.allowPrivate === 'loopback') return { allowed: true, url };
  return refuse(kind);
}

function refuse(reason: OutboundRefusal): OutboundCheck {
  return { allowed: false, reason, message: `The address ${refusalWords[reason]}.` };
}

type HostKind = 'public' | 'loopback' | 'private' | 'link-local' | 'reserved' | 'multicast' | 'internal-name';

function classifyHost(hostname: string): HostKind {
  if (hostname.startsWith('[')) return classifyIpv6(hostname.slice(1, -1));
  const ipv4 = parseDottedIpv4(hostname);
  if (ipv4 !== undefined) return classifyIpv4(ipv4);
  // A trailing dot names the same host ("localhost." is localhost).
  const name = hostname.replace(/\.$/, '').toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) return 'loopback';
  // metadata.google.internal and every other *.internal, mDNS *.local, and single-label names that
  // only a local resolver knows (`metadata`, `intranet`).
  if (name.endsWith('.internal') || name === 'internal' || name.endsWith('.local') || name.endsWith('.home.arpa') || !name.includes('.')) {
    return 'internal-name';
  }
  return 'public';
}

/** After WHATWG parsing an IPv4 host is always four decimal parts; anything else is a name. */
function parseDottedIpv4(hostname: string): number | undefined {
  const parts = hostname.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) return undefined;
  const octets = parts.map(Number);
  if (octets.some((octet) => octet > 255)) return undefined;
  return octets.reduce((address, octet) => address * 256 + octet, 0);
}

const ipv4Ranges: readonly [string, number, HostKind][] = [
  ['0.0.0.0', 8, 'reserved'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'private'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

function classifyIpv4(address: number): HostKind {
  for (const [base, prefix, kind] of ipv4Ranges) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if ((address & mask) >>> 0 === (parseDottedIpv4(base) ?? 0)) return kind;
  }
  return 'public';
}

/** The eight 16-bit groups of an IPv6 address as the URL parser writes it (compressed, lower case). */
function parseIpv6(text: string): number[] | undefined {
  let body = text;
  const groupsFromIpv4: number[] = [];
  const dotted = body.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const [, prefix = '', dottedIpv4 = ''] = dotted;
    const ipv4 = parseDottedIpv4(dottedIpv4);
    if (ipv4 === undefined) return undefined;
    groupsFromIpv4.push(ipv4 >>> 16, ipv4 & 0xffff);
    body = prefix.endsWith('::') ? prefix : prefix.slice(0, -1);
  }
  const [head, tail, ...rest] = body.split('::');
  if (rest.length > 0) return undefined;
  const parse = (part: string | undefined) => (part ? part.split(':').map((group) => Number.parseInt(group, 16)) : []);
  const headGroups = parse(head);
  const tailGroups = [...parse(tail), ...groupsFromIpv4];
  const missing = 8 - headGroups.length - tailGroups.length;
  if (tail === undefined && missing !== 0) return undefined;
  const groups = [...headGroups, ...new Array(Math.max(0, missing)).fill(0), ...tailGroups];
  if (groups.length !== 8 || groups.some((group) => Number.isNaN(group) || group < 0 || group > 0xffff)) return undefined;
  return groups;
}

function classifyIpv6(text: string): HostKind {
  const parsed = parseIpv6(text);
  // The URL parser accepted it, so this cannot happen; refusing is the safe answer if it does.
  if (!parsed) return 'reserved';
  const groups = parsed as [number, number, number, number, number, number, number, number];
  const embeddedIpv4 = () => ((groups[6] << 16) | groups[7]) >>> 0;
  const firstSixZero = groups.slice(0, 6).every((group) => group === 0);
  if (firstSixZero && groups[6] === 0 && groups[7] === 0) return 'reserved';
  if (firstSixZero && groups[6] === 0 && groups[7] === 1) return 'loopback';
  // IPv4-compatible (::a.b.c.d), IPv4-mapped (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d)
  // and NAT64 (64:ff9b::a.b.c.d) all reach an IPv4 address: judge that one.
  if (firstSixZero) return classifyIpv4(embeddedIpv4());
  const firstFiveZero = groups.slice(0, 5).every((group) => group === 0);
  if (firstFiveZero && groups[5] === 0xffff) return classifyIpv4(embeddedIpv4());
  if (groups.slice(0, 4).every((group) => group === 0) && groups[4] === 0xffff && groups[5] === 0) return classifyIpv4(embeddedIpv4());
  if (groups[0] === 0x64 && groups[1] === 0xff9b) return classifyIpv4(embeddedIpv4());
  // 6to4 (2002:a.b.c.d::/48) carries its IPv4 address in groups 1 and 2.
  if (groups[0] === 0x2002) return classifyIpv4(((groups[1] << 16) | groups[2]) >>> 0);
  if ((groups[0] & 0xfe00) === 0xfc00) return 'private';
  if ((groups[0] & 0xffc0) === 0xfe80) return 'link-local';
  // Site-local (deprecated, still routed inside some networks).
  if ((groups[0] & 0xffc0) === 0xfec0) return 'private';
  if ((groups[0] & 0xff00) === 0xff00) return 'multicast';
  // Documentation (2001:db8::/32), Teredo (2001::/32) and the discard prefix (100::/64).
  if (groups[0] === 0x2001 && (groups[1] === 0x0db8 || groups[1] === 0)) return 'reserved';
  if (groups[0] === 0x0100 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0) return 'reserved';
  return 'public';
}

const maxRedirects = 5;
const headersKeptAcrossOrigins = new Set(['accept', 'accept-language', 'content-type', 'user-agent']);

/** How a caller reads the answers of its guarded fetch. */
export interface OutboundFetchOptions {
  /**
   * The answer is a stream read for as long as it lasts (an MCP server's server-sent events): the
   * time limit then covers the request and redirects until the answer's headers arrive, and the size
   * limit is left to the caller, per message. Without it both cover the whole exchange.
   */
  streaming?: boolean;
  /** Starts the time limit's timer and answers how to stop it; tests pass one they fire themselves. */
  startTimer?: (onTimeout: () => void, milliseconds: number) => () => void;
}

const realTimer = (onTimeout: () => void, milliseconds: number) => {
  const timer = setTimeout(onTimeout, milliseconds);
  return () => clearTimeout(timer);
};

/**
 * A `fetch` for user-supplied URLs: every URL (and every redirect's Location, at most 5) is checked
 * with `checkOutboundUrl`; the body is cut off with an `OutboundError('too-large')` as soon as it
 * passes the limit while it streams; the whole exchange is aborted after `timeoutMs` (see
 * `OutboundFetchOptions.streaming` for long-lived streams). Refusals throw `OutboundError`; network
 * failures throw what `fetch` throws.
 */
export function createOutboundFetch(
  policy: OutboundPolicy,
  fetchImplementation: typeof fetch = (input, init) => fetch(input, init),
  options: OutboundFetchOptions = {},
): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit) => {
    const first = new Request(input, init);
    const timeoutController = new AbortController();
    const stopTimer = (options.startTimer ?? realTimer)(() => timeoutController.abort(new OutboundError('timeout')), policy.timeoutMs);
    const timeout = timeoutController.signal;
    const callerSignal = init?.signal ?? first.signal;
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    // Read once, so a 307/308 can send it again; bodies sent to tools and MCP servers are small.
    let body: ArrayBuffer | null = first.body ? await first.arrayBuffer() : null;
    let method = first.method;
    const headers = new Headers(first.headers);
    let url = first.url;
    try {
      for (let hop = 0; ; hop++) {
        const check = checkOutboundUrl(url, policy);
        if (!check.allowed) throw new OutboundError(check.reason, `${url.slice(0, 200)}: ${check.message}`);
        const response = await fetchImplementation(check.url.href, { method, headers, body, redirect: 'manual', signal });
        const location = response.headers.get('location');
        if (response.status < 300 || response.status >= 400 || response.status === 304 || !location) {
          if (!options.streaming) return limitBody(response, policy, timeout, () => stopTimer());
          stopTimer();
          return response;
        }
        await response.body?.cancel();
        if (hop >= maxRedirects) throw new OutboundError('too-many-redirects');
        url = new URL(location, url).href;
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
          method = method === 'HEAD' ? 'HEAD' : 'GET';
          body = null;
          headers.delete('content-type');
          headers.delete('content-length');
        }
        // A redirect to another origin takes none of the caller's headers but the harmless ones: an
        // API key may sit in any header (X-Api-Key), not only in Authorization as browsers assume.
        if (new URL(url).origin !== check.url.origin) {
          for (const name of [...headers.keys()]) if (!headersKeptAcrossOrigins.has(name)) headers.delete(name);
        }
      }
    } catch (error) {
      stopTimer();
      throw timeout.aborted ? new OutboundError('timeout', `The address ${refusalWords.timeout} (over ${policy.timeoutMs} ms).`) : error;
    }
  };
}

/** The response with a body that errors once it has carried more than the limit. */
function limitBody(response: Response, policy: OutboundPolicy, timeout: AbortSignal, finished: () => void): Response {
  const tooLarge = () => new OutboundError('too-large', `The answer was larger than ${policy.maxResponseBytes} bytes.`);
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > policy.maxResponseBytes) {
    finished();
    void response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) {
    finished();
    return response;
  }
  const reader = response.body.getReader();
  let received = 0;
  const limited = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          finished();
          controller.close();
          return;
        }
        received += value.byteLength;
        if (received > policy.maxResponseBytes) {
          finished();
          void reader.cancel();
          controller.error(tooLarge());
          return;
        }
        controller.enqueue(value);
      } catch (error) {
        finished();
        controller.error(timeout.aborted ? new OutboundError('timeout', `The address ${refusalWords.timeout} (over ${policy.timeoutMs} ms).`) : error);
      }
    },
    cancel(reason) {
      finished();
      return reader.cancel(reason);
    },
  });
  return new Response(limited, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** The policy the configuration sets (see the OUTBOUND_* variables in the README). */
export function outboundPolicyFromConfig(config: {
  OUTBOUND_ALLOW_HTTP: boolean;
  OUTBOUND_ALLOW_PRIVATE: OutboundPolicy['allowPrivate'];
  OUTBOUND_MAX_RESPONSE_BYTES: number;
  OUTBOUND_TIMEOUT_MS: number;
}): OutboundPolicy {
  return {
    allowHttp: config.OUTBOUND_ALLOW_HTTP,
    allowPrivate: config.OUTBOUND_ALLOW_PRIVATE,
    maxResponseBytes: config.OUTBOUND_MAX_RESPONSE_BYTES,
    timeoutMs: config.OUTBOUND_TIMEOUT_MS,
  };
}
