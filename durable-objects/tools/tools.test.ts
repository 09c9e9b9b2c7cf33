import { describe, expect, it } from 'vitest';
import type { FileStore } from '../files/file-store.ts';
import { createFileTools } from '../files/file-tools.ts';
import type { MemoryStore } from '../memory/memory-store.ts';
import { createMemoryTools } from '../memory/memory-tools.ts';
import { calculatorTool, evaluateExpression } from './calculator.ts';
import { currentTimeTool } from './current-time.ts';
import { builtInTools } from './registry.ts';
import { executeToolCall, toChatToolDefinition } from './tool.ts';

const context = { userId: 'user_test', timezone: 'Asia/Kolkata', now: new Date('2026-11-24T20:00:00Z') };

describe('calculator', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['2 ^ 3 ^ 2', 512],
    ['-2 ^ 2', 4],
    ['10 % 4', 2],
    ['sqrt(16) + abs(-3)', 7],
    ['max(1, 5, 3) - min(4, 2)', 3],
    ['round(2.5) + floor(2.7) + ceil(2.1)', 8],
    ['2 * pi', 2 * Math.PI],
    ['1.5e3 / .5', 3000],
  ])('evaluates %s', (expression, expected) => {
    expect(evaluateExpression(expression)).toBeCloseTo(expected, 10);
  });

  it.each(['', '1 +', '(1 + 2', '1 / 0', 'process.exit()', 'constructor', '2 3'])('refuses %j', (expression) => {
    expect(() => evaluateExpression(expression)).toThrow();
  });
});

describe('current time', () => {
  it("tells the time in the user's time zone, or in the one asked for", async () => {
    expect(await currentTimeTool.execute({}, context)).toMatchObject({
      timezone: 'Asia/Kolkata',
      localDateTime: '2026-11-25T01:30:00+05:30',
      weekday: 'Wednesday',
    });
    expect(await currentTimeTool.execute({ timezone: 'UTC' }, context)).toMatchObject({ localDateTime: '2026-11-24T20:00:00+00:00', weekday: 'Tuesday' });
  });
});

describe('running a tool call from the model', () => {
  it('validates the arguments and turns failures into readable outputs', async () => {
    expect(await executeToolCall(calculatorTool, '{"expression":"6*7"}', context)).toEqual({
      input: { expression: '6*7' },
      output: { expression: '6*7', result: 42 },
    });
    expect((await executeToolCall(calculatorTool, '{not json', context)).output).toEqual({ error: 'The arguments were not valid JSON.' });
    expect(((await executeToolCall(calculatorTool, '{"expression":5}', context)).output as { error: string }).error).toContain('expression');
    expect(((await executeToolCall(calculatorTool, '{"expression":"1/0"}', context)).output as { error: string }).error).toContain('finite');
    expect(((await executeToolCall(currentTimeTool, '{"timezone":"Atlantis/Capital"}', context)).output as { error: string }).error).toContain('timezone');
  });

  it('describes its input to the model as JSON Schema', () => {
    const definition = toChatToolDefinition(calculatorTool);
    expect(definition.name).toBe('calculator');
    expect(definition.inputSchema).toMatchObject({ type: 'object', properties: { expression: { type: 'string' } }, required: ['expression'] });
  });
});

describe('how tools read to a person', () => {
  // The stores are never touched: building the tools only closes over them.
  const search = async () => [];
  const everyTool = [...builtInTools, ...createFileTools({ files: {} as FileStore, search }), ...createMemoryTools({ memories: {} as MemoryStore, search })];

  it.each(everyTool.map((tool) => [tool.id, tool] as const))('%s has a human title and a one-line human summary', (_id, tool) => {
    expect(tool.title).toMatch(/^[A-Z][^_`]{2,30}$/);
    expect(tool.title).not.toBe(tool.name);
    expect(tool.summary.length).toBeLessThanOrEqual(90);
    expect(tool.summary).toMatch(/^[A-Z][^_`\n]+\.$/);
    // Instructions to the model and its view of "the user" stay in the description the model gets.
    expect(tool.summary).not.toMatch(/\b(the user|use it|takes the)\b/i);
    expect(tool.summary).not.toBe(tool.description);
  });

  it('still tells the model in its own words', () => {
    const definition = toChatToolDefinition(currentTimeTool);
    expect(definition.description).toBe(currentTimeTool.description);
    expect(definition.description).not.toBe(currentTimeTool.summary);
  });
});
