import { describe, expect, it } from 'vitest';
import type { ToolView } from '../../../common/client.ts';
import {
  canAskFirst,
  describeInput,
  fieldLabel,
  groupToolsBySource,
  headersFromRows,
  parseInputSchema,
  parseRequestBody,
  signInReturnOf,
  signInSentence,
} from './tool-words.ts';

function tool(id: string, source: ToolView['source']): ToolView {
  return {
    id,
    name: id,
    title: id,
    description: `What ${id} does.`,
    enabled: true,
    risk: 'read',
    defaultRisk: 'read',
    approval: 'ask',
    source,
    available: true,
  };
}

describe('the tools grouped by where they come from', () => {
  it('puts the built-in ones first, then each server by name, then own and shared HTTP tools, leaving out empty groups', () => {
    const groups = groupToolsBySource([
      tool('shared_weather', { kind: 'http', httpToolId: 'h1', shared: true }),
      tool('zeta_search', { kind: 'mcp', serverId: 's2', serverName: 'Zeta' }),
      tool('calculator', { kind: 'built-in' }),
      tool('alpha_notes', { kind: 'mcp', serverId: 's1', serverName: 'Alpha' }),
      tool('alpha_delete', { kind: 'mcp', serverId: 's1', serverName: 'Alpha' }),
    ]);
    expect(groups.map((group) => [group.title, group.tools.map((item) => item.id)])).toEqual([
      ['Built in', ['calculator']],
      ['From Alpha', ['alpha_notes', 'alpha_delete']],
      ['From Zeta', ['zeta_search']],
      ['Shared by whoever runs this server', ['shared_weather']],
    ]);
  });

  it('asks first only for tools that change data or act in the world', () => {
    expect([canAskFirst('read'), canAskFirst('change'), canAskFirst('act')]).toEqual([false, true, true]);
  });
});

describe('header rows', () => {
  it('ignores empty rows and answers none when nothing is given', () => {
    expect(headersFromRows([{ name: '', value: '' }])).toEqual({ headers: undefined });
  });

  it('keeps the named ones with their values as typed', () => {
    expect(
      headersFromRows([
        { name: ' Authorization ', value: 'Bearer secret' },
        { name: '', value: '' },
        { name: 'X-Api-Key', value: 'k' },
      ]),
    ).toEqual({
      headers: { Authorization: 'Bearer secret', 'X-Api-Key': 'k' },
    });
  });

  it('refuses a value without a name, a name that is not a header name, and a name given twice', () => {
    expect(headersFromRows([{ name: '', value: 'secret' }])).toEqual({ error: 'Each header needs a name, such as Authorization.' });
    expect(headersFromRows([{ name: 'My Key', value: 'x' }])).toHaveProperty('error', expect.stringContaining('is not a header name'));
    expect(
      headersFromRows([
        { name: 'X-Key', value: 'a' },
        { name: 'x-key', value: 'b' },
      ]),
    ).toEqual({ error: 'The header “x-key” is given twice.' });
  });
});

describe('an HTTP tool typed in', () => {
  it('takes a JSON object schema of an object', () => {
    expect(parseInputSchema('{"type":"object","properties":{"city":{"type":"string"}}}')).toEqual({
      schema: { type: 'object', properties: { city: { type: 'string' } } },
    });
  });

  it('says in words when the schema is not JSON, not an object, or not of an object', () => {
    expect(parseInputSchema('{"type": "object",')).toHaveProperty('error', expect.stringMatching(/^The input schema is not valid JSON/));
    expect(parseInputSchema('[1, 2]')).toHaveProperty('error', expect.stringMatching(/must be a JSON object/));
    expect(parseInputSchema('{"type": "string"}')).toHaveProperty('error', expect.stringMatching(/must describe an object/));
  });

  it('sends a JSON object body as a template, other text as it is, and an empty one as none', () => {
    expect(parseRequestBody('{"city": "{city}"}')).toEqual({ city: '{city}' });
    expect(parseRequestBody('city={city}')).toBe('city={city}');
    expect(parseRequestBody('[1]')).toBe('[1]');
    expect(parseRequestBody('  ')).toBeUndefined();
  });
});

describe('a tool call’s input as a person reads it', () => {
  it('gives each field a line with its name in words', () => {
    expect(describeInput({ noteId: 'note_7', due_date: '2026-12-01', tags: ['a', 'b'] })).toEqual([
      { label: 'Note id', value: 'note_7' },
      { label: 'Due date', value: '2026-12-01' },
      { label: 'Tags', value: '[\n  "a",\n  "b"\n]' },
    ]);
  });

  it('shows a value that is not an object as one line, nothing for none, and cuts very long values', () => {
    expect(describeInput('hello')).toEqual([{ label: 'Input', value: 'hello' }]);
    expect(describeInput(null)).toEqual([]);
    expect(describeInput({})).toEqual([]);
    const [line] = describeInput({ text: 'x'.repeat(2_000) });
    expect(line?.value.length).toBe(601);
    expect(line?.value.endsWith('…')).toBe(true);
  });

  it('reads camelCase, snake_case and kebab-case names', () => {
    expect([fieldLabel('eventId'), fieldLabel('event_id'), fieldLabel('event-id'), fieldLabel('URL')]).toEqual(['Event id', 'Event id', 'Event id', 'Url']);
  });
});

describe('coming back from signing in to a tool server', () => {
  it('reads the server and the outcome the callback put in the address, and nothing else', () => {
    expect(signInReturnOf('?mcpServer=server_1&signIn=ready')).toEqual({ serverId: 'server_1', outcome: 'ready' });
    expect(signInReturnOf('?mcpServer=server_1&signIn=maybe')).toBeUndefined();
    expect(signInReturnOf('?signIn=denied')).toBeUndefined();
    expect(signInReturnOf('')).toBeUndefined();
  });

  it('says how it went, with the server’s name and reason', () => {
    expect(signInSentence('ready', { name: 'Notes', reason: null })).toEqual({ sentence: 'Signed in to Notes. Its tools are ready.', good: true });
    expect(signInSentence('failed', { name: 'Notes', reason: 'It answered 500.' })).toEqual({
      sentence: 'Signed in to Notes, but it could not connect: It answered 500.',
      good: false,
    });
    expect(signInSentence('denied', undefined).sentence).toBe(
      'Signing in to the tool server was cancelled or refused, so it is not connected. Use Sign in to try again.',
    );
  });
});
