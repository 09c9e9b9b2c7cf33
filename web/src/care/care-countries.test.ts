import { describe, expect, it } from 'vitest';
import { automaticCountry, countryChoices, countryFromChoice } from './care-countries.ts';

describe('the countries offered for help lines', () => {
  it('offers every ISO 3166-1 country once, named, and sorted by name', () => {
    const choices = countryChoices('en');
    expect(choices).toHaveLength(249);
    expect(new Set(choices.map((choice) => choice.code)).size).toBe(249);
    expect(choices.find((choice) => choice.code === 'DE')?.name).toBe('Germany');
    expect(choices.find((choice) => choice.code === 'GB')?.name).toBe('United Kingdom');
    const names = choices.map((choice) => choice.name);
    expect(names).toEqual([...names].sort(new Intl.Collator('en').compare));
  });

  it('names them in the browser language', () => {
    expect(countryChoices('de').find((choice) => choice.code === 'DE')?.name).toBe('Deutschland');
  });

  it('keeps a saved code the list does not know, so the select does not show another country', () => {
    expect(countryChoices('en', 'XK').some((choice) => choice.code === 'XK')).toBe(true);
    expect(countryChoices('en', 'GB')).toHaveLength(249);
  });

  it('turns the automatic choice into null and a country into its code', () => {
    expect(countryFromChoice(automaticCountry)).toBeNull();
    expect(countryFromChoice('IE')).toBe('IE');
  });
});
