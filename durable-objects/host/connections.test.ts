import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type { Connection } from 'agents';
import { describe, expect, it } from 'vitest';
import { buildUser, openRealtime } from '../../test-support/api.ts';
import type { CompanionAgent } from '../companion-agent.ts';
import { type ConnectionState, OpenConnections } from './connections.ts';

const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> };
const now = Date.UTC(2026, 11, 2, 18);

/** A socket as the runtime lists it and the SDK wraps it: one object, with the connection's fields on it. */
function socket(id: string, state: Partial<ConnectionState> = { channel: 'web', session: `ses_${id}`, sessionExpiresAt: now + 60_000 }) {
  const sent: string[] = [];
  const fake = { id, state, readyState: WebSocket.OPEN, send: (frame: string) => sent.push(frame), sent };
  return fake;
}
type FakeSocket = ReturnType<typeof socket>;

/** The list over `sockets`, counting how often it had to ask the SDK. */
function listOver(sockets: FakeSocket[]) {
  let asked = 0;
  const open = new OpenConnections(
    () => sockets as unknown as WebSocket[],
    () => {
      asked += 1;
      return sockets.filter((candidate) => candidate.readyState === WebSocket.OPEN) as unknown as Connection[];
    },
  );
  return { list: () => open.list(now), asked: () => asked };
}

describe('the open connections the capabilities are given', () => {
  it('asks the SDK once for sockets it has not seen, and reads the runtime’s list after that', () => {
    const sockets = [socket('a'), socket('b')];
    const open = listOver(sockets);
    expect(open.list().map((client) => client.id)).toEqual(['a', 'b']);
    expect(open.list().map((client) => client.id)).toEqual(['a', 'b']);
    expect(open.asked()).toBe(1);

    open.list()[1]?.send('hello');
    expect(sockets[1]?.sent).toEqual(['hello']);
  });

  it('learns a socket that opened since, and leaves out one that closed', () => {
    const sockets = [socket('a'), socket('b')];
    const open = listOver(sockets);
    open.list();
    sockets.push(socket('c'));
    expect(open.list().map((client) => client.id)).toEqual(['a', 'b', 'c']);
    expect(open.asked()).toBe(2);

    (sockets[0] as { readyState: number }).readyState = WebSocket.CLOSED;
    expect(open.list().map((client) => client.id)).toEqual(['b', 'c']);
    expect(open.asked()).toBe(2);
  });

  it('leaves out a socket whose session has expired, or that never had one', () => {
    const sockets = [socket('a'), socket('b', { channel: 'web', session: 'ses_b', sessionExpiresAt: now - 1 }), socket('c', {})];
    const open = listOver(sockets);
    expect(open.list().map((client) => client.id)).toEqual(['a']);
    expect(open.list().map((client) => client.id)).toEqual(['a']);
  });

  it('answers what the SDK answers when the runtime lists sockets the SDK does not know', () => {
    const ours = socket('a');
    const foreign = socket('x');
    let asked = 0;
    const open = new OpenConnections(
      () => [ours, foreign] as unknown as WebSocket[],
      () => {
        asked += 1;
        return [ours] as unknown as Connection[];
      },
    );
    expect(open.list(now).map((client) => client.id)).toEqual(['a']);
    expect(open.list(now).map((client) => client.id)).toEqual(['a']);
    expect(asked).toBe(2);
  });

  it('relies on what the runtime does: the same object for a socket on every call, and the SDK’s connection is that object', async () => {
    const user = await buildUser();
    const phone = await openRealtime(user.token);
    const laptop = await openRealtime(user.token);
    await runInDurableObject(testEnv.COMPANION.getByName(user.user.id), (instance, state) => {
      const first = state.getWebSockets();
      expect(first).toHaveLength(2);
      const again = state.getWebSockets();
      for (const [index, candidate] of again.entries()) expect(candidate).toBe(first[index]);
      const connections = [...instance.getConnections()];
      expect(connections).toHaveLength(2);
      for (const connection of connections) expect(first).toContain(connection);
    });
    phone.socket.close();
    laptop.socket.close();
  });
});
