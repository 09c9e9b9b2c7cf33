import { describe, expect, it } from 'vitest';
import { openApiToHttpTools, sanitiseName } from './openapi-import.ts';

const document = {
  openapi: '3.0.3',
  servers: [{ url: 'https://{region}.api.example.com/v1', variables: { region: { default: 'eu' } } }],
  paths: {
    '/users/{user id}/posts': {
      get: {
        operationId: 'list.posts',
        summary: 'List posts',
        parameters: [
          { name: 'user id', in: 'path', schema: { type: 'string' } },
          { $ref: '#/components/parameters/Limit' },
          { name: 'session', in: 'cookie', schema: { type: 'string' } },
        ],
      },
      post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Post' } } } } },
    },
  },
  components: {
    parameters: { Limit: { name: 'limit', in: 'query', schema: { type: 'integer' } } },
    schemas: { Post: { type: 'object', properties: { text: { type: 'string' }, replyTo: { $ref: '#/components/schemas/Post' } } } },
  },
};

describe('OpenAPI import', () => {
  it('names tools from operationIds (sanitised, or from the method and path), and builds their input and URL', () => {
    const [list, create] = openApiToHttpTools({ document });
    expect(list).toMatchObject({
      name: 'list_posts',
      title: 'List posts',
      inputSchema: { type: 'object', properties: { user_id: { type: 'string' }, limit: { type: 'integer' } }, required: ['user_id'] },
      request: { method: 'GET', url: 'https://eu.api.example.com/v1/users/{user_id}/posts?limit={limit}' },
    });
    // Cookie parameters are left out: a tool never sends the person's cookies.
    expect(Object.keys(list?.inputSchema.properties as object)).not.toContain('session');
    expect(create?.name).toBe('post_users_user_id_posts');
    expect(create?.request).toMatchObject({ method: 'POST', body: '{body}', headers: { 'Content-Type': 'application/json' } });
    // A circular $ref ends open rather than looping.
    expect(JSON.stringify(create?.inputSchema)).toContain('"replyTo"');
  });

  it('takes baseUrl over the servers', () => {
    expect(openApiToHttpTools({ document, baseUrl: 'https://other.example.com/' })[0]?.request.url).toMatch(/^https:\/\/other\.example\.com\/users\//);
  });

  it('sanitises names to what chat APIs accept', () => {
    expect(sanitiseName('get /pets/{id}')).toBe('get_pets_id');
    expect(sanitiseName('***')).toBe('operation');
    expect(sanitiseName('x'.repeat(80))).toHaveLength(64);
  });
});
