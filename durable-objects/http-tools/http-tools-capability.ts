import { z } from 'zod';
import type { ImportDocument, ImportNote } from '../../common/import.ts';
import type { JsonValue } from '../../common/protocol.ts';
import {
  type CreateHttpToolBody,
  createHttpToolBodySchema,
  type HttpTool,
  type HttpToolHeadersBody,
  type ImportOpenApiBody,
  type ToolRisk,
  type ToolView,
} from '../../common/tools.ts';
import { createId } from '../../server/crypto/encoding.ts';
import { AppError } from '../../server/errors/app-error.ts';
import { buildHttpRequest, checkHttpToolDefinition, inputProblems, TemplateError } from '../../server/http-tools/http-tool-definition.ts';
import { log } from '../../server/logging/log.ts';
import { createOutboundFetch, OutboundError, outboundPolicyFromConfig } from '../../server/net/outbound-fetch.ts';
import type { Capability, CapabilityHost } from '../host/capability.ts';
import type { ImportPlan } from '../host/import-document.ts';
import { defaultToolView, type Tool, type ToolProvider } from '../tools/tool.ts';
import { openApiToHttpTools } from './openapi-import.ts';
import { httpToolsSchemaSteps } from './schema.ts';

/** The most of an answer the model reads, in characters: enough for an API answer, not a flood. */
export const maxModelOutputCharacters = 64 * 1024;
/** What a failing answer shows of its body. */
const maxErrorBodyCharacters = 2_000;

interface StoredHttpTool {
  id: string;
  definition: CreateHttpToolBody;
  shared: boolean;
  createdAt: number;
  /** It came back from an export without its header values: listed, but not offered or called until they are given. */
  headerValuesMissing: boolean;
}

const sharedIdOf = (name: string) => `shared-${name}`;
const toolIdOf = (httpToolId: string) => `http:${httpToolId}`;
const riskOf = (definition: CreateHttpToolBody): ToolRisk => definition.risk ?? (definition.request.method === 'GET' ? 'read' : 'act');

/**
 * HTTP tools: the ones a person describes (a name, a description, a JSON Schema of the input, a
 * request template) or imports from an OpenAPI document, and the ones the operator gives everyone
 * (`SHARED_HTTP_TOOLS`). Each definition is stored whole and sealed, header values included; the API
 * and the export only ever name the headers. Every call goes through the outbound guard.
 */
export function createHttpToolsCapability(
  host: CapabilityHost,
  dependencies: {
    /** Every tool the person has now, as the tools capability lists it: for unique names and for the view each HTTP tool carries. */
    toolViews: () => Promise<readonly ToolView[]>;
  },
  options: { fetch?: typeof fetch } = {},
) {
  let own: Promise<StoredHttpTool[]> | undefined;
  const tools = new Map<string, Tool>();

  const contextOf = (id: string) => `http-tool:${id}:definition`;

  function ownTools(): Promise<StoredHttpTool[]> {
    own ??= (async () => {
      const rows = host.sql
        .exec<{ id: string; definition_sealed: string; created_at: number; header_values_missing: number }>(
          'SELECT id, definition_sealed, created_at, header_values_missing FROM http_tools ORDER BY created_at, id',
        )
        .toArray();
      return Promise.all(
        rows.map(async (row) => ({
          id: row.id,
          definition: createHttpToolBodySchema.parse(JSON.parse(await host.vault.open(row.definition_sealed, contextOf(row.id)))),
          shared: false,
          createdAt: row.created_at,
          headerValuesMissing: row.header_values_missing === 1,
        })),
      );
    })().catch((error: unknown) => {
      own = undefined;
      throw error;
    });
    return own;
  }

  function sharedTools(): StoredHttpTool[] {
    return host
      .config()
      .SHARED_HTTP_TOOLS.map((definition) => ({ id: sharedIdOf(definition.name), definition, shared: true, createdAt: 0, headerValuesMissing: false }));
  }

  async function allTools(): Promise<StoredHttpTool[]> {
    return [...sharedTools(), ...(await ownTools())];
  }

  /** Made once per definition: the tools capability keys its cached model definitions on the object. */
  function toolOf(stored: StoredHttpTool): Tool {
    const key = `${stored.id}:${stored.createdAt}`;
    let tool = tools.get(key);
    if (!tool) {
      tool = makeTool(stored);
      tools.set(key, tool);
    }
    return tool;
  }

  function makeTool(stored: StoredHttpTool): Tool {
    const { definition } = stored;
    return {
      id: toolIdOf(stored.id),
      name: definition.name,
      description: definition.description,
      title: definition.title ?? definition.name,
      summary: definition.description.length > 200 ? `${definition.description.slice(0, 199)}…` : definition.description,
      inputSchema: z.record(z.string(), z.unknown()),
      jsonInputSchema: definition.inputSchema,
      enabledByDefault: true,
      risk: riskOf(definition),
      source: { kind: 'http', httpToolId: stored.id, shared: stored.shared },
      execute: (input, context) => call(stored, input as Record<string, unknown>, context.signal),
    };
  }

  async function call(stored: StoredHttpTool, input: Record<string, unknown>, signal: AbortSignal | undefined): Promise<JsonValue> {
    // Never offered while so; a call from a turn that listed it before cannot send empty credentials either.
    if (stored.headerValuesMissing) return { error: 'This tool came back from an export without its header values; the person must add it again with them.' };
    const problems = inputProblems(stored.definition.inputSchema, input);
    if (problems.length > 0) return { error: `Invalid arguments: ${problems.join('; ')}` };
    let request: ReturnType<typeof buildHttpRequest>;
    try {
      // Only the operator's tools may name Worker secrets; a person's tool never reads the environment.
      const secret = (name: string) => (stored.shared && typeof host.env[name] === 'string' ? (host.env[name] as string) : undefined);
      request = buildHttpRequest(stored.definition.request, input, secret);
    } catch (error) {
      if (error instanceof TemplateError) return { error: error.message };
      throw error;
    }
    const guardedFetch = createOutboundFetch(outboundPolicyFromConfig(host.config()), options.fetch);
    let response: Response;
    let text: string;
    try {
      response = await guardedFetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal });
      text = await response.text();
    } catch (error) {
      if (error instanceof OutboundError) return { error: error.message };
      // The message of a network failure names no secret (the URL is the tool's, which the person wrote).
      log.info('http tool call failed', { userId: host.userId, httpToolId: stored.id, error: error instanceof Error ? error.name : 'unknown' });
      return { error: `The service could not be reached: ${error instanceof Error ? error.message : 'the request failed'}.` };
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (!response.ok) {
      return { error: `The service answered HTTP ${response.status}.`, status: response.status, body: cut(text, maxErrorBodyCharacters).text };
    }
    return { status: response.status, ...answerBody(text, contentType) };
  }

  async function views(stored: readonly StoredHttpTool[]): Promise<HttpTool[]> {
    const byId = new Map((await dependencies.toolViews()).map((view) => [view.id, view]));
    return stored.map((entry) => {
      const tool = toolOf(entry);
      const { request } = entry.definition;
      return {
        id: entry.id,
        name: entry.definition.name,
        title: tool.title,
        description: entry.definition.description,
        inputSchema: entry.definition.inputSchema,
        request: { method: request.method, url: request.url, headerNames: Object.keys(request.headers ?? {}), body: request.body },
        shared: entry.shared,
        tool: byId.get(tool.id) ?? defaultToolView(tool, !entry.headerValuesMissing),
        createdAt: new Date(entry.createdAt).toISOString(),
      };
    });
  }

  /**
   * One addition at a time: the names are sealed, so whether one is taken is only known after
   * awaiting, and two additions of one name in flight together must not both pass the check.
   */
  let additions: Promise<unknown> = Promise.resolve();
  function add(definitions: readonly CreateHttpToolBody[]): Promise<HttpTool[]> {
    const added = additions.then(() => addNow(definitions));
    additions = added.catch(() => undefined);
    return added;
  }

  /** Checks and stores new tools together: all of them, or none when one is refused. */
  async function addNow(definitions: readonly CreateHttpToolBody[]): Promise<HttpTool[]> {
    const policy = outboundPolicyFromConfig(host.config());
    const taken = new Set([...(await dependencies.toolViews()).map((view) => view.name), ...(await allTools()).map((entry) => entry.definition.name)]);
    for (const definition of definitions) {
      checkHttpToolDefinition(definition, policy, { secretsAllowed: false });
      if (taken.has(definition.name)) throw new AppError('tool_name_taken', `There is already a tool named ${definition.name}.`);
      taken.add(definition.name);
    }
    const now = host.now();
    const prepared = await Promise.all(
      definitions.map((definition) => prepareTool({ id: createId('htt', now), definition, shared: false, createdAt: now, headerValuesMissing: false })),
    );
    for (const entry of prepared) entry.write();
    own = undefined;
    return views(prepared.map((entry) => entry.stored));
  }

  /** Seals a tool and answers the write that stores it: apart, so that an import seals first and writes inside its one transaction. */
  async function prepareTool(stored: StoredHttpTool): Promise<{ stored: StoredHttpTool; write(): void }> {
    const sealed = await host.vault.seal(JSON.stringify(stored.definition), contextOf(stored.id));
    return {
      stored,
      write: () => {
        host.sql.exec(
          'INSERT INTO http_tools (id, definition_sealed, created_at, header_values_missing) VALUES (?, ?, ?, ?)',
          stored.id,
          sealed,
          stored.createdAt,
          stored.headerValuesMissing ? 1 : 0,
        );
      },
    };
  }

  /**
   * The person's own tools come back with their ids, definitions and times; the operator's shared ones
   * are not theirs, and this Kindred's configuration gives its own. A tool whose request has headers
   * comes back with their names and empty values, marked as missing them: it is listed (with
   * `available: false`) so nothing the person wrote is lost, but never offered or called, since the
   * export never holds the values. A tool whose name is taken here, or whose address this Kindred
   * does not allow, is left out with a note.
   */
  async function importTools(document: ImportDocument): Promise<ImportPlan> {
    const exported = document.httpTools?.filter((tool) => !tool.shared);
    if (!exported) return { imported: {}, write: () => {} };
    const policy = outboundPolicyFromConfig(host.config());
    const taken = new Set([...(await dependencies.toolViews()).map((view) => view.name), ...sharedTools().map((entry) => entry.definition.name)]);
    const prepared: Awaited<ReturnType<typeof prepareTool>>[] = [];
    const leftOut = { taken: 0, refused: 0 };
    for (const [index, tool] of exported.entries()) {
      const parsed = createHttpToolBodySchema.safeParse({
        name: tool.name,
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        request: {
          method: tool.request.method,
          url: tool.request.url,
          ...(tool.request.headerNames.length > 0 ? { headers: Object.fromEntries(tool.request.headerNames.map((name) => [name, ''])) } : {}),
          ...(tool.request.body !== undefined ? { body: tool.request.body } : {}),
        },
        risk: tool.tool.defaultRisk,
      });
      if (!parsed.success)
        throw new AppError('validation_failed', `The import's httpTools[${index}] is not a tool Kindred can keep: ${parsed.error.issues[0]?.message}.`);
      const createdAt = Date.parse(tool.createdAt);
      if (Number.isNaN(createdAt)) throw new AppError('validation_failed', `The import's httpTools[${index}].createdAt is not a time.`);
      try {
        checkHttpToolDefinition(parsed.data, policy, { secretsAllowed: false });
      } catch (error) {
        if (!(error instanceof AppError && error.id === 'url_not_allowed')) throw error;
        leftOut.refused++;
        continue;
      }
      if (taken.has(parsed.data.name)) {
        leftOut.taken++;
        continue;
      }
      taken.add(parsed.data.name);
      prepared.push(
        await prepareTool({ id: tool.id, definition: parsed.data, shared: false, createdAt, headerValuesMissing: tool.request.headerNames.length > 0 }),
      );
    }
    const missingValues = prepared.filter((entry) => entry.stored.headerValuesMissing).length;
    const notImported: ImportNote[] = [];
    if (missingValues > 0)
      notImported.push({
        section: 'httpTools',
        count: missingValues,
        reason:
          'Header values are never exported: these HTTP tools came back without them and are not used until you enter the values again in Settings → Tools.',
      });
    if (leftOut.taken > 0) notImported.push({ section: 'httpTools', count: leftOut.taken, reason: 'A tool of the same name already exists here.' });
    if (leftOut.refused > 0)
      notImported.push({ section: 'httpTools', count: leftOut.refused, reason: 'This Kindred does not allow requests to these tools’ addresses.' });
    return {
      // Those that came back, whole or waiting for their header values.
      imported: { httpTools: prepared.length },
      notImported,
      write: () => {
        for (const entry of prepared) entry.write();
        own = undefined;
      },
    };
  }

  const provider: ToolProvider = {
    async listTools() {
      try {
        return (await allTools()).map((stored) => ({ tool: toolOf(stored), available: !stored.headerValuesMissing }));
      } catch (error) {
        // Never throws (the contract): a misconfiguration or an unreadable row leaves the tools out of this turn.
        log.warn('http tools not listed', { userId: host.userId, error: error instanceof Error ? error.message : 'unknown' });
        return [];
      }
    },
  };

  return {
    name: 'httpTools',
    schema: httpToolsSchemaSteps,
    provider,
    rpc: {
      /** `GET /tools/http`: the operator's shared tools, then the person's own, oldest first. */
      list: async (): Promise<HttpTool[]> => views(await allTools()),
      /** `POST /tools/http`. */
      create: async (body: CreateHttpToolBody): Promise<HttpTool> => {
        const [created] = await add([body]);
        if (!created) throw new AppError('http_tool_not_found', 'The tool was not stored.');
        return created;
      },
      /** `POST /tools/http/import-openapi`: every operation, or those named, as tools. */
      importOpenApi: async (body: ImportOpenApiBody): Promise<HttpTool[]> => add(openApiToHttpTools(body)),
      /**
       * `PUT /tools/http/:id/headers`: new values for every header the tool names, and nothing else: how a
       * tool brought back from an export without its values works again, or a key that changed is replaced.
       */
      async setHeaders(id: string, body: HttpToolHeadersBody): Promise<HttpTool> {
        if (sharedTools().some((entry) => entry.id === id)) throw new AppError('tool_is_shared', 'This tool is given to everyone by the operator.');
        const stored = (await ownTools()).find((entry) => entry.id === id);
        if (!stored) throw new AppError('http_tool_not_found', `There is no HTTP tool "${id}".`);
        const named = Object.keys(stored.definition.request.headers ?? {}).sort();
        const given = Object.keys(body.headers).sort();
        if (named.length === 0 || named.join('\n') !== given.join('\n')) {
          throw new AppError('validation_failed', `Give a value for each of the tool's headers and no others: ${named.join(', ') || 'it has none'}.`);
        }
        const definition: CreateHttpToolBody = { ...stored.definition, request: { ...stored.definition.request, headers: body.headers } };
        checkHttpToolDefinition(definition, outboundPolicyFromConfig(host.config()), { secretsAllowed: false });
        const sealed = await host.vault.seal(JSON.stringify(definition), contextOf(id));
        host.sql.exec('UPDATE http_tools SET definition_sealed = ?, header_values_missing = 0 WHERE id = ?', sealed, id);
        own = undefined;
        for (const key of tools.keys()) if (key.startsWith(`${id}:`)) tools.delete(key);
        const [view] = await views([{ ...stored, definition, headerValuesMissing: false }]);
        if (!view) throw new AppError('http_tool_not_found', `There is no HTTP tool "${id}".`);
        return view;
      },
      /** `DELETE /tools/http/:id`. */
      async delete(id: string): Promise<void> {
        if (sharedTools().some((entry) => entry.id === id)) {
          throw new AppError('tool_is_shared', 'This tool is given to everyone by the operator: switch it off instead.');
        }
        const deleted = host.sql.exec('DELETE FROM http_tools WHERE id = ?', id).rowsWritten;
        own = undefined;
        for (const key of tools.keys()) if (key.startsWith(`${id}:`)) tools.delete(key);
        if (deleted === 0) throw new AppError('http_tool_not_found', `There is no HTTP tool "${id}".`);
      },
    },
    exportData: async (): Promise<{ httpTools: HttpTool[] }> => ({ httpTools: await views(await allTools()) }),
    holdsData: async (): Promise<boolean> => host.sql.exec<{ held: number }>('SELECT EXISTS (SELECT 1 FROM http_tools) AS held').one().held === 1,
    importData: importTools,
    reset() {
      own = undefined;
      tools.clear();
    },
  } satisfies Capability;
}

export type HttpToolsCapability = ReturnType<typeof createHttpToolsCapability>;

function cut(text: string, limit: number): { text: string; truncated: boolean } {
  return text.length <= limit ? { text, truncated: false } : { text: text.slice(0, limit), truncated: true };
}

/** The answer as the model reads it: JSON as JSON, anything else as text, cut with a note when long. */
function answerBody(text: string, contentType: string): Record<string, JsonValue> {
  if (/\bjson\b/i.test(contentType)) {
    try {
      const parsed = JSON.parse(text) as JsonValue;
      if (JSON.stringify(parsed).length <= maxModelOutputCharacters) return { body: parsed };
    } catch {
      // Not JSON after all: read it as text.
    }
  }
  const { text: kept, truncated } = cut(text, maxModelOutputCharacters);
  return truncated
    ? { body: kept, truncated: true, note: `The answer was ${text.length} characters long; only the first ${maxModelOutputCharacters} are shown.` }
    : { body: kept };
}
