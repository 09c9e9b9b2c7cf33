/** Values the global setup provides to tests and to the pool configuration (`inject`). */
declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the fake OpenAI server, including `/v1`. */
    fakeOpenAIUrl: string;
    /** Base URL of the fake WhatsApp Graph API, including the version (`/v21.0`). */
    fakeWhatsAppUrl: string;
  }
}

export {};
