/**
 * The fake Firebase Cloud Messaging server's vocabulary and typed helpers for tests (they run in
 * workerd, so only `fetch`); the Node-side server imports the types only.
 */

/** The Firebase project and service account the tests' server is configured with. */
export const testFcm = { projectId: 'kindred-test', clientEmail: 'kindred-push@kindred-test.iam.gserviceaccount.com' } as const;

/** A message FCM accepted: the device token, and the message as sent (notification, data, android, apns). */
export interface ReceivedFcmMessage {
  token: string;
  message: {
    notification?: { title?: string; body?: string };
    data?: Record<string, string>;
    android?: { priority?: string; ttl?: string };
    apns?: { headers?: Record<string, string> };
  };
  receivedAt: number;
}

/** What a test can make the next send to a token answer, as FCM documents its errors. */
export type FcmFailure = 'unregistered' | 'invalid-argument' | 'unavailable' | 'quota-exceeded' | 'unauthenticated';

async function expectOk(response: Response, what: string): Promise<Response> {
  if (!response.ok) throw new Error(`fake FCM ${what} failed: HTTP ${response.status} ${await response.text()}`);
  return response;
}

/** What FCM received for a device token, oldest first, and how many access tokens were granted so far. */
export async function fcmReceived(fakeUrl: string, token: string): Promise<{ messages: ReceivedFcmMessage[]; tokensGranted: number }> {
  const response = await expectOk(await fetch(`${fakeUrl}/__control/received?token=${encodeURIComponent(token)}`), 'reading');
  return (await response.json()) as { messages: ReceivedFcmMessage[]; tokensGranted: number };
}

/** The next send to this device token answers with the documented error. */
export async function failNextFcm(fakeUrl: string, token: string, failure: FcmFailure): Promise<void> {
  await expectOk(
    await fetch(`${fakeUrl}/__control/fail-next`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, failure }),
    }),
    'scripting',
  );
}
