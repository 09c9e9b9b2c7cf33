import { describe, expect, it } from 'vitest';
import { careResourceSchema } from '../../common/care.ts';
import { countryOfPhoneNumber, countryOfTimeZone, resolveCareCountry } from './country.ts';
import { careDirectory, coveredCountries, directoryCheckedOn, internationalCode, resourcesFor } from './resources.ts';

const required = ['DE', 'ES', 'FR', 'PT', 'IT', 'US', 'CA', 'GB', 'IE', 'AU'];

describe('the crisis resources directory', () => {
  it('covers every required country with an emergency number and a crisis line, each with its source', () => {
    for (const country of required) expect(coveredCountries.has(country), country).toBe(true);
    for (const country of [...coveredCountries, internationalCode]) {
      const entries = careDirectory.filter((entry) => entry.country === country);
      expect(entries.filter((entry) => entry.emergency && entry.phone).length, `${country} emergency`).toBe(1);
      expect(
        entries.some((entry) => entry.kind === 'crisis'),
        `${country} crisis line`,
      ).toBe(true);
    }
    for (const entry of careDirectory) {
      expect(careResourceSchema.safeParse(entry).success, entry.name).toBe(true);
      expect(entry.phone ?? entry.text ?? entry.url, entry.name).toBeTruthy();
      expect(new URL(entry.source).protocol, entry.name).toBe('https:');
    }
  });

  it('gives every phone number in characters a phone can dial, and every text way a number to send it to', () => {
    // Digits, spaces, dashes and brackets only (an optional leading +): letters such as 1-800-SAFE or a
    // stray "ext." would turn into a wrong tel: link.
    const dialable = /^\+?[0-9][0-9 ()-]*[0-9]$/;
    for (const entry of careDirectory) {
      if (entry.phone !== undefined) expect(entry.phone, entry.name).toMatch(dialable);
      if (entry.text !== undefined) expect(entry.text, entry.name).toMatch(/[0-9]{3}/);
    }
  });

  it('names an https page for every source and link, and records each check as a real past date', () => {
    for (const entry of careDirectory) {
      expect(new URL(entry.source).protocol, `${entry.name} source`).toBe('https:');
      if (entry.url !== undefined) expect(new URL(entry.url).protocol, `${entry.name} url`).toBe('https:');
      expect(entry.country, entry.name).toMatch(/^(?:[A-Z]{2}|INT)$/);
      if (entry.checked !== undefined) {
        expect(entry.checked, entry.name).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        // A date that does not exist (2026-02-30) would not survive the round trip.
        expect(new Date(`${entry.checked}T00:00:00Z`).toISOString().slice(0, 10), entry.name).toBe(entry.checked);
        expect(entry.checked <= directoryCheckedOn, entry.name).toBe(true);
      }
    }
  });

  it('has, for every covered country, a confirmed emergency number and at least one confirmed crisis line', () => {
    for (const country of coveredCountries) {
      const confirmed = careDirectory.filter((entry) => entry.country === country && entry.checked !== undefined);
      expect(
        confirmed.some((entry) => entry.kind === 'emergency'),
        `${country} confirmed emergency number`,
      ).toBe(true);
      expect(
        confirmed.some((entry) => entry.kind === 'crisis'),
        `${country} confirmed crisis line`,
      ).toBe(true);
    }
  });

  it('lists no number twice within a country (a copy-paste slip would show one line under two names)', () => {
    const seen = new Set<string>();
    for (const entry of careDirectory) {
      if (entry.phone === undefined) continue;
      const key = `${entry.country} ${entry.phone.replace(/[^0-9+]/g, '')}`;
      expect(seen.has(key), `${entry.name}: ${entry.phone}`).toBe(false);
      seen.add(key);
    }
  });

  it('keeps the directory’s bookkeeping (kind, source, checked) off the wire', () => {
    const allowed = new Set(Object.keys(careResourceSchema.shape));
    for (const country of [...coveredCountries, internationalCode, 'ZZ']) {
      for (const resource of resourcesFor(country, 'abuse', true)) {
        for (const key of Object.keys(resource)) expect(allowed.has(key), `${resource.name}: ${key}`).toBe(true);
      }
    }
  });

  it('orders the emergency number first when life is at risk, then the category’s lines, then the crisis lines', () => {
    expect(resourcesFor('US', 'abuse', true).map((resource) => resource.phone)).toEqual(['911', '1-800-799-7233', '988', undefined]);
    // Not at risk now: the lines that listen come first, the emergency number last.
    expect(resourcesFor('GB', 'eating-disorder', false).map((resource) => resource.phone)).toEqual(['0808 801 0677', '116 123', undefined, '999']);
    expect(resourcesFor('FR', 'medical-emergency', false)[0]).toMatchObject({ phone: '112', emergency: true });
    // Portugal's national suicide line (1411, since September 2025) comes before the general lines.
    expect(resourcesFor('PT', 'suicide-self-harm', true).map((resource) => resource.phone)).toEqual(['112', '1411', '808 24 24 24', '213 544 545']);
    expect(resourcesFor('ZZ', 'suicide-self-harm', true).map((resource) => resource.country)).toEqual(['INT', 'INT']);
    expect(resourcesFor(null, 'harm-to-others', true)[0]?.phone).toBe('112');
  });

  it('finds the country from a phone number or a time zone, the setting winning', () => {
    expect(countryOfPhoneNumber('+14165550100')).toBe('CA');
    expect(countryOfPhoneNumber('+12125550100')).toBe('US');
    expect(countryOfPhoneNumber('+353871234567')).toBe('IE');
    expect(countryOfPhoneNumber('+351912345678')).toBe('PT');
    expect(countryOfPhoneNumber('+8190123456')).toBeUndefined();
    expect(countryOfTimeZone('Europe/Madrid')).toBe('ES');
    expect(resolveCareCountry({ setting: 'it', phoneNumber: '+4915112345678', timeZone: 'Europe/Paris' })).toBe('IT');
    expect(resolveCareCountry({ setting: null, phoneNumber: '+4915112345678', timeZone: 'Europe/Paris' })).toBe('DE');
    expect(resolveCareCountry({ setting: null, phoneNumber: null, timeZone: 'Europe/Paris' })).toBe('FR');
    expect(resolveCareCountry({ setting: null, timeZone: 'Asia/Tokyo' })).toBeUndefined();
  });
});
