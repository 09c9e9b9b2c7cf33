/**
 * The few Node built-ins the Node-side test support (fake server, CLI, global setup) uses.
 * The project's tsconfig type-checks everything against the Workers runtime types and has no
 * `@types/node` (which would clash with them), so these narrow declarations stand in for it.
 * Delete this file once Node-only files get their own tsconfig with `@types/node`.
 */

declare module 'node:http' {
  interface IncomingMessage extends AsyncIterable<Uint8Array> {
    method?: string;
    url?: string;
    headers: Record<string, string | string[] | undefined>;
  }

  interface ServerResponse {
    readonly headersSent: boolean;
    readonly writableEnded: boolean;
    readonly destroyed: boolean;
    writeHead(statusCode: number, headers?: Record<string, string>): this;
    flushHeaders(): void;
    write(chunk: string): boolean;
    end(chunk?: string): this;
    on(event: 'close', listener: () => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
  }

  interface AddressInfo {
    address: string;
    family: string;
    port: number;
  }

  interface Server {
    listen(port: number, host: string, callback: () => void): this;
    address(): AddressInfo | string | null;
    close(callback?: (error?: Error) => void): this;
    closeAllConnections(): void;
    once(event: 'error', listener: (error: Error) => void): this;
  }

  function createServer(listener: (request: IncomingMessage, response: ServerResponse) => void): Server;
}

declare module 'node:util' {
  interface ParseArgsOptionConfig {
    type: 'string' | 'boolean';
    short?: string;
    default?: string | boolean;
  }

  function parseArgs(config: { args?: string[]; options: Record<string, ParseArgsOptionConfig>; strict?: boolean; allowPositionals?: boolean }): {
    values: Record<string, string | boolean | undefined>;
    positionals: string[];
  };
}
