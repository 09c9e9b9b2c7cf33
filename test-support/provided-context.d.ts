/** Values the global setup provides to tests and to the pool configuration (`inject`). */
declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the fake OpenAI server, including `/v1`. */
    fakeOpenAIUrl: string;
    /** Origin of the fake push service (`test-support/fake-push-service/`). */
    fakePushUrl: string;
    /** The VAPID key pair the `kindred` project's server signs Web Push with (base64url). */
    vapidPublicKey: string;
    vapidPrivateKey: string;
    /** Origin of the fake Firebase Cloud Messaging API and Google token endpoint (`test-support/fake-fcm/`). */
    fakeFcmUrl: string;
    /** The PKCS #8 PEM private key of the service account the server sends native pushes as. */
    fcmPrivateKey: string;
    /** Base URL of the Radicale CalDAV server (through its control proxy: see `radicale.ts`). */
    radicaleUrl: string;
    /** Base URL of the fake WhatsApp Graph API, including the version (`/v21.0`). */
    fakeWhatsAppUrl: string;
    /** Origin of the fake Google (OAuth at `/o/oauth2/v2/auth` and `/token`, Calendar API at `/calendar/v3`). */
    fakeGoogleUrl: string;
    /** Origin of the fake ElevenLabs API (`test-support/fake-elevenlabs/`). */
    fakeElevenLabsUrl: string;
    /** Base URL of the local speech server (eSpeak NG, PocketSphinx: `local-services/speech/`), including `/v1`. */
    speechLocalUrl: string;
    /** Origin of the test MCP servers (`test-support/mcp-servers.ts`): `/plain/mcp`, `/oauth/mcp`, `/legacy/sse`, control at `/__control`. */
    mcpServersUrl: string;
    /** Origin of the local HTTP service HTTP tools call (`test-support/http-tool-service.ts`). */
    httpToolServiceUrl: string;
  }
}

export {};
