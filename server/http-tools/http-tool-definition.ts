import { Validator } from '@cfworker/json-schema';
import type { CreateHttpToolBody, HttpToolRequest } from '../../common/tools.ts';
import { AppError } from '../errors/app-error.ts';
import { checkOutboundUrl, type OutboundPolicy } from '../net/outbound-fetch.ts';

/**
 * One pass over a template finds both kinds of holes: `{{secret:NAME}}` (a Worker secret, only in
 * the operator's shared tools) and `{field}` (an input field). A value put in is never read again, so
 * input the model writes cannot itself name a secret or a field.
 */
const holePattern = /\{\{secret:([A-Za-z_][A-Za-z0-9_]*)\}\}|\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;
const wholeFieldPattern = /^\{([A-Za-z_][A-Za-z0-9_.-]*)\}$/;

const maxInputSchemaLength = 20_000;

/** The names of the input fields a template string uses. */
export function fieldsIn(template: string): string[] {
  return [...template.matchAll(holePattern)].flatMap((match) => (match[2] ? [match[2]] : []));
}

/** The names of the Worker secrets a template string uses. */
export function secretsIn(template: string): string[] {
  return [...template.matchAll(holePattern)].flatMap((match) => (match[1] ? [match[1]] : []));
}

function fieldsOfRequest(request: HttpToolRequest): string[] {
  const fromBody = (value: unknown): string[] => {
    if (typeof value === 'string') return fieldsIn(value);
    if (Array.isArray(value)) return value.flatMap(fromBody);
    if (value && typeof value === 'object') return Object.values(value).flatMap(fromBody);
    return [];
  };
  return [...fieldsIn(request.url), ...Object.values(request.headers ?? {}).flatMap(fieldsIn), ...fromBody(request.body)];
}

/**
 * Checks a tool a person (or the operator) describes, beyond its wire shape: the input schema is a
 * JSON Schema of an object, every `{field}` the request uses is one of its properties, the host is
 * fixed (never filled from input, so the model cannot choose where the call goes), and the URL is
 * one the outbound policy allows. Throws `invalid_tool_schema` or `url_not_allowed`.
 */
export function checkHttpToolDefinition(body: CreateHttpToolBody, policy: OutboundPolicy, options: { secretsAllowed: boolean }): void {
  const origin = body.request.url.match(/^[^:/?#]+:\/\/[^/?#]*/)?.[0] ?? '';
  if (origin.includes('{')) throw new AppError('url_not_allowed', 'The URL’s host must be written out, not filled from the input.');
  const check = checkOutboundUrl(body.request.url.replace(holePattern, 'x'), policy);
  if (!check.allowed) throw new AppError('url_not_allowed', check.message);
  const properties = checkInputSchema(body.inputSchema);
  for (const field of fieldsOfRequest(body.request)) {
    if (!properties.has(field)) {
      throw new AppError('invalid_tool_schema', `The request uses {${field}}, which is not a property of the input schema.`);
    }
  }
  const usesSecrets = [body.request.url, ...Object.values(body.request.headers ?? {})].some((text) => secretsIn(text).length > 0);
  if (usesSecrets && !options.secretsAllowed) {
    throw new AppError('invalid_tool_schema', 'Only tools the operator configures may name a {{secret:…}}.');
  }
  if (secretsIn(body.request.url).length > 0) {
    throw new AppError('invalid_tool_schema', 'A {{secret:…}} may only be named in a header value, never in the URL.');
  }
}

/** Checks an input schema and answers the names of its properties. */
export function checkInputSchema(schema: Record<string, unknown>): Set<string> {
  if (JSON.stringify(schema).length > maxInputSchemaLength) {
    throw new AppError('invalid_tool_schema', `The input schema is longer than ${maxInputSchemaLength} characters.`);
  }
  if (schema.type !== 'object') throw new AppError('invalid_tool_schema', 'The input schema must describe an object: "type": "object".');
  const properties = schema.properties ?? {};
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    throw new AppError('invalid_tool_schema', 'The input schema’s "properties" must be an object.');
  }
  for (const [name, property] of Object.entries(properties)) {
    if (typeof property !== 'boolean' && (typeof property !== 'object' || property === null || Array.isArray(property))) {
      throw new AppError('invalid_tool_schema', `The input schema’s property "${name}" must be a schema (an object).`);
    }
  }
  if (schema.required !== undefined && (!Array.isArray(schema.required) || schema.required.some((name) => typeof name !== 'string'))) {
    throw new AppError('invalid_tool_schema', 'The input schema’s "required" must be a list of property names.');
  }
  try {
    // A schema whose keywords have the wrong types throws here rather than on the first call.
    new Validator(schema as never, '2020-12', false).validate({});
  } catch (error) {
    throw new AppError('invalid_tool_schema', `The input schema is not valid JSON Schema: ${error instanceof Error ? error.message : 'it could not be read'}.`);
  }
  return new Set(Object.keys(properties));
}

/** Thrown when a call cannot be made from the input (a field missing, a secret not set). */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

type Input = Record<string, unknown>;

const textOf = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

function fill(template: string, input: Input, secrets: (name: string) => string | undefined, encode: (text: string) => string): string {
  return template.replace(holePattern, (_hole, secret: string | undefined, field: string | undefined) => {
    if (secret) {
      const value = secrets(secret);
      if (value === undefined) throw new TemplateError(`The secret ${secret} this tool needs is not set.`);
      return value;
    }
    const value = field === undefined ? undefined : input[field];
    if (value === undefined || value === null) throw new TemplateError(`The input has no "${field}", which the request needs.`);
    return encode(textOf(value));
  });
}

function fillBody(template: unknown, input: Input): unknown {
  if (typeof template === 'string') {
    const whole = template.match(wholeFieldPattern);
    // A value that is one field alone keeps its type (a number stays a number).
    if (whole?.[1]) return input[whole[1]];
    return fill(
      template,
      input,
      () => undefined,
      (text) => text,
    );
  }
  if (Array.isArray(template)) return template.map((item) => fillBody(item, input)).filter((item) => item !== undefined);
  if (template && typeof template === 'object') {
    return Object.fromEntries(
      Object.entries(template)
        .map(([key, value]) => [key, fillBody(value, input)] as const)
        .filter(([, value]) => value !== undefined),
    );
  }
  return template;
}

/**
 * The request a call makes: `{field}`s in the URL are URL-encoded; a query parameter or header
 * whose whole value is one field is left out when the input lacks it (optional parameters); the body
 * is the template filled (a field alone keeps its JSON type), or the input as JSON for a method with
 * a body and no template.
 */
export function buildHttpRequest(
  request: HttpToolRequest,
  input: Input,
  secrets: (name: string) => string | undefined = () => undefined,
): { url: string; method: string; headers: Headers; body?: string } {
  const [beforeQuery = '', query] = splitQuery(request.url);
  let url = fill(beforeQuery, input, () => undefined, encodeURIComponent);
  if (query !== undefined) {
    const parameters = query
      .split('&')
      .filter((pair) => {
        const value = pair.slice(pair.indexOf('=') + 1);
        const whole = value.match(wholeFieldPattern);
        return !(pair.includes('=') && whole?.[1] && (input[whole[1]] === undefined || input[whole[1]] === null));
      })
      .map((pair) => fill(pair, input, () => undefined, encodeURIComponent));
    if (parameters.length > 0) url += `?${parameters.join('&')}`;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    const whole = value.match(wholeFieldPattern);
    if (whole?.[1] && (input[whole[1]] === undefined || input[whole[1]] === null)) continue;
    headers.set(
      name,
      fill(value, input, secrets, (text) => text.replace(/[\r\n]/g, ' ')),
    );
  }
  let body: string | undefined;
  if (request.body !== undefined) {
    if (typeof request.body === 'string') {
      const filled = fillBody(request.body, input);
      body = typeof filled === 'string' ? filled : JSON.stringify(filled);
      if (!headers.has('content-type')) headers.set('content-type', 'text/plain; charset=utf-8');
    } else {
      body = JSON.stringify(fillBody(request.body, input));
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
  } else if (request.method !== 'GET' && request.method !== 'DELETE') {
    body = JSON.stringify(input);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  return { url, method: request.method, headers, ...(body === undefined ? {} : { body }) };
}

function splitQuery(url: string): [string, string | undefined] {
  const index = url.indexOf('?');
  return index === -1 ? [url, undefined] : [url.slice(0, index), url.slice(index + 1)];
}

/** Validates a call's input against the tool's JSON Schema; answers the problems in words, or none. */
export function inputProblems(schema: Record<string, unknown>, input: unknown): string[] {
  const result = new Validator(schema as never, '2020-12', false).validate(input);
  if (result.valid) return [];
  // Errors of these keywords only say that something inside failed; the others say what.
  const summaries = new Set(['properties', 'items', 'prefixItems', 'patternProperties', 'allOf', '$ref', 'dependentSchemas']);
  const specific = result.errors.filter((error) => !summaries.has(error.keyword));
  return (specific.length > 0 ? specific : result.errors)
    .slice(0, 5)
    .map((error) => `${error.instanceLocation.replace(/^#\/?/, '') || 'input'}: ${error.error}`);
}
