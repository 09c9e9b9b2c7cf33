// The countries a person can pick for their help lines: every ISO 3166-1 alpha-2 code, named in the
// browser's own language. The server answers with its directory's lines for the country, or the
// international fallback where it has none, so no country is left out of the list.

const isoCountryCodes =
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'.split(
    ' ',
  );

export interface CountryChoice {
  code: string;
  name: string;
}

/**
 * The choices, sorted by name in `locale`. A code the browser cannot name is shown as the code itself,
 * and a saved code missing from the list (one added to the standard later) is kept as a choice so the
 * select never silently shows another country.
 */
export function countryChoices(locale: string | undefined, saved: string | null = null): CountryChoice[] {
  const names = new Intl.DisplayNames(locale === undefined ? undefined : [locale], { type: 'region', fallback: 'code' });
  const codes = saved !== null && !isoCountryCodes.includes(saved) ? [...isoCountryCodes, saved] : isoCountryCodes;
  const collator = new Intl.Collator(locale);
  return codes.map((code) => ({ code, name: names.of(code) ?? code })).sort((first, second) => collator.compare(first.name, second.name));
}

/** The select's value for "automatic": the settings say null, and a select's value is a string. */
export const automaticCountry = '';

export const countryFromChoice = (value: string): string | null => (value === automaticCountry ? null : value);
