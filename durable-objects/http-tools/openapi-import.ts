import { parse as parseYaml } from 'yaml';
import { type CreateHttpToolBody, createHttpToolBodySchema, type HttpToolRequest, type ImportOpenApiBody } from '../../common/tools.ts';
import { AppError } from '../../server/errors/app-error.ts';

/** More operations than this in one import is a whole platform's API, not tools for a companion. */
const maxImportedOperations = 100;
const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** Deeper than this, a `$ref` is taken to be circular and left open (`{}`). */
const maxReferenceDepth = 12;

type JsonObject = Record<string, unknown>;

const invalid = (message: string) => new AppError('invalid_openapi_document', message);
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The HTTP tools an OpenAPI 3 document describes: one per operation (or per operation named), its
 * name from the operationId, its description from the summary and description, its input schema
 * from the path, query and header parameters and a JSON request body (as `body`), its URL from
 * `baseUrl` or the first server. Throws `invalid_openapi_document` for a document it cannot read.
 */
export function openApiToHttpTools(body: ImportOpenApiBody): CreateHttpToolBody[] {
  const document = readDocument(body.document);
  const resolve = (value: unknown, depth = 0): unknown => resolveReferences(document, value, depth);
  const base = baseUrlOf(document, body.baseUrl);
  const paths = document.paths;
  if (!isObject(paths)) throw invalid('The document has no "paths".');
  const wanted = body.operationIds ? new Set(body.operationIds) : undefined;
  const tools: CreateHttpToolBody[] = [];
  const names = new Set<string>();
  for (const [path, pathItemValue] of Object.entries(paths)) {
    const pathItem = resolve(pathItemValue);
    if (!isObject(pathItem)) continue;
    for (const method of methods) {
      const operation = pathItem[method];
      if (!isObject(operation)) continue;
      const operationId = typeof operation.operationId === 'string' ? operation.operationId : `${method}_${path}`;
      if (wanted && !wanted.has(operationId)) continue;
      const name = uniqueName(sanitiseName(operationId), names);
      const parameters = [...asArray(pathItem.parameters), ...asArray(operation.parameters)].map((parameter) => resolve(parameter)).filter(isObject);
      tools.push(toolOf({ name, method, path, base, operation: resolve(operation) as JsonObject, parameters, headers: body.headers, resolve }));
    }
  }
  if (wanted) {
    const missing = [...wanted].filter((id) => !tools.some((tool) => tool.name === sanitiseName(id)));
    if (missing.length > 0) throw invalid(`The document has no operation ${missing.slice(0, 5).join(', ')}.`);
  }
  if (tools.length === 0) throw invalid('The document describes no operations.');
  if (tools.length > maxImportedOperations)
    throw invalid(`The document has ${tools.length} operations: name at most ${maxImportedOperations} in operationIds.`);
  return tools;
}

function readDocument(document: ImportOpenApiBody['document']): JsonObject {
  let value: unknown = document;
  if (typeof document === 'string') {
    try {
      // YAML is a superset of JSON, but JSON.parse is quicker and stricter for JSON text.
      value = document.trimStart().startsWith('{') ? JSON.parse(document) : parseYaml(document, { maxAliasCount: 100 });
    } catch (error) {
      throw invalid(`The document is neither JSON nor YAML: ${error instanceof Error ? error.message.split('\n')[0] : 'it could not be read'}.`);
    }
  }
  if (!isObject(value)) throw invalid('The document must be an object.');
  if (typeof value.openapi !== 'string' || !value.openapi.startsWith('3.')) throw invalid('Only OpenAPI 3 documents can be imported ("openapi": "3.x").');
  return value;
}

function baseUrlOf(document: JsonObject, baseUrl: string | undefined): string {
  if (baseUrl) return baseUrl.replace(/\/$/, '');
  const [server] = asArray(document.servers).filter(isObject);
  if (!server || typeof server.url !== 'string') throw invalid('The document names no server: give baseUrl.');
  const variables = isObject(server.variables) ? server.variables : {};
  const url = server.url.replace(/\{([^}]+)\}/g, (_hole, name: string) => {
    const variable = variables[name];
    return isObject(variable) && typeof variable.default === 'string' ? variable.default : '';
  });
  if (!/^https?:\/\//.test(url)) throw invalid(`The document's server "${url}" is not an absolute URL: give baseUrl.`);
  return url.replace(/\/$/, '');
}

function toolOf(operation: {
  name: string;
  method: (typeof methods)[number];
  path: string;
  base: string;
  operation: JsonObject;
  parameters: JsonObject[];
  headers: Record<string, string> | undefined;
  resolve: (value: unknown) => unknown;
}): CreateHttpToolBody {
  const properties: JsonObject = {};
  const required: string[] = [];
  const fieldNames = new Set<string>();
  const query: string[] = [];
  const headers: Record<string, string> = { ...(operation.headers ?? {}) };
  let path = operation.path;
  // Operation parameters override path-level ones of the same name and place.
  const byPlace = new Map(operation.parameters.map((parameter) => [`${parameter.in}:${parameter.name}`, parameter]));
  for (const parameter of byPlace.values()) {
    if (typeof parameter.name !== 'string' || !['path', 'query', 'header'].includes(String(parameter.in))) continue;
    const field = uniqueName(sanitiseName(parameter.name).replace(/^[^A-Za-z_]/, '_'), fieldNames);
    const schema: JsonObject = isObject(parameter.schema) ? { ...(operation.resolve(parameter.schema) as JsonObject) } : { type: 'string' };
    if (typeof parameter.description === 'string') schema.description = parameter.description;
    properties[field] = schema;
    if (parameter.required === true || parameter.in === 'path') required.push(field);
    if (parameter.in === 'path') path = path.replaceAll(`{${parameter.name}}`, `{${field}}`);
    else if (parameter.in === 'query') query.push(`${encodeURIComponent(parameter.name)}={${field}}`);
    else headers[parameter.name] = `{${field}}`;
  }
  const request: HttpToolRequest = {
    method: operation.method.toUpperCase() as HttpToolRequest['method'],
    url: `${operation.base}${path}${query.length > 0 ? `?${query.join('&')}` : ''}`,
  };
  const requestBody = operation.resolve(operation.operation.requestBody);
  const content = isObject(requestBody) && isObject(requestBody.content) ? requestBody.content : {};
  const jsonMedia = Object.entries(content).find(([mediaType]) => /\bjson\b/i.test(mediaType))?.[1];
  if (isObject(jsonMedia)) {
    const field = uniqueName('body', fieldNames);
    properties[field] = isObject(jsonMedia.schema) ? operation.resolve(jsonMedia.schema) : {};
    if (isObject(requestBody) && requestBody.required === true) required.push(field);
    headers['Content-Type'] = 'application/json';
    // The body field alone: filled with the model's value as JSON, whatever its type.
    request.body = `{${field}}`;
  } else if (request.method !== 'GET' && request.method !== 'DELETE') {
    // Without a JSON body, the parameters are the whole input: the body stays empty.
    request.body = '';
  }
  if (Object.keys(headers).length > 0) request.headers = headers;
  const words = [operation.operation.summary, operation.operation.description].filter((text): text is string => typeof text === 'string' && text.trim() !== '');
  const description = (words.join('\n\n') || `${request.method} ${operation.path}`).slice(0, 1_000);
  const parsed = createHttpToolBodySchema.safeParse({
    name: operation.name,
    title:
      typeof operation.operation.summary === 'string' && operation.operation.summary.trim() !== ''
        ? operation.operation.summary.trim().slice(0, 80)
        : undefined,
    description,
    inputSchema: { type: 'object', properties, ...(required.length > 0 ? { required } : {}) },
    request,
  });
  if (!parsed.success)
    throw invalid(
      `The operation ${operation.name} cannot be a tool: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}.`,
    );
  return parsed.data;
}

/** Follows local `$ref`s (`#/components/...`) through the value; circular ones end as `{}`. */
function resolveReferences(document: JsonObject, value: unknown, depth: number): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveReferences(document, item, depth));
  if (!isObject(value)) return value;
  if (typeof value.$ref === 'string') {
    if (depth >= maxReferenceDepth || !value.$ref.startsWith('#/')) return {};
    return resolveReferences(document, pointerTarget(document, value.$ref), depth + 1);
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveReferences(document, item, depth)]));
}

function pointerTarget(document: JsonObject, reference: string): unknown {
  let target: unknown = document;
  for (const token of reference.slice(2).split('/')) {
    const key = decodeURIComponent(token).replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isObject(target) || !(key in target)) throw invalid(`The reference ${reference} points at nothing.`);
    target = target[key];
  }
  return target;
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** A name every chat API accepts: letters, digits, `_` and `-`, at most 64. */
export function sanitiseName(text: string): string {
  const name = text
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/_{2,}/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 64);
  return name === '' ? 'operation' : name;
}

function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let index = 2; taken.has(candidate); index++) candidate = `${name.slice(0, 60)}_${index}`;
  taken.add(candidate);
  return candidate;
}
