import { z } from 'zod';
import { defineTool } from './tool.ts';

/**
 * Arithmetic for the model, which is poor at it. Written by hand on purpose: Workers forbid `eval`
 * and `new Function`, the maintained expression library (mathjs) is several hundred kilobytes for
 * what is a forty-line recursive-descent parser, and the unmaintained small ones carry known CVEs.
 *
 * Grammar: sum := product (('+' | '-') product)* ; product := power (('*' | '/' | '%') power)* ;
 * power := unary ('^' power)? ; unary := '-' unary | call ; call := name '(' args ')' | name | number | '(' sum ')'
 */
const functions: Record<string, (...values: number[]) => number> = {
  sqrt: Math.sqrt,
  abs: Math.abs,
  round: Math.round,
  floor: Math.floor,
  ceil: Math.ceil,
  min: Math.min,
  max: Math.max,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  ln: Math.log,
  log: Math.log10,
  exp: Math.exp,
};
const constants: Record<string, number> = { pi: Math.PI, e: Math.E };

export function evaluateExpression(expression: string): number {
  const tokens = expression.match(/\d+(?:\.\d+)?(?:e[+-]?\d+)?|\.\d+|[a-z]+|[-+*/%^(),]|\S/gi) ?? [];
  let position = 0;
  const peek = () => tokens[position];
  const take = (expected?: string) => {
    const token = tokens[position];
    if (token === undefined || (expected !== undefined && token !== expected)) {
      throw new Error(expected ? `Expected "${expected}"` : 'Unexpected end of expression');
    }
    position++;
    return token;
  };

  const sum = (): number => {
    let value = product();
    while (peek() === '+' || peek() === '-') value = take() === '+' ? value + product() : value - product();
    return value;
  };
  const product = (): number => {
    let value = power();
    while (peek() === '*' || peek() === '/' || peek() === '%') {
      const operator = take();
      const right = power();
      value = operator === '*' ? value * right : operator === '/' ? value / right : value % right;
    }
    return value;
  };
  const power = (): number => {
    const base = unary();
    if (peek() !== '^') return base;
    take();
    return base ** power();
  };
  const unary = (): number => {
    if (peek() === '-') {
      take();
      return -unary();
    }
    if (peek() === '+') {
      take();
      return unary();
    }
    return primary();
  };
  const primary = (): number => {
    const token = take();
    if (token === '(') {
      const value = sum();
      take(')');
      return value;
    }
    if (/^[\d.]/.test(token)) return Number(token);
    const name = token.toLowerCase();
    if (name in constants) return constants[name] as number;
    const fn = functions[name];
    if (!fn) throw new Error(`Unknown name "${token}"`);
    take('(');
    const values = [sum()];
    while (peek() === ',') {
      take();
      values.push(sum());
    }
    take(')');
    return fn(...values);
  };

  if (tokens.length === 0) throw new Error('Empty expression');
  const result = sum();
  if (position < tokens.length) throw new Error(`Unexpected "${tokens[position]}"`);
  if (!Number.isFinite(result)) throw new Error('The result is not a finite number');
  return result;
}

export const calculatorTool = defineTool({
  id: 'calculator',
  name: 'calculator',
  title: 'Calculator',
  summary: 'Works out sums exactly, so the numbers in its answers are right.',
  description:
    'Evaluates an arithmetic expression exactly: + - * / % ^, parentheses, sqrt, abs, round, floor, ceil, min, max, sin, cos, tan, ln, log, exp, pi, e.',
  inputSchema: z.object({ expression: z.string().min(1).max(500).describe('For example: (12.5 * 4) / 3 + sqrt(16)') }),
  enabledByDefault: true,
  risk: 'read',
  async execute({ expression }) {
    return { expression, result: evaluateExpression(expression) };
  },
});
