/**
 * The tools journey, run once per device profile: a new person opens Settings, Tools (the built-in
 * tools by their human names, grouped, each with a switch and its risk in words); adds a tool server
 * (the test MCP server started by `test-support/mcp-servers.ts`, its plain endpoint `<url>/plain/mcp`)
 * and sees it ready with its tools; then, in the chat, asks something that the scripted model answers
 * with a call of that server's destructive tool: the turn waits, a card shows the tool, why it asks
 * and its input; Allow lets the call go to the server, and the reply follows. Last, a server behind
 * OAuth (`<url>/oauth/mcp`) needs signing in: Sign in on its card goes through its authorization page
 * and back to the Tools screen, which says so and shows it ready. Every screen is checked with axe
 * and photographed into docs/screenshots.
 *
 * The tool's arguments are made from its own input schema, read from the test server with the
 * official MCP client, so the journey does not depend on how the test server names its fields.
 */
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Browser } from 'playwright-core';
import type { Companion, McpServer, ToolView } from '../common/client.ts';
import { recordedChatRequests, scriptFakeOpenAI } from '../test-support/fake-openai/control.ts';
import type { DeviceProfile, JourneyReport } from './journey.ts';
import { openJourneyPage } from './journey-page.ts';

export interface ToolsJourneyOptions {
  baseUrl: string;
  /** The fake model's control origin, to script answers. */
  fakeModelOrigin: string;
  screenshotDirectory: string;
  /** Where `startMcpServers()` listens; its plain (no sign-in) server is at `<url>/plain/mcp`. */
  mcpServersUrl: string;
}

interface McpToolDescription {
  name: string;
  inputSchema: { properties?: Record<string, { type?: unknown; enum?: unknown[] }>; required?: string[] };
  annotations?: { destructiveHint?: boolean; readOnlyHint?: boolean };
}

/** The test server's own list of tools, as an MCP client sees it. */
async function listServerTools(endpoint: string): Promise<McpToolDescription[]> {
  const client = new Client({ name: 'kindred-e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(endpoint)));
  try {
    return (await client.listTools()).tools as McpToolDescription[];
  } finally {
    await client.close();
  }
}

/** Arguments that satisfy a tool's schema: each required field given a plain value of its type. */
function argumentsFor(tool: McpToolDescription): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of tool.inputSchema.required ?? []) {
    const property = tool.inputSchema.properties?.[field] ?? {};
    if (Array.isArray(property.enum) && property.enum.length > 0) values[field] = property.enum[0];
    else if (property.type === 'number' || property.type === 'integer') values[field] = 1;
    else if (property.type === 'boolean') values[field] = true;
    else values[field] = `e2e-${field}`;
  }
  return values;
}

/** The Kindred tool for a server's tool: the model may call it by a prefixed name, so the longest name match wins. */
function kindredToolFor(views: readonly ToolView[], tool: McpToolDescription): ToolView | undefined {
  return views.find((view) => view.name === tool.name) ?? views.find((view) => view.name.endsWith(tool.name));
}

export async function runToolsJourney(browser: Browser, profile: DeviceProfile, options: ToolsJourneyOptions): Promise<JourneyReport> {
  const { page, report, pageErrors, press, capture, readApi, close } = await openJourneyPage(browser, profile, {
    baseUrl: options.baseUrl,
    screenshotDirectory: options.screenshotDirectory,
    journey: 'tools',
  });

  const unique = `${profile.name}-tools-${Date.now().toString(36)}`;
  const endpoint = `${options.mcpServersUrl.replace(/\/+$/, '')}/plain/mcp`;
  const serverTools = await listServerTools(endpoint);
  // The tool to approve: one that deletes, else one the server marks destructive, else any.
  const chosen =
    serverTools.find((tool) => /delete/i.test(tool.name)) ?? serverTools.find((tool) => tool.annotations?.destructiveHint === true) ?? serverTools[0];
  assert.ok(chosen !== undefined, `the test MCP server at ${endpoint} offers tools`);

  console.log(`${profile.name}: tools: a new person opens Settings, Tools`);
  await page.goto('/signup');
  await page.getByLabel('Your name').fill('Sam');
  await page.getByLabel('Email').fill(`tools-${unique}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery staple');
  await press(page.getByRole('button', { name: 'Sign up' }));
  await page.getByRole('heading', { name: 'Meet your companion' }).waitFor();
  const companion = await readApi<Companion>('/api/v1/companion');
  await page.goto('/settings/tools');
  await page.getByRole('heading', { name: 'Tools', exact: true }).waitFor();
  await page.getByRole('heading', { name: 'Built in' }).waitFor();
  await page.getByRole('switch', { name: 'Date and time' }).waitFor();
  // A built-in tool that only looks says so in words, and has no "ask first" choice.
  const dateRow = page.getByTestId('tool-row').filter({ has: page.getByRole('switch', { name: 'Date and time' }) });
  assert.equal(await dateRow.getByRole('combobox', { name: 'What it can do' }).inputValue(), 'read', 'telling the time only looks');
  assert.equal(await dateRow.getByRole('radio', { name: 'Ask me first' }).count(), 0, 'a tool that only looks never asks');
  await capture('list');

  console.log(`${profile.name}: tools: add a tool server and see it ready with its tools`);
  const serverName = `Notes ${unique}`;
  await press(page.getByRole('button', { name: 'Add a tool server (MCP)' }));
  await page.getByLabel('Name', { exact: true }).fill(serverName);
  await page.getByLabel('Server address').fill(endpoint);
  await capture('add-server');
  await press(page.getByRole('button', { name: 'Add server' }));
  const serverCard = page.locator('[data-testid="mcp-server"][data-state="ready"]').filter({ hasText: serverName });
  await serverCard.waitFor({ timeout: 20_000 });
  await serverCard.getByText('Ready').waitFor();
  const listedTools = serverCard.getByRole('list', { name: 'Its tools' }).getByRole('listitem');
  assert.equal(await listedTools.count(), serverTools.length, 'the card lists every tool the server offers');
  // Said as it was when added: Ready at once, or Connecting… until the screen asks again.
  await page
    .getByRole('status')
    .filter({ hasText: `Added ${serverName}:` })
    .waitFor();

  const { servers } = await readApi<{ servers: McpServer[] }>('/api/v1/tools/mcp-servers');
  const server = servers.find((candidate) => candidate.name === serverName);
  assert.ok(server !== undefined && server.state === 'ready', 'the server is stored and ready');
  const tool = kindredToolFor(server.tools, chosen);
  assert.ok(tool !== undefined, `Kindred lists the server's ${chosen.name} (it lists ${server.tools.map((item) => item.name).join(', ')})`);
  // The server's tools join the list, under its name, each with its own switch.
  await page.getByRole('heading', { name: `From ${serverName}` }).waitFor();
  const toolRow = page.locator(`[data-testid="tool-row"][data-tool-name="${tool.name}"]`);
  assert.equal(await toolRow.getByRole('switch').isChecked(), true, 'a new server’s tools are on');
  if (tool.risk === 'read') {
    // A server that does not mark the tool as destructive: the person raises its risk here.
    await toolRow.getByRole('combobox', { name: 'What it can do' }).selectOption('act');
    await toolRow.getByRole('radio', { name: 'Ask me first' }).waitFor();
    const deadline = Date.now() + 10_000;
    const savedRisk = async () => (await readApi<{ tools: ToolView[] }>('/api/v1/tools')).tools.find((item) => item.id === tool.id)?.risk;
    while ((await savedRisk()) !== 'act') {
      assert.ok(Date.now() < deadline, 'the raised risk is saved');
      await page.waitForTimeout(250);
    }
  }
  assert.equal(await toolRow.getByRole('radio', { name: 'Ask me first' }).isChecked(), true, 'a tool that acts asks first unless told otherwise');
  await capture('server-ready', true);

  console.log(`${profile.name}: tools: the companion's call of ${tool.name} waits for Allow`);
  const line = `Please tidy up my notes (${unique})`;
  const reply = `Done: I used ${tool.title} as you allowed.`;
  await scriptFakeOpenAI(options.fakeModelOrigin, line, [{ toolCalls: [{ name: tool.name, arguments: argumentsFor(chosen) }] }, { text: reply }]);
  await press(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }));
  await page.getByRole('heading', { name: `Chat with ${companion.name}` }).waitFor();
  await page.getByLabel(`Message ${companion.name}`).fill(line);
  await press(page.getByRole('button', { name: 'Send' }));
  const card = page.getByTestId('tool-approval-card').filter({ hasText: tool.title });
  await card.waitFor({ timeout: 20_000 });
  assert.equal(await card.getAttribute('data-status'), 'pending');
  await card.getByRole('button', { name: 'Deny' }).waitFor();
  await card.getByRole('button', { name: 'Always allow' }).waitFor();
  assert.equal(await page.getByTestId('message-assistant').filter({ hasText: reply }).count(), 0, 'the turn waits for the person');
  assert.equal((await recordedChatRequests(options.fakeModelOrigin, line)).length, 1, 'the model is not asked again before the answer');
  await capture('chat-approval');

  await press(card.getByRole('button', { name: 'Allow', exact: true }));
  await card.getByText('Allowed.').waitFor({ timeout: 20_000 });
  await page.getByTestId('message-assistant').filter({ hasText: reply }).waitFor({ timeout: 20_000 });
  // The tool ran: the model's second request carries the tool's result. (Memory extraction may ask
  // a third time a second after the turn; it comes after these two.)
  const requests = await recordedChatRequests(options.fakeModelOrigin, line);
  assert.ok(requests.length >= 2, 'the turn went on once allowed');
  const secondMessages = (requests[1]?.body as { messages?: { role: string }[] } | undefined)?.messages ?? [];
  assert.ok(
    secondMessages.some((message) => message.role === 'tool'),
    'the model was given the tool’s result',
  );
  // And it reached the server, with the arguments the model gave (its control API lists the calls made).
  const { calls } = (await (await fetch(`${options.mcpServersUrl.replace(/\/+$/, '')}/__control/calls`)).json()) as {
    calls: { server: string; tool: string; arguments: unknown }[];
  };
  assert.ok(
    calls.some((call) => call.server === 'plain' && call.tool === chosen.name && JSON.stringify(call.arguments) === JSON.stringify(argumentsFor(chosen))),
    `the test server ran ${chosen.name} once allowed (calls: ${JSON.stringify(calls)})`,
  );
  await capture('chat-approved');

  console.log(`${profile.name}: tools: a server that needs signing in, signed in from its card`);
  const oauthName = `Calendar ${unique}`;
  await page.goto('/settings/tools');
  await press(page.getByRole('button', { name: 'Add a tool server (MCP)' }));
  await page.getByLabel('Name', { exact: true }).fill(oauthName);
  await page.getByLabel('Server address').fill(`${options.mcpServersUrl.replace(/\/+$/, '')}/oauth/mcp`);
  await press(page.getByRole('button', { name: 'Add server' }));
  const oauthCard = page.locator('[data-testid="mcp-server"][data-state="needs-sign-in"]').filter({ hasText: oauthName });
  await oauthCard.waitFor({ timeout: 20_000 });
  await capture('server-needs-sign-in');
  // The test server's authorization page consents at once and sends the browser back through Kindred's callback.
  await press(oauthCard.getByRole('link', { name: `Sign in to ${oauthName}` }));
  await page.waitForURL((url) => url.pathname === '/settings/tools', { timeout: 20_000 });
  await page
    .getByTestId('sign-in-note')
    .filter({ hasText: `Signed in to ${oauthName}. Its tools are ready.` })
    .waitFor();
  await page.locator('[data-testid="mcp-server"][data-state="ready"]').filter({ hasText: oauthName }).waitFor();
  assert.equal(new URL(page.url()).search, '', 'the sign-in outcome is taken off the address');

  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  await close();
  return report;
}
