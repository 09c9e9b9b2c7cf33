import type { CareCategory, CareResource } from '../../common/care.ts';

/**
 * What a line is for. `crisis` lines (suicide prevention, emotional support) serve every category as
 * the general fallback; `emergency` is the country's emergency number.
 */
export type ResourceKind = 'emergency' | 'crisis' | 'abuse' | 'eating-disorder' | 'medical';

/** One entry of the directory: the wire resource plus what it is for and where its number is published. */
export interface DirectoryEntry extends CareResource {
  kind: ResourceKind;
  /** The page where the number (and the hours, when given) was found: check it there before changing the entry. */
  source: string;
  /**
   * The day (ISO `YYYY-MM-DD`) someone last confirmed the number, text way and hours against `source`.
   * Absent means nobody could confirm the entry from a published page: treat it as unverified.
   */
  checked?: string;
}

/** The international fallback's country code (`careResourceSchema`). */
export const internationalCode = 'INT';

/** The day the whole directory was last checked against published pages (README, "Updating crisis resources"). */
export const directoryCheckedOn = '2026-11-30';

const emergency = (country: string, phone: string, name: string, source: string, checked: string | undefined): DirectoryEntry => ({
  name,
  country,
  phone,
  emergency: true,
  hours: '24/7',
  kind: 'emergency',
  source,
  ...(checked ? { checked } : {}),
});

/** Shorter to read below: every entry marked with it was confirmed on that day from its `source`. */
const checked = directoryCheckedOn;

/**
 * The directory. Each entry names the page its number was confirmed on (`source`) and when (`checked`);
 * see the README, "Updating crisis resources", before changing one. Where a second page confirmed a
 * detail the first did not (hours, a text number), it is named in a comment.
 */
export const careDirectory: readonly DirectoryEntry[] = [
  // International fallback: 112 reaches emergency services across the EU and is dialable on GSM phones elsewhere.
  emergency(
    internationalCode,
    '112',
    'Your local emergency number (112 works in many countries)',
    'https://www.news.lt/Law-And-Order-Crime/Need-help-Dial-112.im?f=c&id=189320&p=2',
    checked,
  ),
  // Not confirmed from a published page in this check: kept because it lists lines for countries not covered here.
  { name: 'Find A Helpline', country: internationalCode, url: 'https://findahelpline.com', kind: 'crisis', source: 'https://findahelpline.com' },

  // A state health department's 988 page, which also says to call 911 in immediate danger.
  emergency('US', '911', 'Emergency services', 'https://health.wyo.gov/publichealth/prevention/wivpp/suicide-prevention/988-suicide-crisis-lifeline', checked),
  {
    name: '988 Suicide & Crisis Lifeline',
    country: 'US',
    phone: '988',
    text: 'Text 988',
    url: 'https://988lifeline.org',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://health.wyo.gov/publichealth/prevention/wivpp/suicide-prevention/988-suicide-crisis-lifeline',
    checked,
  },
  {
    name: 'Crisis Text Line',
    country: 'US',
    text: 'Text HOME to 741741',
    url: 'https://www.crisistextline.org',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.alexproject.org/crisis-text-line-text-home-to-741741',
    checked,
  },
  {
    name: 'National Domestic Violence Hotline',
    country: 'US',
    phone: '1-800-799-7233',
    text: 'Text START to 88788',
    url: 'https://www.thehotline.org',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://ovc.ojp.gov/news/grantee-news/national-domestic-violence-hotline-answers-6-million-contacts',
    checked,
  },
  // The number could not be confirmed from a published page in this check (ANAD's helpline page is stored without it).
  {
    name: 'ANAD Eating Disorders Helpline',
    country: 'US',
    phone: '1-888-375-7767',
    url: 'https://anad.org',
    kind: 'eating-disorder',
    source: 'https://anad.org/eating-disorder-helpline/',
  },

  emergency('CA', '911', 'Emergency services', 'https://www.gnb.ca/en/topic/laws-safety/community-safety/911.html', checked),
  {
    name: '9-8-8 Suicide Crisis Helpline',
    country: 'CA',
    phone: '988',
    text: 'Text 988',
    url: 'https://988.ca',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://cmhasaskatoon.ca/9-8-8/',
    checked,
  },
  // The phone number is also given by https://www.cbc.ca/news/health/mental-health-crisis-text-kids-help-phone-1.4894118
  {
    name: 'Kids Help Phone',
    country: 'CA',
    phone: '1-800-668-6868',
    text: 'Text CONNECT to 686868',
    url: 'https://kidshelpphone.ca',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://kidshelpphone.ca/text-about-it/',
    checked,
  },
  {
    name: 'ShelterSafe (women’s shelters near you)',
    country: 'CA',
    url: 'https://sheltersafe.ca',
    kind: 'abuse',
    source: 'https://sheltersafe.ca/about-shelters/',
    checked,
  },
  {
    name: 'NEDIC helpline',
    country: 'CA',
    phone: '1-866-633-4220',
    url: 'https://nedic.ca',
    hours: 'Mon–Thu 9am–9pm, Fri 9am–5pm ET',
    kind: 'eating-disorder',
    source: 'https://www.vancouverislandmentalhealthsociety.org/its-eating-disorders-awareness-week-in-canada-from-february-1-to-7/',
    checked,
  },

  emergency('GB', '999', 'Emergency services (999 or 112)', 'https://www.devon-cornwall.police.uk/youth/8-10/phoning-999/', checked),
  // 24/7: https://civilsociety.co.uk/news/samaritans-helpline-now-free-to-call.html
  {
    name: 'Samaritans',
    country: 'GB',
    phone: '116 123',
    url: 'https://www.samaritans.org',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.samaritans.org/how-we-can-help/contact-samaritan/',
    checked,
  },
  {
    name: 'Shout',
    country: 'GB',
    text: 'Text SHOUT to 85258',
    url: 'https://giveusashout.org',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://giveusashout.org/about-us/faq/',
    checked,
  },
  {
    name: 'National Domestic Abuse Helpline',
    country: 'GB',
    phone: '0808 2000 247',
    url: 'https://www.nationaldahelpline.org.uk',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://refuge.org.uk/news/refuge-response-to-home-secretary-announcement-of-support-for-domestic-abuse-victims',
    checked,
  },
  // Only a shop's blog post gave this number in this check, not Beat or a health service: left unconfirmed.
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
    source: 'https://neas.nhs.uk/your-service/111',
    checked,
  },

  emergency('IE', '112', 'Emergency services (112 or 999)', 'https://www2.hse.ie/emergencies/when-to-call-112-or-999/', checked),
  {
    name: 'Samaritans Ireland',
    country: 'IE',
    phone: '116 123',
    url: 'https://www.samaritans.org/ireland',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.irishexaminer.com/ireland/charity-launches-email-service-as-calls-surge-to-over-625000-467986.html',
    checked,
  },
  // The service answers any first message; TALK is the word its launch announced.
  {
    name: '50808',
    country: 'IE',
    text: 'Text TALK to 50808',
    url: 'https://text50808.ie',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://todayfm.com/news/247-mental-health-text-support-service-officially-launched-1031466',
    checked,
  },
  {
    name: 'Women’s Aid',
    country: 'IE',
    phone: '1800 341 900',
    url: 'https://www.womensaid.ie',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://www.thejournal.ie/womens-aid-helpline-2-2964358-Sep2016/',
    checked,
  },
  // Not confirmed in this check: the only published number found was the retired lo-call 1890 200 444.
  {
    name: 'Bodywhys',
    country: 'IE',
    phone: '01 2107906',
    url: 'https://www.bodywhys.ie',
    kind: 'eating-disorder',
    source: 'https://www.bodywhys.ie/supports-services/helpline/',
  },

  emergency('AU', '000', 'Emergency services', 'https://cfs.sa.gov.au/warnings-and-incidents/call-triple-zero-in-an-emergency/', checked),
  {
    name: 'Lifeline',
    country: 'AU',
    phone: '13 11 14',
    text: 'Text 0477 13 11 14',
    url: 'https://www.lifeline.org.au',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://lifeinmind.org.au/news/lifelines-crisis-text-service-now-available-24-7',
    checked,
  },
  // 24/7 for calls and texts: https://phoenix.product.edsqa01.aws.sbs.com.au/news/article/victim-survivors-of-violence-can-now-access-support-via-text-heres-how-it-works/eghnsejw1
  {
    name: '1800RESPECT',
    country: 'AU',
    phone: '1800 737 732',
    text: 'Text 0458 737 732',
    url: 'https://www.1800respect.org.au',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://thedailyaus.com.au/stories/1800-respect-text-messaging/',
    checked,
  },
  {
    name: 'Butterfly Foundation',
    country: 'AU',
    phone: '1800 33 4673',
    url: 'https://butterfly.org.au',
    kind: 'eating-disorder',
    source: 'https://butterfly.org.au/news/butterfly-foundation-national-helpline-1800-ed-hope-expands-hours-of-operation-for-eating-disorders/',
    checked,
  },

  emergency('NZ', '111', 'Emergency services', 'https://www.police.govt.nz/contact-us/calling-emergency-111', checked),
  {
    name: '1737 Need to talk?',
    country: 'NZ',
    phone: '1737',
    text: 'Text 1737',
    url: 'https://1737.org.nz',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.pegasus.health.nz/?p=6300',
    checked,
  },
  // Free text line HELP (4357): https://www.scoop.co.nz/stories/GE1803/S00053/lifeline-expands-to-offer-text-support-for-those-in-distress.htm
  // 24/7: https://m.scoop.co.nz/stories/GE2409/S00100/lifeline-needs-a-lifeline-to-support-new-zealanders-through-crisis.htm
  {
    name: 'Lifeline Aotearoa',
    country: 'NZ',
    phone: '0800 543 354',
    text: 'Text HELP (4357)',
    url: 'https://www.lifeline.org.nz',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://vice.com/en/article/new-zealands-biggest-mental-health-helpline-misses-one-in-four-calls',
    checked,
  },
  {
    name: 'Women’s Refuge',
    country: 'NZ',
    phone: '0800 733 843',
    url: 'https://womensrefuge.org.nz',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://womensrefuge.org.nz/get-help/',
    checked,
  },

  emergency(
    'DE',
    '112',
    'Notruf (Rettungsdienst und Feuerwehr; Polizei 110)',
    'https://www.swr.de/swraktuell/baden-wuerttemberg/suedbaden/die-nummer-bei-notfall-oder-unfall-notruf-112-gilt-in-ganz-europa-100.html',
    checked,
  ),
  {
    name: 'TelefonSeelsorge',
    country: 'DE',
    phone: '0800 111 0 111',
    url: 'https://www.telefonseelsorge.de',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.domradio.de/glossar/telefonseelsorge-0',
    checked,
  },
  {
    name: 'TelefonSeelsorge (zweite Nummer)',
    country: 'DE',
    phone: '0800 111 0 222',
    url: 'https://www.telefonseelsorge.de',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.domradio.de/glossar/telefonseelsorge-0',
    checked,
  },
  {
    name: 'Hilfetelefon Gewalt gegen Frauen',
    country: 'DE',
    phone: '116 016',
    url: 'https://www.hilfetelefon.de',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://www.hilfetelefon.de/das-hilfetelefon/angebot-im-ueberblick.html',
    checked,
  },
  {
    name: 'BZgA Infotelefon Essstörungen',
    country: 'DE',
    phone: '0221 892031',
    url: 'https://www.bzga-essstoerungen.de',
    kind: 'eating-disorder',
    source: 'https://infodienst.bzga.de/gesundheitsfoerderung/fachinformationen/iss-was-mach-dich-schlau-zu-essstoerungen',
    checked,
  },

  emergency(
    'AT',
    '112',
    'Notruf (112; Rettung 144)',
    'https://rtr.at/TKP/was_wir_tun/telekommunikation/konsumentenservice/information/informationen_fuer_konsumenten/TKKS_Notrufe.de.html',
    checked,
  ),
  {
    name: 'TelefonSeelsorge',
    country: 'AT',
    phone: '142',
    url: 'https://www.telefonseelsorge.at',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.katholisch.at/telefonseelsorge',
    checked,
  },
  {
    name: 'Frauenhelpline gegen Gewalt',
    country: 'AT',
    phone: '0800 222 555',
    url: 'https://www.frauenhelpline.at',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://noe.orf.at/stories/3136860/',
    checked,
  },

  emergency('CH', '112', 'Notruf (112; Sanität 144)', 'https://hallo.gr.ch/en/gesundheit/notfall/Seiten/default.aspx', checked),
  // A call costs 20 Rappen whatever its length: https://zuerich.143.ch/Service/FAQ
  {
    name: 'Die Dargebotene Hand',
    country: 'CH',
    phone: '143',
    url: 'https://www.143.ch',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.swissinfo.ch/ger/alternde-gesellschaft/die-dargebotene-hand/3335124',
    checked,
  },
  // The national 24/7 victims' number planned for November 2025 was postponed; the site lists every cantonal centre.
  {
    name: 'Opferhilfe Schweiz',
    country: 'CH',
    url: 'https://www.opferhilfe-schweiz.ch',
    kind: 'abuse',
    source: 'https://sodk.ch/de/themen/opferhilfe',
    checked,
  },

  emergency('BE', '112', 'Urgences / Noodnummer (police 101)', 'https://www.police.be/5998/fr/contact/numeros-durgence', checked),
  {
    name: 'Centre de Prévention du Suicide',
    country: 'BE',
    phone: '0800 32 123',
    url: 'https://www.preventionsuicide.be',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://bx1.be/categories/news/la-reine-mathilde-visite-le-centre-de-prevention-du-suicide-a-ixelles/',
    checked,
  },
  {
    name: 'Zelfmoordlijn',
    country: 'BE',
    phone: '1813',
    url: 'https://www.zelfmoord1813.be',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://weliswaar.be/welzijn-zorg/wie-ons-contacteert-heeft-de-wens-te-leven',
    checked,
  },
  // Answered by its own team on weekdays 9–19 and relayed to Télé-Accueil (107) at other times.
  {
    name: 'Écoute violences conjugales',
    country: 'BE',
    phone: '0800 30 030',
    url: 'https://www.ecouteviolencesconjugales.be',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://www.ecouteviolencesconjugales.be/qui-sommes-nous/presentation/',
    checked,
  },

  emergency('FR', '112', 'Urgences (112 ; SAMU 15)', 'https://sdis45.com/index.php/en-pratique/une-urgence-quel-numero', checked),
  {
    name: '3114 Numéro national de prévention du suicide',
    country: 'FR',
    phone: '3114',
    url: 'https://3114.fr',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.mayotte.ars.sante.fr/3114-le-numero-national-de-prevention-du-suicide',
    checked,
  },
  {
    name: 'SOS Amitié',
    country: 'FR',
    phone: '09 72 39 40 50',
    url: 'https://www.sos-amitie.com',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.francebleu.fr/infos/societe/sos-amitie-croule-sous-les-appels-d-un-nouveau-public-depuis-le-debut-du-confinement-1585652341',
    checked,
  },
  {
    name: '3919 Violences Femmes Info',
    country: 'FR',
    phone: '3919',
    url: 'https://arretonslesviolences.gouv.fr',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://solidaritefemmes.org/appeler-le-3919/',
    checked,
  },
  {
    name: 'SAMU',
    country: 'FR',
    phone: '15',
    hours: '24/7',
    kind: 'medical',
    source: 'https://sdis45.com/index.php/en-pratique/une-urgence-quel-numero',
    checked,
  },
  // The federation's address could not be confirmed in this check (pages name the FFAB but not its site).
  { name: 'Fédération Française Anorexie Boulimie', country: 'FR', url: 'https://www.ffab.fr', kind: 'eating-disorder', source: 'https://www.ffab.fr' },

  emergency('ES', '112', 'Emergencias', 'https://www.upday.com/es/si-tengo-una-emergencia-llamo-al-112-al-091-o-al-061', checked),
  {
    name: 'Línea 024 de atención a la conducta suicida',
    country: 'ES',
    phone: '024',
    url: 'https://www.sanidad.gob.es/linea024/',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.rtve.es/noticias/20220509/sanidad-presenta-telefono-prevencion-suicidio/2347183.shtml',
    checked,
  },
  // 24 hours, 365 days: http://www.lne.es/vida-y-estilo/salud/expertos/2012/01/13/telefono-esperanza-responde/1183123.html
  {
    name: 'Teléfono de la Esperanza',
    country: 'ES',
    phone: '717 003 717',
    url: 'https://telefonodelaesperanza.org',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://maldita.es/index.php/malditaciencia/20220510/024-numero-telefono-atencion-suicidio-espana-gratuito',
    checked,
  },
  {
    name: '016 Violencia de género',
    country: 'ES',
    phone: '016',
    text: 'WhatsApp 600 000 016',
    url: 'https://violenciagenero.igualdad.gob.es',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://elmirondesoria.es/nacional/politica/el-servicio-016-recibe-59-317-consultas-de-enero-a-junio',
    checked,
  },

  emergency('PT', '112', 'Emergência', 'https://protecaocivil.sintra.pt/noticias/novas-linhas-de-apoio-para-vitimas-de-violencia-domestica', checked),
  // Opened on 10 September 2025, free and 24 hours: https://saudeonline.pt/sos-voz-amiga-em-jornada-de-48-horas-para-assinalar-dia-mundial-da-prevencao-do-suicidio
  {
    name: 'Linha de Prevenção do Suicídio (SNS 24)',
    country: 'PT',
    phone: '1411',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.rtp.pt/noticias/pais/linha-para-prevencao-de-suicidio-com-mais-de-2000-pedidos-de-apoio-no-primeiro-mes_n1695253',
    checked,
  },
  {
    name: 'SNS 24 aconselhamento psicológico (opção 4)',
    country: 'PT',
    phone: '808 24 24 24',
    url: 'https://www.sns24.gov.pt',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.sns24.gov.pt/en/servico/aconselhamento-psicologico-no-sns-24/',
    checked,
  },
  {
    name: 'SOS Voz Amiga',
    country: 'PT',
    phone: '213 544 545',
    url: 'https://www.sosvozamiga.org',
    hours: 'daily 15:30–00:30',
    kind: 'crisis',
    source: 'https://saudeonline.pt/sos-voz-amiga-em-jornada-de-48-horas-para-assinalar-dia-mundial-da-prevencao-do-suicidio',
    checked,
  },
  // SMS 3060: https://cig.gov.pt/?p=27436
  {
    name: 'Serviço de Informação às Vítimas de Violência Doméstica',
    country: 'PT',
    phone: '800 202 148',
    text: 'SMS 3060',
    url: 'https://www.cig.gov.pt',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://www.cig.gov.pt/servicos/servico-de-informacao-as-vitimas-de-violencia-domestica/',
    checked,
  },

  // 112 is the single number in 16 regions; elsewhere it still reaches the Carabinieri, and 118 the ambulance.
  emergency(
    'IT',
    '112',
    'Emergenza (112; ambulanza 118)',
    'https://www.agenziagiornalisticaopinione.it/opinionmix/polizia-di-stato-il-numero-unico-europeo-per-le-emergenze-112-operativo-in-16-regioni-gestite-23-milioni-di-telefonate-nel-2025/',
    checked,
  ),
  // Replaced 199 284 284 in 2020; usual hours 10–24 and the WhatsApp line: https://www.tpi.it/news/solo-a-natale-telefono-amico-20211215850521/
  {
    name: 'Telefono Amico',
    country: 'IT',
    phone: '02 2327 2327',
    text: 'WhatsApp 324 011 7252',
    url: 'https://www.telefonoamico.it',
    hours: 'daily 10:00–24:00',
    kind: 'crisis',
    source: 'https://vivimilano.corriere.it/attivita-bambini/attivita-varie/coronavirus-telefono-amico-italia-attiva-un-nuovo-numero/',
    checked,
  },
  // Not confirmed from a published page in this check (only other apps' lists carry the number).
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
    source: 'https://www.ilmessaggero.it/italia/1522_numero_anti_violenza_donne_come_funziona_meloni_news-7776518.html',
    checked,
  },
  {
    name: 'SOS Disturbi Alimentari',
    country: 'IT',
    phone: '800 180 969',
    url: 'https://sosdisturbialimentari.it',
    hours: 'Mon–Fri, 24 hours',
    kind: 'eating-disorder',
    source: 'https://www.minori.gov.it/it/print/3084',
    checked,
  },

  emergency('MX', '911', 'Emergencias', 'https://etcetera.com.mx/nacional/implementan-a-nivel-nacional-el-911-como-nuevo-nmero-de-emergencia', checked),
  // Run by CONASAMA since 2023 (it was CONADIC's): its page address was not confirmed, so none is given.
  {
    name: 'Línea de la Vida',
    country: 'MX',
    phone: '800 911 2000',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.eluniversal.com.mx/nacion/promueven-la-linea-de-la-vida-tras-presentar-encuesta-sobre-consumo-de-drogas-asi-puedes-pedir-ayuda/',
    checked,
  },

  emergency('BR', '192', 'SAMU (190 Polícia)', 'https://bastidoresdaemergencia.com.br/190-192-e-193-como-funcionam-os-numeros-que-salvam-vidas', checked),
  {
    name: 'CVV Centro de Valorização da Vida',
    country: 'BR',
    phone: '188',
    url: 'https://cvv.org.br',
    hours: '24/7',
    kind: 'crisis',
    source: 'https://www.portalnmt.com.br/post/centro-de-valoriza%C3%A7%C3%A3o-da-vida-atende-2-5-milh%C3%B5es-que-buscam-desabafo',
    checked,
  },
  // 24 hours by phone and WhatsApp: https://diariodovale.com.br/tempo-real/ligue-180-vai-ter-canal-de-atendimento-no-whatsapp/
  {
    name: 'Ligue 180 Central de Atendimento à Mulher',
    country: 'BR',
    phone: '180',
    text: 'WhatsApp (61) 99610-0180',
    hours: '24/7',
    kind: 'abuse',
    source:
      'https://gauchazh.clicrbs.com.br/tecnologia/noticia/2023/08/como-fazer-denuncias-de-violencia-contra-a-mulher-pelo-whatsapp-clkv6pwcz002c0154dd71r66d.html',
    checked,
  },

  emergency('AR', '911', 'Emergencias (911; SAME 107 en CABA)', 'https://emergencias911.mseg.gba.gov.ar/preguntas', checked),
  // 135 answers in the Buenos Aires area only; from elsewhere the same line is (011) 5275-1135. Not 24 hours.
  {
    name: 'Centro de Asistencia al Suicida (AMBA)',
    country: 'AR',
    phone: '135',
    url: 'https://www.asistenciaalsuicida.org.ar',
    hours: 'daily 8:00–24:00',
    kind: 'crisis',
    source: 'https://elauditor.info/actualidad/-es-muy-importante-la-tarea-de-prevencion-del-suicidio-_a603ce26796773412c05b098e',
    checked,
  },
  {
    name: 'Centro de Asistencia al Suicida (resto del país)',
    country: 'AR',
    phone: '011 5275-1135',
    url: 'https://www.asistenciaalsuicida.org.ar',
    hours: 'daily 8:00–24:00',
    kind: 'crisis',
    source: 'https://elauditor.info/actualidad/-es-muy-importante-la-tarea-de-prevencion-del-suicidio-_a603ce26796773412c05b098e',
    checked,
  },
  // WhatsApp line: https://www.telam.com.ar/notas/202309/640470-linea-144-violencia-de-genero.html
  {
    name: 'Línea 144',
    country: 'AR',
    phone: '144',
    text: 'WhatsApp 11 2771-6463',
    hours: '24/7',
    kind: 'abuse',
    source: 'https://www.pagina12.com.ar/588686-diez-anos-de-la-linea-144',
    checked,
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

/** What goes on the wire: the directory's bookkeeping (what a line is for, where and when it was checked) stays here. */
const wireOf = ({ kind: _kind, source: _source, checked: _checked, ...resource }: DirectoryEntry): CareResource => resource;

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
