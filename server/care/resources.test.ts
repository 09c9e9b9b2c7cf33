import { describe, expect, it } from 'vitest';
import { careResourceSchema } from '../../common/care.ts';
import { countryOfPhoneNumber, countryOfTimeZone, resolveCareCountry } from './country.ts';
import { careDirectory, coveredCountries, internationalCode, resourcesFor } from './resources.ts';

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

  it('orders the emergency number first when life is at risk, then the category’s lines, then the crisis lines', () => {
    expect(resourcesFor('US', 'abuse', true).map((resource) => resource.phone)).toEqual(['911', '1-800-799-7233', '988', undefined]);
    // Not at risk now: the lines that listen come first, the emergency number last.
    expect(resourcesFor('GB', 'eating-disorder', false).map((resource) => resource.phone)).toEqual(['0808 801 0677', '116 123', undefined, '999']);
    expect(resourcesFor('FR', 'medical-emergency', false)[0]).toMatchObject({ phone: '112', emergency: true });
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
