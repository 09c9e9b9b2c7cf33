import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { exportDocumentSchema, toolSummarySchema, toolsAnswerSchema, turnAnswerSchema } from '../../common/protocol.ts';
import { type CreateHttpToolBody, type HttpTool, httpToolSchema, httpToolsAnswerSchema } from '../../common/tools.ts';
import { checkHttpToolDefinition } from '../../server/http-tools/http-tool-definition.ts';
import { createOutboundFetch, defaultOutboundPolicy } from '../../server/net/outbound-fetch.ts';
import { api, buildUser, expectError, readJson, uniqueText } from '../../test-support/api.ts';
import { scriptFakeOpenAI } from '../../test-support/fake-openai/control.ts';
import { injectedInstructions, recordedHttpToolRequests } from '../../test-support/http-tool-service.ts';
import { sharedToolToken } from '../../test-support/shared-http-tools.ts';
import type { CompanionAgent } from '../companion-agent.ts';
import { maxModelOutputCharacters } from './http-tools-capability.ts';

const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> };
const fakeUrl = inject('fakeOpenAIUrl');
const service = inject('httpToolServiceUrl');

const unique = () => crypto.randomUUID().slice(0, 8);

function echoTool(overrides: Partial<CreateHttpToolBody> & { path: string }): CreateHttpToolBody {
  const { path, ...rest } = overrides;
  return {
    name: 'lookup_order',
    title: 'Order lookup',
    description: 'Looks up an order in the shop.',
    inputSchema: { type: 'object', properties: { orderId: { type: 'string' }, expand: { type: 'string' } }, required: ['orderId'] },
    request: {
      method: 'GET',
      url: `${service}${path}/orders/{orderId}?expand={expand}&fixed=1`,
      headers: { 'X-Api-Key': 'key-of-the-person', 'X-Order': '{orderId}' },
    },
    ...rest,
  };
}

async function createTool(token: string, body: CreateHttpToolBody): Promise<HttpTool> {
  return (await readJson(await api('/api/v1/tools/http', { token, body }), httpToolsCreatedSchema, 201)).tool;
}
const httpToolsCreatedSchema = z.object({ tool: httpToolSchema });

async function listTools(token: string): Promise<HttpTool[]> {
  return (await readJson(await api('/api/v1/tools/http', { token }), httpToolsAnswerSchema)).tools;
}

/** A turn in which the model calls `toolName` with `input` once, then answers. */
async function turnCalling(token: string, toolName: string, input: unknown) {
  const said = uniqueText(`Please use ${toolName}`);
  await scriptFakeOpenAI(fakeUrl, said, [{ toolCalls: [{ name: toolName, arguments: input }] }, { text: 'Done.' }]);
  const turn = await readJson(await api('/api/v1/messages', { token, body: { text: said } }), turnAnswerSchema);
  const [call] = turn.assistantMessage.tools;
  expect(call?.toolName).toBe(toolName);
  return call?.output as Record<string, unknown>;
}

describe('HTTP tools a person describes', () => {
  it('are created, listed with the tools, and deleted', async () => {
    const person = await buildUser();
    const tool = await createTool(person.token, echoTool({ path: `/echo/${unique()}` }));
    expect(tool).toMatchObject({
      name: 'lookup_order',
      title: 'Order lookup',
      shared: false,
      request: { method: 'GET', headerNames: ['X-Api-Key', 'X-Order'] },
      tool: { id: `http:${tool.id}`, name: 'lookup_order', enabled: true, risk: 'read', source: { kind: 'http', httpToolId: tool.id, shared: false } },
    });
    expect((await listTools(person.token)).map((entry) => [entry.name, entry.shared])).toEqual([
      ['team_status', true],
      ['lookup_order', false],
    ]);
    const everyTool = await readJson(await api('/api/v1/tools', { token: person.token }), toolsAnswerSchema);
    expect(everyTool.tools.find((entry) => entry.id === `http:${tool.id}`)).toMatchObject({
      title: 'Order lookup',
      description: 'Looks up an order in the shop.',
    });
    expect((await api(`/api/v1/tools/http/${tool.id}`, { method: 'DELETE', token: person.token })).status).toBe(204);
    expect((await listTools(person.token)).map((entry) => entry.name)).toEqual(['team_status']);
    await expectError(await api(`/api/v1/tools/http/${tool.id}`, { method: 'DELETE', token: person.token }), 'http_tool_not_found');
  });

  it('take the risk given, or read for GET and act for anything else', async () => {
    const person = await buildUser();
    const path = `/echo/${unique()}`;
    expect((await createTool(person.token, echoTool({ path, name: 'get_it' }))).tool.risk).toBe('read');
    expect((await createTool(person.token, echoTool({ path, name: 'post_it', request: { method: 'POST', url: `${service}${path}` } }))).tool.risk).toBe('act');
    expect(
      (await createTool(person.token, echoTool({ path, name: 'put_it', risk: 'change', request: { method: 'PUT', url: `${service}${path}` } }))).tool.risk,
    ).toBe('change');
  });

  it('refuse a bad input schema, a bad or taken name, and a URL the policy refuses', async () => {
    const person = await buildUser();
    const path = `/echo/${unique()}`;
    const refused = (body: unknown) => api('/api/v1/tools/http', { token: person.token, body });
    await expectError(await refused(echoTool({ path, inputSchema: { type: 'string' } })), 'invalid_tool_schema');
    await expectError(await refused(echoTool({ path, inputSchema: { type: 'object', properties: [] } })), 'invalid_tool_schema');
    await expectError(await refused(echoTool({ path, inputSchema: { type: 'object', properties: { orderId: 'text' } } })), 'invalid_tool_schema');
    await expectError(await refused(echoTool({ path, inputSchema: { type: 'object', properties: { orderId: { type: 12 } } } })), 'invalid_tool_schema');
    // The request uses {expand}, which this schema lacks.
    await expectError(await refused(echoTool({ path, inputSchema: { type: 'object', properties: { orderId: { type: 'string' } } } })), 'invalid_tool_schema');
    // Only the operator's tools may read Worker secrets.
    await expectError(
      await refused(echoTool({ path, request: { method: 'GET', url: `${service}${path}`, headers: { Authorization: 'Bearer {{secret:MASTER_KEY}}' } } })),
      'invalid_tool_schema',
    );
    await expectError(await refused(echoTool({ path, name: 'has spaces' })), 'validation_failed');
    await expectError(await refused(echoTool({ path, name: 'calculator' })), 'tool_name_taken');
    await expectError(await refused(echoTool({ path, name: 'team_status' })), 'tool_name_taken');
    await createTool(person.token, echoTool({ path }));
    await expectError(await refused(echoTool({ path })), 'tool_name_taken');
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/x',
      'http://metadata.google.internal/',
      'ftp://127.0.0.1/',
      'https://{host}/x',
      `${service.replace('http://', 'http://user:pw@')}/x`,
    ]) {
      await expectError(await refused(echoTool({ path, name: 'other_name', request: { method: 'GET', url } })), 'url_not_allowed');
    }
  });

  it('refuse loopback under a policy that refuses it (production)', () => {
    expect(() => checkHttpToolDefinition(echoTool({ path: '/echo/x' }), defaultOutboundPolicy, { secretsAllowed: false })).toThrowError(
      expect.objectContaining({ id: 'url_not_allowed' }),
    );
    const https = echoTool({ path: '/x', request: { method: 'GET', url: 'https://api.example.com/orders/{orderId}?expand={expand}' } });
    expect(() => checkHttpToolDefinition(https, defaultOutboundPolicy, { secretsAllowed: false })).not.toThrow();
  });

  it('keep header values sealed in storage and never return them', async () => {
    const person = await buildUser();
    const secretValue = `Bearer very-secret-${unique()}`;
    const secretUrlPart = `private-path-${unique()}`;
    const tool = await createTool(
      person.token,
      echoTool({
        path: `/echo/${secretUrlPart}`,
        request: { method: 'GET', url: `${service}/echo/${secretUrlPart}/{orderId}`, headers: { Authorization: secretValue } },
      }),
    );
    expect(tool.request.headerNames).toEqual(['Authorization']);
    const rows = await runInDurableObject(testEnv.COMPANION.getByName(person.user.id), (_instance, state) =>
      state.storage.sql.exec('SELECT * FROM http_tools').toArray(),
    );
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify(rows);
    for (const plain of [secretValue, 'very-secret', secretUrlPart, 'Order lookup', 'Authorization']) expect(stored).not.toContain(plain);
    expect(await (await api('/api/v1/tools/http', { token: person.token })).text()).not.toContain('very-secret');
    const exported = await (await api('/api/v1/me/export', { token: person.token })).text();
    expect(exported).not.toContain('very-secret');
    const document = exportDocumentSchema.parse(JSON.parse(exported));
    expect(document.httpTools.find((entry) => entry.id === tool.id)?.request.headerNames).toEqual(['Authorization']);
  });

  it('belong to one person: another can neither see nor delete them', async () => {
    const owner = await buildUser();
    const other = await buildUser();
    const tool = await createTool(owner.token, echoTool({ path: `/echo/${unique()}` }));
    expect((await listTools(other.token)).map((entry) => entry.id)).not.toContain(tool.id);
    await expectError(await api(`/api/v1/tools/http/${tool.id}`, { method: 'DELETE', token: other.token }), 'http_tool_not_found');
    expect((await listTools(owner.token)).map((entry) => entry.id)).toContain(tool.id);
  });
});

describe('calling an HTTP tool from a turn', () => {
  it('fills the URL, headers and body from the input and sends the request through', async () => {
    const person = await buildUser();
    const path = `/echo/${unique()}`;
    await createTool(person.token, echoTool({ path }));
    const output = await turnCalling(person.token, 'lookup_order', { orderId: 'A 1/2', expand: 'items' });
    expect(output).toMatchObject({ status: 200, body: { received: { method: 'GET' } } });
    const [request] = await recordedHttpToolRequests(service, path);
    expect(request).toMatchObject({ method: 'GET', path: `${path}/orders/A%201%2F2`, query: { expand: 'items', fixed: '1' } });
    expect(request?.headers).toMatchObject({ 'x-api-key': 'key-of-the-person', 'x-order': 'A 1/2' });
  });

  it('leaves out an optional query parameter the input lacks, and fills a JSON body keeping types', async () => {
    const person = await buildUser();
    const path = `/echo/${unique()}`;
    await createTool(person.token, echoTool({ path }));
    await turnCalling(person.token, 'lookup_order', { orderId: '7' });
    expect((await recordedHttpToolRequests(service, path))[0]?.query).toEqual({ fixed: '1' });
    await createTool(
      person.token,
      echoTool({
        path,
        name: 'add_item',
        risk: 'read',
        inputSchema: { type: 'object', properties: { orderId: { type: 'string' }, quantity: { type: 'integer' } }, required: ['orderId', 'quantity'] },
        request: { method: 'POST', url: `${service}${path}/items`, body: { order: '{orderId}', quantity: '{quantity}', note: 'for {orderId}' } },
      }),
    );
    await turnCalling(person.token, 'add_item', { orderId: 'B7', quantity: 3 });
    const posted = (await recordedHttpToolRequests(service, `${path}/items`))[0];
    expect(posted?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(posted?.body ?? '')).toEqual({ order: 'B7', quantity: 3, note: 'for B7' });
  });

  it('answers invalid input with an error the model reads, without calling', async () => {
    const person = await buildUser();
    const path = `/echo/${unique()}`;
    await createTool(person.token, echoTool({ path }));
    const output = await turnCalling(person.token, 'lookup_order', { expand: 'items' });
    expect(String(output.error)).toContain('orderId');
    expect(await recordedHttpToolRequests(service, path)).toEqual([]);
  });

  it('turns a 5 MB answer into an error output, not a crash', async () => {
    const person = await buildUser();
    await createTool(person.token, echoTool({ path: '', name: 'big', inputSchema: { type: 'object' }, request: { method: 'GET', url: `${service}/large` } }));
    const output = await turnCalling(person.token, 'big', {});
    expect(output.error).toMatch(/larger than 2097152 bytes/);
  });

  it('cuts an answer longer than the model reads, with a note', async () => {
    const person = await buildUser();
    await createTool(
      person.token,
      echoTool({ path: '', name: 'medium', inputSchema: { type: 'object' }, request: { method: 'GET', url: `${service}/medium` } }),
    );
    const output = await turnCalling(person.token, 'medium', {});
    expect(output).toMatchObject({ status: 200, truncated: true });
    expect(String(output.body)).toHaveLength(maxModelOutputCharacters);
    expect(String(output.body)).toMatch(/^\{"items":\["item-000000000000"/);
    expect(String(output.note)).toContain(`only the first ${maxModelOutputCharacters}`);
  });

  it('answers a failing service with its status', async () => {
    const person = await buildUser();
    await createTool(
      person.token,
      echoTool({ path: '', name: 'failing', inputSchema: { type: 'object' }, request: { method: 'GET', url: `${service}/fail` } }),
    );
    expect(await turnCalling(person.token, 'failing', {})).toMatchObject({ error: 'The service answered HTTP 500.', status: 500 });
  });

  it('re-checks redirects: one to a private or metadata address is refused, one to an allowed place is followed', async () => {
    const person = await buildUser();
    const redirecting = (name: string, target: string) =>
      createTool(person.token, echoTool({ path: '', name, inputSchema: { type: 'object' }, request: { method: 'GET', url: `${service}/redirect/${target}` } }));
    await redirecting('to_private', 'private');
    await redirecting('to_metadata', 'metadata');
    await redirecting('to_allowed', 'allowed');
    expect(String((await turnCalling(person.token, 'to_private', {})).error)).toContain('private network');
    expect(String((await turnCalling(person.token, 'to_metadata', {})).error)).toContain('link-local');
    expect(await turnCalling(person.token, 'to_allowed', {})).toMatchObject({ status: 200, body: { received: { path: '/echo/redirected' } } });
  });

  it('gives the model text that carries instructions as the answer body, and nothing more happens', async () => {
    const person = await buildUser();
    await createTool(
      person.token,
      echoTool({ path: '', name: 'weather_page', inputSchema: { type: 'object' }, request: { method: 'GET', url: `${service}/injected` } }),
    );
    expect(await turnCalling(person.token, 'weather_page', {})).toEqual({ status: 200, body: injectedInstructions });
  });
});

describe('the outbound guard against the local service', () => {
  const tests = { ...defaultOutboundPolicy, allowHttp: true, allowPrivate: 'loopback' as const };

  it('gives up on a service that does not answer within the time limit', async () => {
    let fireTimeout = () => undefined as unknown;
    const startTimer = (onTimeout: () => void) => {
      fireTimeout = onTimeout;
      return () => undefined;
    };
    const path = `/slow/${unique()}`;
    const pending = createOutboundFetch(tests, undefined, { startTimer })(`${service}${path}`);
    // The time limit runs out only once the service holds the request, unanswered.
    while ((await recordedHttpToolRequests(service, path)).length === 0);
    fireTimeout();
    await expect(pending).rejects.toMatchObject({ reason: 'timeout' });
  });

  it('cuts off a 5 MB answer while it streams', async () => {
    const response = await createOutboundFetch(tests)(`${service}/large`);
    await expect(response.arrayBuffer()).rejects.toMatchObject({ reason: 'too-large' });
  });

  it('refuses a redirect to a private address and follows one to an allowed place', async () => {
    await expect(createOutboundFetch(tests)(`${service}/redirect/private`)).rejects.toMatchObject({ reason: 'private' });
    await expect(createOutboundFetch(tests)(`${service}/redirect/metadata`)).rejects.toMatchObject({ reason: 'link-local' });
    const followed = await createOutboundFetch(tests)(`${service}/redirect/allowed`);
    expect(await followed.json()).toMatchObject({ received: { path: '/echo/redirected' } });
  });
});

describe('importing an OpenAPI document', () => {
  it('makes a tool of each operation from JSON, and a turn calls one', async () => {
    const person = await buildUser();
    const document = await (await fetch(`${service}/openapi.json`)).json();
    const imported = await readJson(
      await api('/api/v1/tools/http/import-openapi', { token: person.token, body: { document, headers: { 'X-Api-Key': 'imported-key' } } }),
      httpToolsAnswerSchema,
      201,
    );
    expect(imported.tools.map((tool) => [tool.name, tool.request.method, tool.tool.risk])).toEqual([
      ['getWeather', 'GET', 'read'],
      ['create_note', 'POST', 'act'],
    ]);
    const weather = imported.tools[0];
    expect(weather?.inputSchema).toEqual({
      type: 'object',
      properties: {
        city: { type: 'string', description: 'The city, as people write it' },
        units: { type: 'string', enum: ['metric', 'imperial'] },
        'X-Trace': { type: 'string' },
      },
      required: ['city'],
    });
    expect(imported.tools[1]?.inputSchema).toMatchObject({ properties: { body: { type: 'object', required: ['title'] } }, required: ['body'] });
    const city = `Paris ${unique()}`;
    expect(await turnCalling(person.token, 'getWeather', { city, units: 'imperial', 'X-Trace': 'trace-1' })).toMatchObject({
      status: 200,
      body: { city, units: 'imperial', forecast: 'sunny' },
    });
    const [request] = await recordedHttpToolRequests(service, `/weather/${encodeURIComponent(city)}`);
    expect(request?.query).toEqual({ units: 'imperial' });
    expect(request?.headers).toMatchObject({ 'x-trace': 'trace-1', 'x-api-key': 'imported-key' });
  });

  it('reads YAML text, takes only the operations named, and sends a JSON body', async () => {
    const person = await buildUser();
    const yaml = await (await fetch(`${service}/openapi.yaml`)).text();
    expect(yaml).toContain('openapi: 3.1.0');
    const imported = await readJson(
      await api('/api/v1/tools/http/import-openapi', { token: person.token, body: { document: yaml, operationIds: ['create note!'] } }),
      httpToolsAnswerSchema,
      201,
    );
    expect(imported.tools.map((tool) => tool.name)).toEqual(['create_note']);
    // An `act` tool: "always allow" lets the call through once asking before acting is merged.
    await readJson(
      await api(`/api/v1/tools/http:${imported.tools[0]?.id}`, { method: 'PATCH', token: person.token, body: { approval: 'always' } }),
      toolSummarySchema,
    );
    const title = `Note ${unique()}`;
    const output = await turnCalling(person.token, 'create_note', { body: { title, text: 'Milk' } });
    expect(output).toMatchObject({ status: 201, body: { note: { title, text: 'Milk' } } });
  });

  it('refuses a document it cannot read', async () => {
    const person = await buildUser();
    const importing = (body: unknown) => api('/api/v1/tools/http/import-openapi', { token: person.token, body });
    await expectError(await importing({ document: 'openapi: [unclosed' }), 'invalid_openapi_document');
    await expectError(await importing({ document: { swagger: '2.0', paths: {} } }), 'invalid_openapi_document');
    await expectError(await importing({ document: { openapi: '3.0.0', paths: {} }, baseUrl: service }), 'invalid_openapi_document');
    await expectError(await importing({ document: { openapi: '3.0.0', paths: { '/x': { get: { operationId: 'x' } } } } }), 'invalid_openapi_document');
    await expectError(
      await importing({ document: { openapi: '3.0.0', servers: [{ url: service }], paths: { '/x': { get: { operationId: 'x' } } } }, operationIds: ['y'] }),
      'invalid_openapi_document',
    );
    expect(await listTools(person.token)).toHaveLength(1);
  });
});

describe('HTTP tools the operator shares', () => {
  it('are listed for everyone, cannot be deleted, can be switched off, and send the Worker secret', async () => {
    const person = await buildUser();
    const [shared] = await listTools(person.token);
    expect(shared).toMatchObject({ id: 'shared-team_status', name: 'team_status', shared: true, request: { headerNames: ['Authorization'] } });
    expect(JSON.stringify(shared)).not.toContain(sharedToolToken);
    await expectError(await api('/api/v1/tools/http/shared-team_status', { method: 'DELETE', token: person.token }), 'tool_is_shared');
    const team = `team-${unique()}`;
    expect(await turnCalling(person.token, 'team_status', { team })).toMatchObject({ status: 200 });
    const [request] = await recordedHttpToolRequests(service, `/echo/shared/${team}`);
    expect(request?.headers.authorization).toBe(`Bearer ${sharedToolToken}`);
    const off = await readJson(
      await api('/api/v1/tools/http:shared-team_status', { method: 'PATCH', token: person.token, body: { enabled: false } }),
      toolSummarySchema,
    );
    expect(off.enabled).toBe(false);
    expect((await listTools(person.token))[0]?.tool.enabled).toBe(false);
    const other = await buildUser();
    expect((await listTools(other.token))[0]?.tool.enabled).toBe(true);
  });
});
