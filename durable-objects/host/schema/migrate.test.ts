import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { CompanionAgent } from '../../companion-agent.ts';
import { migrateObjectSchema, orderSchemaSteps } from './migrate.ts';
import type { SchemaStep } from './schema-step.ts';

const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> };

/**
 * The digest of every landed step. A step is history: objects in production ran it as it was. If
 * this test fails, a landed step was edited: put it back and change the schema in a new step.
 */
const landedStepDigests: Record<number, string> = {
  1: '4e248917e59a2b04bbdcd425400c6021d4502232322799dd28cfd959f07370f3',
  2: 'f332b6e36b1c8e5f1164f7ead43f6c88ab14ff6a37810d969154c578e30d776a',
  3: 'a678c8109c98ac52972c80c56320aaf72248cfbdf09df546f37b782af0363df4',
  4: '80ef7bba0acdbb180dff4fe8c24348d6c38545936fc1be71f0da13806f3338fc',
  // Reminders.
  5: '21575af4b0b38cfac8c3416825dfe06f6a1ff062c68abd5bcc5e2c0424b9c7a6',
  // Proactive messages.
  6: '6d9112202fe2a5e12fd9f58270f9a800cd2dd4a9028f6327ece81bb50b9b8233',
  // Outreach: settings, log, attempts, channel deliveries.
  7: '4f237a0a892e47a474d2bb5e8286ef3d240aa87f74115d24a8b9afd8f55dde41',
  // Push subscriptions and deliveries.
  8: 'f7b5c6e86720b35c7bcbba5b5bfb9b73da048d24c9b9401d09a78bf96165d689',
  // Calendar sources (connected calendars).
  9: '9440c3fc56282cd8ab4a8cb316fbdc497518e9da2ded8d72c272e51c9574ad07',
  // Confirmations.
  10: '0a2a61b696e2316ecde56cc6e906856dd7ceaeddc5c2f3d56ddbed66f6bb3ee3',
  // WhatsApp.
  11: '40ba4b2cc18625f3928a0ec5b1ab254fa17b3f46808c229c8f00109fc3baf3c6',
  // Reminders: whether a delivered reminder's frame reached a client.
  12: '33ac27efcb316c7473959177370101bbc1ebe6a80a79da4b1c2e31e4ed3286b7',
  // Voice: whether spoken audio is kept, and the utterances kept.
  13: '24b33753fb787d8a19722bbf49be384d5daaea4dd7c39575038f3c274cde6963',
  // Asking before acting: risk level and approval mode per tool, requests to approve a tool call.
  14: 'a9f39cee36a4b48fb187c8941159791a5fbe1d3b4fa4d7dd0af72ae277143f9f',
  // MCP servers a person adds, their sealed secrets and connection state.
  15: 'd9f10aa07c9895457ee6658180a79cd2316524eae5503b830b38c2c35704e0cf',
  // HTTP tools a person describes or imports, sealed whole.
  16: '7d46f33ccb8f9a7d26d1d2be78f7e053201d8d7c0b5b4009bd16539ca0410e7b',
  // Care: the country setting, flagged conversations (sealed category), and the care a reply carries.
  17: '99a6c9ee4e01ed282f9ad2ff25cdd6d20d8566cbd3453a25ed25dec18722dcb7',
  // Messages: the finer kind of a proactive message (goal check-in, reflection) beside the old column.
  18: 'b792e506b150bbfd243ae8dda88fe72cf9cbdd5299334fd99e08b1caec11402b',
  // The weekly reflection: settings, and the reflection days that ran.
  19: '52df55c59c70ce17f2100fbd929dff5e6ec0050a4687bb380edb5a328f792dba',
  // Goals and habits, and their updates (sealed title, notes and update notes).
  20: '61a40cdacbcbf2e7fde6b6f7c9a5ca8eedabf293ec45e74ced76e9da8c8c0385',
  // Mood check-ins: score and note sealed, the instant, local day and source plain.
  21: 'e9b353af8cf25fd8e6218b63449de85a9f93883b78a184a25e7c6a861b3a9b74',
  // Turns in flight: a reply being written, stored as failed if a restart cuts it off.
  22: '0ddab002ae37461adab64977bd3fdec2e827c2f9ba1e47cff857cefd71bea066',
  // HTTP tools that came back from an export without their header values.
  23: '9773c997afcb4df776dcccbfae6da4a34e233cce136ea7b7ff76fcb13c387ccb',
  // Sessions in the user's own object: hashed secrets, realtime tickets, the account identity shown.
  24: '70bb4937f61f6fe17bec7bed903fc6e32648f8becfa0335ffa032cbf9b068678',
};

async function digestOf(step: SchemaStep): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify([step.version, ...step.statements]));
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

const tablesOf = (sql: SqlStorage) =>
  sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'cf_%' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name")
    .toArray()
    .map((row) => row.name);

describe('the companion object schema', () => {
  it('keeps every landed step exactly as it landed', async () => {
    const steps = await runInDurableObject(testEnv.COMPANION.getByName('user_schema_digests'), (instance) => instance.schemaSteps());
    expect(steps.map((step) => step.version)).toEqual(Object.keys(landedStepDigests).map(Number));
    for (const step of steps) expect(await digestOf(step), `step ${step.version}`).toBe(landedStepDigests[step.version]);
  });

  it('numbers steps 1, 2, 3, … and refuses a gap or a repeat', () => {
    const step = (version: number): SchemaStep => ({ version, description: `step ${version}`, statements: [] });
    expect(orderSchemaSteps([step(2), step(1), step(3)]).map((entry) => entry.version)).toEqual([1, 2, 3]);
    expect(() => orderSchemaSteps([step(1), step(3)])).toThrow(/without gaps or repeats/);
    expect(() => orderSchemaSteps([step(1), step(2), step(2)])).toThrow(/without gaps or repeats/);
  });

  it('upgrades an object created at the first version to the latest and keeps its data', async () => {
    const stub = testEnv.COMPANION.getByName(`user_schema_${crypto.randomUUID().slice(0, 8)}`);
    await runInDurableObject(stub, async (instance, state) => {
      const sql = state.storage.sql;
      const steps = instance.schemaSteps();
      const latest = Math.max(...steps.map((step) => step.version));
      const expectedTables = tablesOf(sql);
      // Back to an object as version 1 left it, holding data.
      await state.storage.deleteAll();
      expect(migrateObjectSchema(sql, steps, 1)).toBe(1);
      sql.exec("INSERT INTO user_keys (id, wrapped_key, created_at) VALUES (1, 'wrapped', 1)");
      sql.exec("INSERT INTO profile (id, display_name_sealed, timezone, updated_at) VALUES (1, 'sealed-name', 'Europe/Paris', 1)");
      sql.exec("INSERT INTO conversations (id, title_sealed, created_at, updated_at) VALUES ('conv_1', NULL, 1, 2)");
      sql.exec(
        "INSERT INTO messages (id, conversation_id, role, text_sealed, status, created_at) VALUES ('msg_1', 'conv_1', 'user', 'sealed-text', 'complete', 1)",
      );
      sql.exec("INSERT INTO tool_settings (tool_id, enabled) VALUES ('calculator', 0)");

      expect(migrateObjectSchema(sql, steps)).toBe(latest);
      expect(sql.exec<{ version: number }>('SELECT version FROM kindred_schema').one().version).toBe(latest);
      expect(tablesOf(sql)).toEqual(expectedTables);
      expect(sql.exec('SELECT wrapped_key FROM user_keys').one()).toEqual({ wrapped_key: 'wrapped' });
      expect(sql.exec('SELECT timezone FROM profile').one()).toEqual({ timezone: 'Europe/Paris' });
      expect(sql.exec('SELECT id, conversation_id, text_sealed, memory_ids FROM messages').toArray()).toEqual([
        { id: 'msg_1', conversation_id: 'conv_1', text_sealed: 'sealed-text', memory_ids: '[]' },
      ]);
      expect(sql.exec('SELECT tool_id, enabled FROM tool_settings').toArray()).toEqual([{ tool_id: 'calculator', enabled: 0 }]);
      // Running again changes nothing: the version row says every step has run.
      expect(migrateObjectSchema(sql, steps)).toBe(latest);
    });
  });
});
