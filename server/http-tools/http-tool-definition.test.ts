import { describe, expect, it } from 'vitest';
import { buildHttpRequest, inputProblems, TemplateError } from './http-tool-definition.ts';

describe('filling an HTTP tool request', () => {
  it('URL-encodes path and query fields, and leaves out a query parameter whose field is absent', () => {
    const request = buildHttpRequest(
      { method: 'GET', url: 'https://api.example.com/cities/{city}/weather?units={units}&day={day}&v=2' },
      { city: 'São Paulo/Centro', units: 'metric' },
    );
    expect(request.url).toBe('https://api.example.com/cities/S%C3%A3o%20Paulo%2FCentro/weather?units=metric&v=2');
    expect(request.body).toBeUndefined();
  });

  it('refuses a call whose input lacks a field the path needs', () => {
    expect(() => buildHttpRequest({ method: 'GET', url: 'https://api.example.com/cities/{city}' }, {})).toThrow(TemplateError);
  });

  it('fills header values, dropping one whose whole value is an absent field, and never lets a value break the header', () => {
    const request = buildHttpRequest(
      { method: 'GET', url: 'https://api.example.com/', headers: { 'X-User': 'user {name}', 'X-Trace': '{trace}' } },
      { name: 'Ann\r\nX-Injected: yes' },
    );
    expect(request.headers.get('x-user')).toBe('user Ann  X-Injected: yes');
    expect(request.headers.has('x-trace')).toBe(false);
  });

  it('reads a Worker secret only where the template names one, never from the input', () => {
    const secrets = (name: string) => (name === 'TOKEN' ? 'the-secret' : undefined);
    const request = buildHttpRequest(
      { method: 'GET', url: 'https://api.example.com/', headers: { Authorization: 'Bearer {{secret:TOKEN}}', 'X-Note': '{note}' } },
      { note: '{{secret:TOKEN}}' },
      secrets,
    );
    expect(request.headers.get('authorization')).toBe('Bearer the-secret');
    expect(request.headers.get('x-note')).toBe('{{secret:TOKEN}}');
    expect(() => buildHttpRequest({ method: 'GET', url: 'https://api.example.com/', headers: { A: '{{secret:MISSING}}' } }, {}, secrets)).toThrow(/MISSING/);
  });

  it('fills a JSON body template keeping types, and sends the input as JSON when there is no template', () => {
    const filled = buildHttpRequest(
      { method: 'POST', url: 'https://api.example.com/', body: { count: '{count}', label: 'n={count}', tags: ['{tag}'], skip: '{missing}' } },
      { count: 3, tag: 'x' },
    );
    expect(JSON.parse(filled.body ?? '')).toEqual({ count: 3, label: 'n=3', tags: ['x'] });
    expect(filled.headers.get('content-type')).toBe('application/json');
    const whole = buildHttpRequest({ method: 'PATCH', url: 'https://api.example.com/' }, { a: 1 });
    expect(whole.body).toBe('{"a":1}');
    const text = buildHttpRequest({ method: 'POST', url: 'https://api.example.com/', body: 'Hello {name}' }, { name: 'Ann' });
    expect([text.body, text.headers.get('content-type')]).toEqual(['Hello Ann', 'text/plain; charset=utf-8']);
  });
});

describe('validating a call against the input schema', () => {
  const schema = { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } }, required: ['city'] };

  it('accepts valid input and names what is wrong otherwise', () => {
    expect(inputProblems(schema, { city: 'Oslo', days: 2 })).toEqual([]);
    expect(inputProblems(schema, { days: 0 }).join(' ')).toMatch(/city/);
    expect(inputProblems(schema, { city: 'Oslo', days: 0 }).join(' ')).toMatch(/days/);
  });
});
