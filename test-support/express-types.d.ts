/**
 * The few parts of Express 5 the test MCP servers use (`mcp-servers.ts`). Express comes with the MCP
 * SDK, whose auth router is Express middleware, but without type declarations, and adding
 * `@types/express` is a new dependency for four calls.
 */
declare module 'express' {
  import type { IncomingMessage, Server, ServerResponse } from 'node:http';

  export interface Request extends IncomingMessage {
    path: string;
    // biome-ignore lint/suspicious/noExplicitAny: a parsed JSON body is whatever the client sent.
    body: any;
    query: Record<string, unknown>;
  }
  export interface Response extends ServerResponse {
    status(code: number): Response;
    set(name: string, value: string): Response;
    json(body: unknown): Response;
    send(body: unknown): Response;
    redirect(status: number, url: string): void;
  }
  export type NextFunction = (error?: unknown) => void;
  export type RequestHandler = (request: Request, response: Response, next: NextFunction) => unknown;
  export interface Express {
    use(...handlers: RequestHandler[]): Express;
    get(path: string, ...handlers: RequestHandler[]): Express;
    post(path: string, ...handlers: RequestHandler[]): Express;
    all(path: string, ...handlers: RequestHandler[]): Express;
    listen(port: number, host: string, callback: () => void): Server;
  }
  interface ExpressFactory {
    (): Express;
    json(options?: { limit?: string }): RequestHandler;
  }
  const express: ExpressFactory;
  export default express;
}
