import { describe, expect, it } from 'vitest';
import { toolNamePattern } from '../../common/tools.ts';
import { executeToolCall } from '../tools/tool.ts';
import { maxMcpOutputChars, modelNameOf, outputOfMcpResult, riskOfMcpTool, slugOf, toKindredTool } from './mcp-tools.ts';

describe('MCP tools as Kindred tools', () => {
  it.each([
    [{ readOnlyHint: true }, 'read'],
    [{ readOnlyHint: true, destructiveHint: true }, 'read'],
    [undefined, 'act'],
    [{}, 'act'],
    [{ destructiveHint: false }, 'act'],
    [{ destructiveHint: false, openWorldHint: false }, 'change'],
    [{ destructiveHint: true, openWorldHint: false }, 'act'],
    [{ readOnlyHint: false, destructiveHint: false, openWorldHint: true }, 'act'],
  ] as const)('takes the risk of %j as %s (absent hints are MCP’s cautious defaults)', (annotations, risk) => {
    expect(riskOfMcpTool(annotations)).toBe(risk);
  });

  it('names tools for the model within what every chat API accepts, and keeps long names apart', () => {
    expect(slugOf('Weather Desk!')).toBe('weather-desk');
    expect(slugOf('日本')).toBe('mcp');
    expect(modelNameOf('weather', 'lookup.weather')).toBe('weather__lookup_weather');
    const long = 'a'.repeat(80);
    const first = modelNameOf('server', `${long}_one`);
    const second = modelNameOf('server', `${long}_two`);
    for (const name of [first, second]) expect(name).toMatch(toolNamePattern);
    expect(first).not.toBe(second);
  });

  it('joins the text, keeps structured content, and turns isError into an error the model reads', () => {
    expect(
      outputOfMcpResult({
        content: [
          { type: 'text', text: 'one' },
          { type: 'image', mimeType: 'image/png' },
          { type: 'text', text: 'two' },
        ],
      }),
    ).toEqual({
      text: 'one\n[image image/png not shown]\ntwo',
    });
    expect(outputOfMcpResult({ content: [{ type: 'text', text: 'ok' }], structuredContent: { value: 1 } })).toEqual({
      text: 'ok',
      structuredContent: { value: 1 },
    });
    expect(outputOfMcpResult({ isError: true, content: [{ type: 'text', text: 'No such city.' }] })).toEqual({ error: 'No such city.' });
    expect(outputOfMcpResult({ isError: true })).toEqual({ error: 'The tool failed without saying why.' });
  });

  it('cuts an output too large for the model and says so', () => {
    const output = outputOfMcpResult({ content: [{ type: 'text', text: 'y'.repeat(200_000) }], structuredContent: { big: 'z'.repeat(100_000) } }) as Record<
      string,
      unknown
    >;
    expect(JSON.stringify(output).length).toBeLessThanOrEqual(maxMcpOutputChars);
    expect(output).toMatchObject({ truncated: true });
    expect(output.structuredContent).toBeUndefined();
    expect(output.note).toContain('only the first 64 kB');
  });

  it('checks the input against the server’s JSON Schema before calling it', async () => {
    const calls: unknown[] = [];
    const tool = toKindredTool(
      { id: 'mcp_1', name: 'Weather', slug: 'weather' },
      {
        name: 'lookup_weather',
        description: 'The weather.',
        inputSchema: { type: 'object', properties: { city: { type: 'string', minLength: 1 } }, required: ['city'], additionalProperties: false },
        annotations: { readOnlyHint: true, title: 'Weather lookup' },
      },
      async (input) => {
        calls.push(input);
        return { text: 'ok' };
      },
    );
    expect(tool).toMatchObject({
      id: 'mcp:mcp_1:lookup_weather',
      name: 'weather__lookup_weather',
      title: 'Weather lookup',
      risk: 'read',
      source: { kind: 'mcp', serverId: 'mcp_1', serverName: 'Weather' },
    });
    const context = { userId: 'user_test', timezone: 'UTC', now: new Date() };
    expect((await executeToolCall(tool, '{"city":""}', context)).output).toMatchObject({ error: expect.stringContaining('Invalid arguments') });
    expect((await executeToolCall(tool, '{"town":"Oslo"}', context)).output).toMatchObject({ error: expect.stringContaining('Invalid arguments') });
    expect(calls).toEqual([]);
    expect((await executeToolCall(tool, '{"city":"Oslo"}', context)).output).toEqual({ text: 'ok' });
    expect(calls).toEqual([{ city: 'Oslo' }]);
  });
});
