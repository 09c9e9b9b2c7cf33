/** Values the global setup provides to tests and to the pool configuration (`inject`). */
declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the fake OpenAI server, including `/v1`. */
    fakeOpenAIUrl: string;
    /** Origin of the fake Google (OAuth at `/o/oauth2/v2/auth` and `/token`, Calendar API at `/calendar/v3`). */
    fakeGoogleUrl: string;
  }
}

export {};
