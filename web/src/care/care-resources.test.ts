import { describe, expect, it } from 'vitest';
import type { CareResource } from '../../../common/client.ts';
import { orderedResources, telephoneHref, webHref, webLabel } from './care-resources.ts';

function resource(name: string, overrides: Partial<CareResource> = {}): CareResource {
  return { name, country: 'GB', phone: '116 123', ...overrides };
}

describe('the order of the help in a care card', () => {
  it('puts the emergency number first, wherever the list has it', () => {
    const ordered = orderedResources([
      resource('Samaritans'),
      resource('Shout', { phone: undefined, text: 'Text SHOUT to 85258' }),
      resource('Emergency services', { phone: '999', emergency: true }),
    ]);
    expect(ordered.map((entry) => entry.name)).toEqual(['Emergency services', 'Samaritans', 'Shout']);
  });

  it('keeps the directory order of the others, and does not change the list it was given', () => {
    const given = [resource('B'), resource('A'), resource('C')];
    expect(orderedResources(given).map((entry) => entry.name)).toEqual(['B', 'A', 'C']);
    const withEmergency = [resource('B'), resource('112', { emergency: true })];
    orderedResources(withEmergency);
    expect(withEmergency.map((entry) => entry.name)).toEqual(['B', '112']);
  });

  it('treats emergency: false like no mark', () => {
    expect(orderedResources([resource('A', { emergency: false }), resource('B')]).map((entry) => entry.name)).toEqual(['A', 'B']);
  });
});

describe('tel: links from numbers as people write them', () => {
  it('drops spaces and punctuation', () => {
    expect(telephoneHref('116 123')).toBe('tel:116123');
    expect(telephoneHref('1-800-273-8255')).toBe('tel:18002738255');
    expect(telephoneHref('(02) 9876.5432')).toBe('tel:0298765432');
  });

  it('keeps the + of an international number', () => {
    expect(telephoneHref(' +1 (800) 273-8255 ')).toBe('tel:+18002738255');
    expect(telephoneHref('+49 800 111 0 111')).toBe('tel:+498001110111');
  });

  it('dials the letters of a vanity number on the keypad', () => {
    expect(telephoneHref('1-800-SUICIDE')).toBe('tel:18007842433');
  });

  it('takes the first number out of words, and never turns the words into digits', () => {
    expect(telephoneHref('Call 999')).toBe('tel:999');
    expect(telephoneHref('988, call or text')).toBe('tel:988');
    expect(telephoneHref('Dial +33 3114 any time')).toBe('tel:+333114');
  });

  it('gives no link when there is nothing to dial', () => {
    expect(telephoneHref('')).toBeUndefined();
    expect(telephoneHref('ask for the operator')).toBeUndefined();
  });
});

describe('web links of resources', () => {
  it('opens http and https addresses only', () => {
    expect(webHref('https://www.samaritans.org/')?.href).toBe('https://www.samaritans.org/');
    expect(webHref('http://example.org/help')?.href).toBe('http://example.org/help');
    expect(webHref('javascript:alert(1)')).toBeUndefined();
    expect(webHref('mailto:jo@example.org')).toBeUndefined();
    expect(webHref('not a url')).toBeUndefined();
  });

  it('labels them by host and path, without www. or a closing slash', () => {
    expect(webLabel(new URL('https://www.samaritans.org/'))).toBe('samaritans.org');
    expect(webLabel(new URL('https://988lifeline.org/chat/'))).toBe('988lifeline.org/chat');
  });
});
