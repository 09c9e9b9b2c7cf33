import { afterEach, describe, expect, it } from 'vitest';
import { createKindredClient, KindredApiError, openRealtime } from './client.ts';

/** A client whose fetch answers `answer` (with `status`) and records what was asked. */
function clientAnswering(answer: unknown, status = 200) {
  const requests: { url: string; method: string; body: unknown }[] = [];
  const client = createKindredClient({
    baseUrl: 'https://kindred.test',
    fetch: async (input, init) => {
      requests.push({ url: String(input), method: init?.method ?? 'GET', body: init?.body === undefined ? undefined : JSON.parse(String(init.body)) });
      return status === 204 ? new Response(null, { status }) : Response.json(answer, { status });
    },
  });
  return { client, requests };
}

const api = 'https://kindred.test/api/v1';

describe('the tools in the client', () => {
  it('gives an HTTP tool its header values with one PUT, and answers the tool', async () => {
    const { client, requests } = clientAnswering({ tool: { id: 'htt_1', tool: { available: true } } });
    expect(await client.setHttpToolHeaders('htt/1', { 'X-Api-Key': 'k' })).toEqual({ id: 'htt_1', tool: { available: true } });
    expect(requests).toEqual([{ url: `${api}/tools/http/htt%2F1/headers`, method: 'PUT', body: { headers: { 'X-Api-Key': 'k' } } }]);
  });

  it('changes a tool’s switch, risk and approval with one PATCH', async () => {
    const { client, requests } = clientAnswering({ id: 'tool_1' });
    await client.updateTool('tool/1', { risk: null, approval: 'always' });
    expect(requests).toEqual([{ url: `${api}/tools/tool%2F1`, method: 'PATCH', body: { risk: null, approval: 'always' } }]);
  });

  it('lists, adds, reads, reconnects and removes tool servers', async () => {
    const { client, requests } = clientAnswering({ servers: [{ id: 'server_1' }] });
    expect(await client.mcpServers()).toEqual([{ id: 'server_1' }]);
    const one = clientAnswering({ server: { id: 'server_1', state: 'ready' } });
    expect(await one.client.addMcpServer({ name: 'Notes', url: 'https://notes.example/mcp', headers: { Authorization: 'Bearer secret' } })).toEqual({
      id: 'server_1',
      state: 'ready',
    });
    expect(await one.client.mcpServer('server_1')).toEqual({ id: 'server_1', state: 'ready' });
    expect(await one.client.reconnectMcpServer('server_1')).toEqual({ id: 'server_1', state: 'ready' });
    requests.push(...one.requests);
    expect(requests).toEqual([
      { url: `${api}/tools/mcp-servers`, method: 'GET', body: undefined },
      {
        url: `${api}/tools/mcp-servers`,
        method: 'POST',
        body: { name: 'Notes', url: 'https://notes.example/mcp', headers: { Authorization: 'Bearer secret' } },
      },
      { url: `${api}/tools/mcp-servers/server_1`, method: 'GET', body: undefined },
      { url: `${api}/tools/mcp-servers/server_1/reconnect`, method: 'POST', body: undefined },
    ]);
    const removal = clientAnswering(undefined, 204);
    expect(await removal.client.deleteMcpServer('server_1')).toBeUndefined();
    expect(removal.requests).toEqual([{ url: `${api}/tools/mcp-servers/server_1`, method: 'DELETE', body: undefined }]);
  });

  it('lists, creates, imports and removes HTTP tools', async () => {
    const { client, requests } = clientAnswering({ tools: [{ id: 'http_1' }] });
    expect(await client.httpTools()).toEqual([{ id: 'http_1' }]);
    const body = {
      name: 'get_weather',
      description: 'Weather for a city.',
      inputSchema: { type: 'object' },
      request: { method: 'GET' as const, url: 'https://weather.example/{city}' },
    };
    await client.createHttpTool(body);
    expect(await client.importOpenApi({ document: 'openapi: 3.1.0' })).toEqual([{ id: 'http_1' }]);
    expect(requests).toEqual([
      { url: `${api}/tools/http`, method: 'GET', body: undefined },
      { url: `${api}/tools/http`, method: 'POST', body },
      { url: `${api}/tools/http/import-openapi`, method: 'POST', body: { document: 'openapi: 3.1.0' } },
    ]);
  });

  it('says a shared tool cannot be removed by its stable id', async () => {
    const { client } = clientAnswering({ error: { id: 'tool_is_shared', message: 'shared' } }, 409);
    const failure = await client.deleteHttpTool('http_1').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KindredApiError);
    expect((failure as KindredApiError).id).toBe('tool_is_shared');
  });

  it('reads the pending approvals and answers one over HTTP', async () => {
    const { client, requests } = clientAnswering({ approvals: [{ id: 'approval_1' }] });
    expect(await client.toolApprovals({ status: 'pending' })).toEqual([{ id: 'approval_1' }]);
    await client.answerToolApproval('approval_1', { approved: true, always: true });
    expect(requests).toEqual([
      { url: `${api}/approvals?status=pending`, method: 'GET', body: undefined },
      { url: `${api}/approvals/approval_1`, method: 'POST', body: { approved: true, always: true } },
    ]);
  });
});

/** A WebSocket that opens at once and records what is sent. */
class RecordingSocket extends EventTarget {
  static latest: RecordingSocket | undefined;
  readyState = 0;
  readonly sent: unknown[] = [];
  constructor(readonly url: string) {
    super();
    RecordingSocket.latest = this;
    queueMicrotask(() => {
      this.readyState = 1;
      this.dispatchEvent(new Event('open'));
    });
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
}

describe('answering an approval on the socket', () => {
  const realWebSocket = globalThis.WebSocket;
  afterEach(() => {
    globalThis.WebSocket = realWebSocket;
  });

  it('sends a tool-approval frame once open, and refuses before, so the caller uses HTTP', async () => {
    globalThis.WebSocket = RecordingSocket as unknown as typeof WebSocket;
    const connection = openRealtime({ url: 'wss://kindred.test/api/v1/realtime', onFrame: () => {} });
    expect(connection.answerToolApproval('approval_1', { approved: true })).toBe(false);
    await new Promise((resolve) => queueMicrotask(() => resolve(undefined)));
    expect(connection.answerToolApproval('approval_1', { approved: false })).toBe(true);
    expect(connection.answerToolApproval('approval_2', { approved: true, always: true })).toBe(true);
    expect(RecordingSocket.latest?.sent).toEqual([
      { type: 'tool-approval', approvalId: 'approval_1', approved: false },
      { type: 'tool-approval', approvalId: 'approval_2', approved: true, always: true },
    ]);
    connection.close();
  });
});
