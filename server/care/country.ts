import { coveredCountries } from './resources.ts';

/** IANA time zones of the covered countries. A zone shared by several countries is left out: it would guess. */
const countryByTimeZone: Record<string, string> = {
  'Europe/Berlin': 'DE',
  'Europe/Busingen': 'DE',
  'Europe/Madrid': 'ES',
  'Atlantic/Canary': 'ES',
  'Africa/Ceuta': 'ES',
  'Europe/Paris': 'FR',
  'Europe/Lisbon': 'PT',
  'Atlantic/Madeira': 'PT',
  'Atlantic/Azores': 'PT',
  'Europe/Rome': 'IT',
  'Europe/London': 'GB',
  'Europe/Belfast': 'GB',
  'Europe/Dublin': 'IE',
  'Europe/Vienna': 'AT',
  'Europe/Zurich': 'CH',
  'Europe/Brussels': 'BE',
  'America/New_York': 'US',
  'America/Chicago': 'US',
  'America/Denver': 'US',
  'America/Phoenix': 'US',
  'America/Los_Angeles': 'US',
  'America/Anchorage': 'US',
  'America/Detroit': 'US',
  'America/Indiana/Indianapolis': 'US',
  'America/Boise': 'US',
  'Pacific/Honolulu': 'US',
  'America/Toronto': 'CA',
  'America/Vancouver': 'CA',
  'America/Edmonton': 'CA',
  'America/Winnipeg': 'CA',
  'America/Halifax': 'CA',
  'America/St_Johns': 'CA',
  'America/Regina': 'CA',
  'America/Moncton': 'CA',
  'Australia/Sydney': 'AU',
  'Australia/Melbourne': 'AU',
  'Australia/Brisbane': 'AU',
  'Australia/Perth': 'AU',
  'Australia/Adelaide': 'AU',
  'Australia/Hobart': 'AU',
  'Australia/Darwin': 'AU',
  'Pacific/Auckland': 'NZ',
  'America/Mexico_City': 'MX',
  'America/Cancun': 'MX',
  'America/Monterrey': 'MX',
  'America/Tijuana': 'MX',
  'America/Sao_Paulo': 'BR',
  'America/Fortaleza': 'BR',
  'America/Recife': 'BR',
  'America/Manaus': 'BR',
  'America/Bahia': 'BR',
  'America/Argentina/Buenos_Aires': 'AR',
  'America/Buenos_Aires': 'AR',
  'America/Argentina/Cordoba': 'AR',
};

/** The country a time zone belongs to, when it belongs to one covered country. */
export function countryOfTimeZone(timeZone: string): string | undefined {
  return countryByTimeZone[timeZone];
}

/** Calling codes of the covered countries, longest first so +353 is not read as +35. */
const callingCodes: ReadonlyArray<[string, string]> = [
  ['353', 'IE'],
  ['351', 'PT'],
  ['52', 'MX'],
  ['55', 'BR'],
  ['54', 'AR'],
  ['49', 'DE'],
  ['43', 'AT'],
  ['41', 'CH'],
  ['34', 'ES'],
  ['33', 'FR'],
  ['32', 'BE'],
  ['39', 'IT'],
  ['44', 'GB'],
  ['61', 'AU'],
  ['64', 'NZ'],
];

/** Canadian area codes: +1 is shared with the US, and the area code tells them apart. */
const canadianAreaCodes = new Set(
  '204 226 236 249 250 263 289 306 343 354 365 367 368 382 403 416 418 428 431 437 438 450 468 474 506 514 519 548 579 581 584 587 600 604 613 639 647 672 683 705 709 742 753 778 780 782 807 819 825 867 873 879 902 905'.split(
    ' ',
  ),
);

/** The country of a phone number in E.164 (`+4915…`), when it is a covered one. */
export function countryOfPhoneNumber(phoneNumber: string): string | undefined {
  const digits = phoneNumber.replace(/[^\d]/g, '');
  if (digits.startsWith('1') && digits.length === 11) return canadianAreaCodes.has(digits.slice(1, 4)) ? 'CA' : 'US';
  return callingCodes.find(([code]) => digits.startsWith(code))?.[1];
}

/**
 * The person's country for crisis resources: their own setting, else their WhatsApp number's, else
 * their time zone's; undefined leaves the international fallback.
 */
export function resolveCareCountry(sources: { setting: string | null; phoneNumber?: string | null; timeZone?: string | null }): string | undefined {
  if (sources.setting) return sources.setting.toUpperCase();
  const byPhone = sources.phoneNumber ? countryOfPhoneNumber(sources.phoneNumber) : undefined;
  if (byPhone) return byPhone;
  const byZone = sources.timeZone ? countryOfTimeZone(sources.timeZone) : undefined;
  return byZone && coveredCountries.has(byZone) ? byZone : undefined;
}
