/**
 * The operator's shared HTTP tools in the test configuration (`SHARED_HTTP_TOOLS` in vitest.config.ts):
 * one read tool on the HTTP tool service whose bearer token is the Worker secret `SHARED_TOOL_TOKEN`.
 * Erasable TypeScript only: vitest.config.ts imports it in Node.
 */
export const sharedToolToken = 'shared-tool-token-from-a-worker-secret';

export const sharedHttpToolsFor = (serviceUrl: string) => [
  {
    name: 'team_status',
    title: 'Team status',
    description: 'Reads the status board of a team.',
    inputSchema: { type: 'object', properties: { team: { type: 'string' } }, required: ['team'] },
    request: { method: 'GET', url: `${serviceUrl}/echo/shared/{team}`, headers: { Authorization: 'Bearer {{secret:SHARED_TOOL_TOKEN}}' } },
  },
];
