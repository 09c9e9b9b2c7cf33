/** Values the global setup provides to tests and to the pool configuration (`inject`). */
declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the fake OpenAI server, including `/v1`. */
    fakeOpenAIUrl: string;
    /** Base URL of the Radicale CalDAV server (through its control proxy: see `radicale.ts`). */
    radicaleUrl: string;
  }
}

export {};
