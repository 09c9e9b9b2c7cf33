import type { CareCategory, CareResource } from '../../common/care.ts';

/**
 * What a line is for. `crisis` lines (suicide prevention, emotional support) serve every category as
 * the general fallback; `emergency` is the country's emergency number.
 */
export type ResourceKind = 'emergency' | 'crisis' | 'abuse' | 'eating-disorder' | 'medical';

/** One entry of the directory: the wire resource plus what it is for and where its number is published. */
export interface DirectoryEntry extends CareResource {
  kind: ResourceKind;
  /** The page where the number is published: check it there before changing the entry. */
  source: string;
}

/** The international fallback's country code (`careResourceSchema`). */
export const internationalCode = 'INT';

const emergency = (country: string, phone: string, name: string, source: string): DirectoryEntry => ({
  name,
  country,
  phone,
  emergency: true,
  hours: '24/7',
  kind: 'emergency',
  source,
});

/**
 * The directory. Numbers come from the organisations' own pages (each entry's `source`); see the
 * README, "Updating crisis resources", before changing one.
 */
export const careDirectory: readonly DirectoryEntry[] = [
  // International fallback: 112 reaches emergency services in the EU and forwards in many other networks.
  emergency(
    internationalCode,
    '112',
    'Your local emergency number (112 works in many countries)',
    'https://en.wikipedia.org/wiki/112_(emergency_telephone_number)',
  ),
  { name: 'Find A Helpline', country: internationalCode, url: 'https://findahelpline.com', kind: 'crisis', source: 'https://findahelpline.com' },

  emergency('US', '911', 'Emergency services', 'https://www.911.gov'),
  {
    name: '988 Suicide & Crisis Lifeline',
    country: 'US',
    phone: '988',
    text: 'Text 988',
    url: 'https://988lifeline.org',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://988lifeline.org',
  },
  {
    name: 'Crisis Text Line',
    country: 'US',
    text: 'Text HOME to 741741',
    url: 'https://www.crisistextline.org',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.crisistextline.org',
  },
  {
    name: 'National Domestic Violence Hotline',
    country: 'US',
    phone: '1-800-799-7233',
    text: 'Text START to 88788',
    url: 'https://www.thehotline.org',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://www.thehotline.org',
  },
  {
    name: 'ANAD Eating Disorders Helpline',
    country: 'US',
    phone: '1-888-375-7767',
    url: 'https://anad.org',
    kind: 'eating-disorder',
    source: 'https://anad.org/get-help/eating-disorders-helpline/',
  },

  emergency('CA', '911', 'Emergency services', 'https://www.canada.ca/en/services/health/campaigns/911.html'),
  {
    name: '9-8-8 Suicide Crisis Helpline',
    country: 'CA',
    phone: '988',
    text: 'Text 988',
    url: 'https://988.ca',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://988.ca',
  },
  {
    name: 'Kids Help Phone',
    country: 'CA',
    phone: '1-800-668-6868',
    text: 'Text CONNECT to 686868',
    url: 'https://kidshelpphone.ca',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://kidshelpphone.ca',
  },
  { name: 'ShelterSafe (women’s shelters near you)', country: 'CA', url: 'https://sheltersafe.ca', kind: 'abuse', source: 'https://sheltersafe.ca' },
  { name: 'NEDIC helpline', country: 'CA', phone: '1-866-633-4220', url: 'https://nedic.ca', kind: 'eating-disorder', source: 'https://nedic.ca/contact/' },

  emergency('GB', '999', 'Emergency services', 'https://www.gov.uk/guidance/999-emergency-services'),
  {
    name: 'Samaritans',
    country: 'GB',
    phone: '116 123',
    url: 'https://www.samaritans.org',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.samaritans.org/how-we-can-help/contact-samaritan/',
  },
  {
    name: 'Shout',
    country: 'GB',
    text: 'Text SHOUT to 85258',
    url: 'https://giveusashout.org',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://giveusashout.org',
  },
  {
    name: 'National Domestic Abuse Helpline',
    country: 'GB',
    phone: '0808 2000 247',
    url: 'https://www.nationaldahelpline.org.uk',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://www.nationaldahelpline.org.uk',
  },
  {
    name: 'Beat Eating Disorders',
    country: 'GB',
    phone: '0808 801 0677',
    url: 'https://www.beateatingdisorders.org.uk',
    kind: 'eating-disorder',
    source: 'https://www.beateatingdisorders.org.uk/get-information-and-support/get-help-for-myself/i-need-support-now/helplines/',
  },
  {
    name: 'NHS 111',
    country: 'GB',
    phone: '111',
    url: 'https://111.nhs.uk',
    hours: '24/7',
    kind: 'medical',
    source: 'https://www.nhs.uk/nhs-services/urgent-and-emergency-care-services/when-to-use-111/',
  },

  emergency('IE', '112', 'Emergency services (112 or 999)', 'https://www.gov.ie/en/publication/emergency-call-answering-service/'),
  {
    name: 'Samaritans Ireland',
    country: 'IE',
    phone: '116 123',
    url: 'https://www.samaritans.org/ireland',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.samaritans.org/ireland/how-we-can-help/contact-samaritan/',
  },
  { name: '50808', country: 'IE', text: 'Text HELLO to 50808', url: 'https://text50808.ie', hours: '24/7', kind: 'crisis', source: 'https://text50808.ie' },
  {
    name: 'Women’s Aid',
    country: 'IE',
    phone: '1800 341 900',
    url: 'https://www.womensaid.ie',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://www.womensaid.ie',
  },
  {
    name: 'Bodywhys',
    country: 'IE',
    phone: '01 2107906',
    url: 'https://www.bodywhys.ie',
    kind: 'eating-disorder',
    source: 'https://www.bodywhys.ie/supports-services/helpline/',
  },

  emergency('AU', '000', 'Emergency services', 'https://www.triplezero.gov.au'),
  {
    name: 'Lifeline',
    country: 'AU',
    phone: '13 11 14',
    text: 'Text 0477 13 11 14',
    url: 'https://www.lifeline.org.au',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.lifeline.org.au',
  },
  {
    name: '1800RESPECT',
    country: 'AU',
    phone: '1800 737 732',
    url: 'https://www.1800respect.org.au',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://www.1800respect.org.au',
  },
  {
    name: 'Butterfly Foundation',
    country: 'AU',
    phone: '1800 33 4673',
    url: 'https://butterfly.org.au',
    kind: 'eating-disorder',
    source: 'https://butterfly.org.au/get-support/helpline/',
  },

  emergency('NZ', '111', 'Emergency services', 'https://www.police.govt.nz/contact-us/111'),
  {
    name: '1737 Need to talk?',
    country: 'NZ',
    phone: '1737',
    text: 'Text 1737',
    url: 'https://1737.org.nz',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://1737.org.nz',
  },
  {
    name: 'Lifeline Aotearoa',
    country: 'NZ',
    phone: '0800 543 354',
    url: 'https://www.lifeline.org.nz',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.lifeline.org.nz',
  },
  {
    name: 'Women’s Refuge',
    country: 'NZ',
    phone: '0800 733 843',
    url: 'https://womensrefuge.org.nz',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://womensrefuge.org.nz',
  },

  emergency('DE', '112', 'Notruf (Rettungsdienst und Feuerwehr)', 'https://www.bbk.bund.de'),
  {
    name: 'TelefonSeelsorge',
    country: 'DE',
    phone: '0800 111 0 111',
    url: 'https://www.telefonseelsorge.de',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.telefonseelsorge.de',
  },
  {
    name: 'TelefonSeelsorge (zweite Nummer)',
    country: 'DE',
    phone: '0800 111 0 222',
    url: 'https://www.telefonseelsorge.de',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.telefonseelsorge.de',
  },
  {
    name: 'Hilfetelefon Gewalt gegen Frauen',
    country: 'DE',
    phone: '116 016',
    url: 'https://www.hilfetelefon.de',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://www.hilfetelefon.de',
  },
  {
    name: 'BZgA Infotelefon Essstörungen',
    country: 'DE',
    phone: '0221 892031',
    url: 'https://www.bzga-essstoerungen.de',
    kind: 'eating-disorder',
    source: 'https://www.bzga-essstoerungen.de',
  },

  emergency('AT', '112', 'Notruf (112; Rettung 144)', 'https://www.oesterreich.gv.at'),
  {
    name: 'TelefonSeelsorge',
    country: 'AT',
    phone: '142',
    url: 'https://www.telefonseelsorge.at',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.telefonseelsorge.at',
  },
  {
    name: 'Frauenhelpline gegen Gewalt',
    country: 'AT',
    phone: '0800 222 555',
    url: 'https://www.frauenhelpline.at',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://www.frauenhelpline.at',
  },

  emergency('CH', '112', 'Notruf (112; Sanität 144)', 'https://www.ch.ch/de/sicherheit-und-justiz/notfallnummern/'),
  { name: 'Die Dargebotene Hand', country: 'CH', phone: '143', url: 'https://www.143.ch', hours: '24/7', kind: 'crisis', source: 'https://www.143.ch' },
  { name: 'Opferhilfe Schweiz', country: 'CH', url: 'https://www.opferhilfe-schweiz.ch', kind: 'abuse', source: 'https://www.opferhilfe-schweiz.ch' },

  emergency('BE', '112', 'Urgences / Noodnummer', 'https://www.112.be'),
  {
    name: 'Centre de Prévention du Suicide',
    country: 'BE',
    phone: '0800 32 123',
    url: 'https://www.preventionsuicide.be',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.preventionsuicide.be',
  },
  {
    name: 'Zelfmoordlijn',
    country: 'BE',
    phone: '1813',
    url: 'https://www.zelfmoord1813.be',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.zelfmoord1813.be',
  },
  {
    name: 'Écoute violences conjugales',
    country: 'BE',
    phone: '0800 30 030',
    url: 'https://www.ecouteviolencesconjugales.be',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://www.ecouteviolencesconjugales.be',
  },

  emergency('FR', '112', 'Urgences (112 ; SAMU 15)', 'https://www.service-public.fr/particuliers/vosdroits/F33954'),
  {
    name: '3114 Numéro national de prévention du suicide',
    country: 'FR',
    phone: '3114',
    url: 'https://3114.fr',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://3114.fr',
  },
  {
    name: 'SOS Amitié',
    country: 'FR',
    phone: '09 72 39 40 50',
    url: 'https://www.sos-amitie.com',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.sos-amitie.com',
  },
  {
    name: '3919 Violences Femmes Info',
    country: 'FR',
    phone: '3919',
    url: 'https://arretonslesviolences.gouv.fr',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://arretonslesviolences.gouv.fr',
  },
  { name: 'SAMU', country: 'FR', phone: '15', hours: '24/7', kind: 'medical', source: 'https://www.service-public.fr/particuliers/vosdroits/F33954' },
  { name: 'Fédération Française Anorexie Boulimie', country: 'FR', url: 'https://www.ffab.fr', kind: 'eating-disorder', source: 'https://www.ffab.fr' },

  emergency('ES', '112', 'Emergencias', 'https://www.112.es'),
  {
    name: 'Línea 024 de atención a la conducta suicida',
    country: 'ES',
    phone: '024',
    url: 'https://www.sanidad.gob.es/linea024/',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.sanidad.gob.es/linea024/',
  },
  {
    name: 'Teléfono de la Esperanza',
    country: 'ES',
    phone: '717 003 717',
    url: 'https://telefonodelaesperanza.org',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://telefonodelaesperanza.org',
  },
  {
    name: '016 Violencia de género',
    country: 'ES',
    phone: '016',
    url: 'https://violenciagenero.igualdad.gob.es',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://violenciagenero.igualdad.gob.es/informacionUtil/recursos/telefono016/home.htm',
  },

  emergency('PT', '112', 'Emergência', 'https://www.112.pt'),
  { name: 'SNS 24', country: 'PT', phone: '808 24 24 24', url: 'https://www.sns24.gov.pt', hours: '24/7', kind: 'crisis', source: 'https://www.sns24.gov.pt' },
  { name: 'SOS Voz Amiga', country: 'PT', phone: '213 544 545', url: 'https://www.sosvozamiga.org', kind: 'crisis', source: 'https://www.sosvozamiga.org' },
  {
    name: 'Serviço de Informação às Vítimas de Violência Doméstica',
    country: 'PT',
    phone: '800 202 148',
    url: 'https://www.cig.gov.pt',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://www.cig.gov.pt',
  },

  emergency('IT', '112', 'Emergenza', 'https://www.interno.gov.it/it/numero-unico-emergenza-112'),
  { name: 'Telefono Amico', country: 'IT', phone: '02 2327 2327', url: 'https://www.telefonoamico.it', kind: 'crisis', source: 'https://www.telefonoamico.it' },
  {
    name: 'Samaritans Onlus',
    country: 'IT',
    phone: '06 77208977',
    url: 'https://www.samaritansonlus.org',
    kind: 'crisis',
    source: 'https://www.samaritansonlus.org',
  },
  {
    name: '1522 Antiviolenza e stalking',
    country: 'IT',
    phone: '1522',
    url: 'https://www.1522.eu',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://www.1522.eu',
  },
  { name: 'SOS Disturbi Alimentari', country: 'IT', phone: '800 180 969', kind: 'eating-disorder', source: 'https://www.salute.gov.it' },

  emergency('MX', '911', 'Emergencias', 'https://www.gob.mx/911'),
  {
    name: 'Línea de la Vida',
    country: 'MX',
    phone: '800 911 2000',
    url: 'https://www.gob.mx/salud/conadic',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.gob.mx/salud/conadic',
  },

  emergency('BR', '192', 'SAMU (190 Polícia)', 'https://www.gov.br/saude/pt-br/composicao/saes/samu-192'),
  {
    name: 'CVV Centro de Valorização da Vida',
    country: 'BR',
    phone: '188',
    url: 'https://cvv.org.br',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://cvv.org.br',
  },
  {
    name: 'Ligue 180 Central de Atendimento à Mulher',
    country: 'BR',
    phone: '180',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://www.gov.br/mulheres/pt-br/ligue180',
  },

  emergency('AR', '911', 'Emergencias (911; SAME 107)', 'https://www.argentina.gob.ar/seguridad/911'),
  {
    name: 'Centro de Asistencia al Suicida',
    country: 'AR',
    phone: '135',
    url: 'https://www.asistenciaalsuicida.org.ar',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.asistenciaalsuicida.org.ar',
  },
  {
    name: 'Línea 144',
    country: 'AR',
    phone: '144',
    url: 'https://www.argentina.gob.ar/generos/linea-144',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://www.argentina.gob.ar/generos/linea-144',
  },
];

/** The countries the directory covers (ISO 3166-1 alpha-2). */
export const coveredCountries: ReadonlySet<string> = new Set(careDirectory.map((entry) => entry.country).filter((country) => country !== internationalCode));

/** Which kinds of line answer each category, besides the emergency number and the general crisis lines. */
const kindsFor: Record<CareCategory, readonly ResourceKind[]> = {
  'suicide-self-harm': [],
  abuse: ['abuse'],
  'medical-emergency': ['medical'],
  'eating-disorder': ['eating-disorder'],
  'harm-to-others': [],
};

const wireOf = ({ kind: _kind, source: _source, ...resource }: DirectoryEntry): CareResource => resource;

/**
 * The resources a reply carries, in the order to show them: the emergency number first when a life is
 * at risk (always for a medical emergency), then the lines for the category, then the general crisis
 * lines, and otherwise the emergency number last. An uncovered or unknown country gets the
 * international fallback.
 */
export function resourcesFor(country: string | null | undefined, category: CareCategory, lifeAtRisk: boolean): CareResource[] {
  const code = country && coveredCountries.has(country.toUpperCase()) ? country.toUpperCase() : internationalCode;
  const entries = careDirectory.filter((entry) => entry.country === code);
  const emergencyFirst = lifeAtRisk || category === 'medical-emergency';
  const emergencies = entries.filter((entry) => entry.kind === 'emergency');
  const forCategory = entries.filter((entry) => kindsFor[category].includes(entry.kind));
  const crisis = entries.filter((entry) => entry.kind === 'crisis');
  const ordered = emergencyFirst ? [...emergencies, ...forCategory, ...crisis] : [...forCategory, ...crisis, ...emergencies];
  return ordered.map(wireOf);
}

/** Resources as plain text, one per line, for channels without cards (WhatsApp) and the fallback reply. */
export function resourcesAsText(resources: readonly CareResource[]): string {
  return resources
    .map((resource) => {
      const ways = [resource.phone ? `call ${resource.phone}` : null, resource.text ?? null, resource.url ?? null].filter(Boolean).join(' · ');
      return `• ${resource.name}: ${ways}${resource.hours ? ` (${resource.hours})` : ''}`;
    })
    .join('\n');
}
