import { describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { type ImportReport, importReportSchema } from '../../common/import.ts';
import { exportDocumentSchema, exportFormatVersion } from '../../common/protocol.ts';
import { httpToolSchema, httpToolsAnswerSchema, mcpServersAnswerSchema } from '../../common/tools.ts';
import { api, buildUser, expectError, readJson, uniqueText } from '../../test-support/api.ts';
import { recordedChatRequests, scriptFakeOpenAI } from '../../test-support/fake-openai/control.ts';
import { recordedHttpToolRequests } from '../../test-support/http-tool-service.ts';
import { runScheduledWork } from '../../test-support/scheduled-work.ts';

/*
 * What the round trip (import.test.ts) cannot show of the settings-and-links sections: what the report
 * tells the person about what did not come back, that a tool without its header values is never
 * offered, that an MCP server is connected again, and that a care follow-up still ahead still comes.
 */

const httpToolService = inject('httpToolServiceUrl');
const mcpServersUrl = inject('mcpServersUrl');
const fakeUrl = inject('fakeOpenAIUrl');
const user = { displayName: 'Noor', timezone: 'Europe/Amsterdam' };

function toolView(id: string, name: string, risk: 'read' | 'act') {
  return {
    id: `http:${id}`,
    name,
    title: name,
    description: 'A tool.',
    enabled: true,
    risk,
    defaultRisk: risk,
    approval: 'ask',
    source: { kind: 'http', httpToolId: id, shared: false },
    available: true,
  };
}

function httpTool(id: string, name: string, request: { method: 'GET' | 'POST'; url: string; headerNames: string[] }) {
  return {
    id,
    name,
    title: name,
    description: 'A tool.',
    inputSchema: { type: 'object', properties: {} },
    request,
    shared: false,
    tool: toolView(id, name, request.method === 'GET' ? 'read' : 'act'),
    createdAt: '2026-09-01T12:00:00.000Z',
  };
}

function mcpServer(id: string, overrides: { url: string; auth?: 'none' | 'headers' | 'oauth'; headerNames?: string[] }) {
  return {
    id,
    name: `Server ${id}`,
    transport: 'streamable-http',
    auth: 'none',
    headerNames: [],
    state: 'ready',
    reason: null,
    authorizationUrl: null,
    tools: [],
    createdAt: '2026-09-02T12:00:00.000Z',
    lastConnectedAt: '2026-11-01T12:00:00.000Z',
    ...overrides,
  };
}

async function importInto(token: string, document: unknown): Promise<ImportReport> {
  return readJson(await api('/api/v1/me/import', { token, body: document }), importReportSchema);
}

describe('importing the settings-and-links sections', () => {
  it('tells what did not come back and what to do: devices, calendars, WhatsApp, MCP servers with secrets, tools without their header values', async () => {
    const person = await buildUser();
    const report = await importInto(person.token, {
      formatVersion: exportFormatVersion,
      user,
      pushSubscriptions: [
        { id: 'push_1', kind: 'web', deviceName: 'Laptop', createdAt: '2026-10-01T10:00:00.000Z' },
        { id: 'push_2', kind: 'android', createdAt: '2026-10-02T10:00:00.000Z' },
      ],
      calendarSources: [{ id: 'cal_1', kind: 'google', name: 'Google Calendar', status: 'ok', createdAt: '2026-10-03T10:00:00.000Z' }],
      whatsapp: { status: 'linked', phoneNumber: '+447700900123' },
      mcpServers: [
        mcpServer('mcp_headers', { url: `${mcpServersUrl}/headers/mcp`, auth: 'headers', headerNames: ['Authorization'] }),
        mcpServer('mcp_oauth', { url: `${mcpServersUrl}/oauth/mcp`, auth: 'oauth' }),
        mcpServer('mcp_keyed', { url: `${mcpServersUrl}/plain/mcp?…` }),
      ],
      httpTools: [httpTool('htt_keyed', 'send_note', { method: 'POST', url: `${httpToolService}/import/notes`, headerNames: ['X-Api-Key'] })],
    });

    expect(report.imported).toMatchObject({ mcpServers: 0, httpTools: 1 });
    const notes = Object.fromEntries(report.notImported.map((note) => [`${note.section}:${note.count}`, note.reason]));
    expect(notes['pushSubscriptions:2']).toMatch(/asks for notifications again when the app next opens/);
    expect(notes['calendarSources:1']).toMatch(/connect each calendar again in Settings/);
    expect(notes['whatsapp:1']).toMatch(/Link WhatsApp again in Settings/);
    expect(report.notImported.filter((note) => note.section === 'mcpServers').map((note) => note.count)).toEqual([2, 1]);
    expect(notes['httpTools:1']).toMatch(/without them/);

    const document = exportDocumentSchema.parse(await (await api('/api/v1/me/export', { token: person.token })).json());
    expect(document.pushSubscriptions).toEqual([]);
    expect(document.calendarSources).toEqual([]);
    // Never a number marked linked that its owner did not confirm.
    expect(document.whatsapp).toEqual({ status: 'unlinked' });
    expect(document.mcpServers).toEqual([]);
  });

  it('keeps a tool that lost its header values, with their names, but never offers or calls it until the person enters them; one without headers works as before', async () => {
    const person = await buildUser();
    await importInto(person.token, {
      formatVersion: exportFormatVersion,
      user,
      httpTools: [
        httpTool('htt_open', 'open_hours', { method: 'GET', url: `${httpToolService}/import/hours`, headerNames: [] }),
        httpTool('htt_keyed', 'send_note', { method: 'POST', url: `${httpToolService}/import/notes`, headerNames: ['X-Api-Key', 'X-Team'] }),
      ],
    });
    const tools = (await readJson(await api('/api/v1/tools/http', { token: person.token }), httpToolsAnswerSchema)).tools.filter((tool) => !tool.shared);
    expect(tools.map((tool) => ({ id: tool.id, headerNames: tool.request.headerNames, available: tool.tool.available }))).toEqual([
      // Made at the same time in this document, so listed by id.
      { id: 'htt_keyed', headerNames: ['X-Api-Key', 'X-Team'], available: false },
      { id: 'htt_open', headerNames: [], available: true },
    ]);
    // What the model is offered on a turn: the one that works, not the other.
    const text = uniqueText('what can you do for me');
    await scriptFakeOpenAI(fakeUrl, text, [{ text: 'Quite a lot.' }]);
    expect((await api('/api/v1/messages', { token: person.token, body: { text } })).status).toBe(200);
    const [request] = await recordedChatRequests(fakeUrl, text);
    const offered = ((request?.body as { tools?: { function: { name: string } }[] } | undefined)?.tools ?? []).map((tool) => tool.function.name);
    expect(offered).toContain('open_hours');
    expect(offered).not.toContain('send_note');
    expect(await recordedHttpToolRequests(httpToolService, '/import/notes')).toEqual([]);

    // Once the person enters the values (every header the tool names, and no other), it is offered again.
    const setHeaders = (headers: Record<string, string>) =>
      api('/api/v1/tools/http/htt_keyed/headers', { method: 'PUT', token: person.token, body: { headers } });
    await expectError(await setHeaders({ 'X-Api-Key': 'key-again' }), 'validation_failed');
    const restored = await readJson(await setHeaders({ 'X-Api-Key': 'key-again', 'X-Team': 'garden' }), z.object({ tool: httpToolSchema }));
    expect(restored.tool).toMatchObject({ id: 'htt_keyed', request: { headerNames: ['X-Api-Key', 'X-Team'] }, tool: { available: true } });
    expect(JSON.stringify(restored)).not.toContain('key-again');
    const again = uniqueText('and now');
    await scriptFakeOpenAI(fakeUrl, again, [{ text: 'More now.' }]);
    expect((await api('/api/v1/messages', { token: person.token, body: { text: again } })).status).toBe(200);
    const [later] = await recordedChatRequests(fakeUrl, again);
    expect(((later?.body as { tools?: { function: { name: string } }[] } | undefined)?.tools ?? []).map((tool) => tool.function.name)).toContain('send_note');
  });

  it('connects an MCP server that needs no secret again, and reads its tools from it', async () => {
    const person = await buildUser();
    const report = await importInto(person.token, {
      formatVersion: exportFormatVersion,
      user,
      mcpServers: [mcpServer('mcp_00000001weatherdesk00', { url: `${mcpServersUrl}/plain/mcp` })],
    });
    expect(report.imported).toMatchObject({ mcpServers: 1 });
    const [server] = (await readJson(await api('/api/v1/tools/mcp-servers', { token: person.token }), mcpServersAnswerSchema)).servers;
    expect(server).toMatchObject({
      id: 'mcp_00000001weatherdesk00',
      name: 'Server mcp_00000001weatherdesk00',
      state: 'ready',
      createdAt: '2026-09-02T12:00:00.000Z',
    });
    expect(server?.tools.length).toBeGreaterThan(0);
  });

  it('plans a care follow-up that is still ahead, and does not send one whose day has passed', async () => {
    const person = await buildUser();
    const recent = new Date(Date.now() - 3600_000).toISOString();
    await importInto(person.token, {
      formatVersion: exportFormatVersion,
      user,
      care: {
        settings: { country: 'NL' },
        flagged: [
          { conversationId: 'conv_old', category: 'abuse', channel: 'app', flaggedAt: '2026-01-05T08:00:00.000Z', followedUpAt: null },
          { conversationId: 'conv_recent', category: 'suicide-self-harm', channel: 'app', flaggedAt: recent, followedUpAt: null },
        ],
      },
    });
    expect(await runScheduledWork(person.user.id)).toBe(true);
    const document = exportDocumentSchema.parse(await (await api('/api/v1/me/export', { token: person.token })).json());
    expect(document.care.settings).toEqual({ country: 'NL' });
    expect(document.care.flagged.map((flag) => ({ conversationId: flag.conversationId, followedUp: flag.followedUpAt !== null }))).toEqual([
      { conversationId: 'conv_old', followedUp: false },
      { conversationId: 'conv_recent', followedUp: true },
    ]);
  });
});
