import type { CareCategory } from '../../common/care.ts';

/**
 * The care screen's rules, per language, written against the normalised text (normalise.ts: lowercase,
 * no accents, no punctuation, single spaces, contractions without apostrophes: "dont", "im").
 *
 * Rules are first-person: "my friend wants to die" is not the person's own risk (see
 * evaluation/care/README.md), so "i want to die" matches and "she wants to die" does not. Idioms are
 * removed from the text before any rule runs (`idioms`), and a story of a past crisis told as over
 * (`recovered`) is not flagged as a present one.
 */

/** One risk phrase. `requires` must also match somewhere in the message (e.g. giving things away and a goodbye). */
export interface ScreenRule {
  /** Stable id: `<language>.<category>.<name>`; logged and evaluated, never the person's words. */
  id: string;
  category: CareCategory;
  lifeAtRisk: boolean;
  pattern: RegExp;
  requires?: RegExp;
}

type Language = 'en' | 'de' | 'es' | 'fr' | 'pt' | 'it';

const shortNames: Record<CareCategory, string> = {
  'suicide-self-harm': 'suicide',
  abuse: 'abuse',
  'medical-emergency': 'medical',
  'eating-disorder': 'eating',
  'harm-to-others': 'harm',
};

function rule(language: Language, category: CareCategory, name: string, lifeAtRisk: boolean, pattern: string, requires?: string): ScreenRule {
  return {
    id: `${language}.${shortNames[category]}.${name}`,
    category,
    lifeAtRisk,
    pattern: new RegExp(pattern),
    requires: requires === undefined ? undefined : new RegExp(requires),
  };
}

const S = 'suicide-self-harm';
const A = 'abuse';
const M = 'medical-emergency';
const E = 'eating-disorder';
const H = 'harm-to-others';

// Words reused across rules of one language.
const enPartner =
  '(he|she|they|hes|shes|my (husband|wife|boyfriend|girlfriend|bf|gf|partner|ex|dad|father|mum|mom|mother|stepdad|stepfather|stepmum|stepmom|brother|sister|uncle|son|carer|boss))';
const enWeapon = '\\b(knife|knives|gun|pistol|rifle|shotgun|bat|axe|hammer|machete|blade)\\b';
const deWeapon = '\\b(messer|pistole|waffe|gewehr|axt|baseballschlager|hammer|klinge)\\b';
const esWeapon = '\\b(cuchillo|navaja|pistola|arma|escopeta|bate|machete|hacha|fusil)\\b';
const frWeapon = '\\b(couteau|pistolet|arme|fusil|hache|batte|flingue|lame)\\b';
const ptWeapon = '\\b(faca|arma|revolver|pistola|espingarda|taco|machado|facao|canivete)\\b';
const itWeapon = '\\b(coltello|pistola|arma|fucile|ascia|mazza|lama|coltellaccio)\\b';

/**
 * Plans, means and timing: a suicide rule that is not life-at-risk on its own becomes so when one of
 * these is in the same message ("I'm a burden ... the pills are ready").
 */
export const suicideEscalators: readonly RegExp[] = [
  /\b(tonight|today|tomorrow|pills|tablets|rope|gun|bridge|plan|planned|ready|goodbye|letters?)\b/,
  /\b(heute|heute nacht|morgen|tabletten|strick|seil|brucke|plan|bereit|abschied)\b/,
  /\b(esta noche|hoy|manana|pastillas|cuerda|puente|plan|planeado|listo|lista|despedida)\b/,
  /\b(ce soir|aujourd hui|demain|cachets|medicaments|corde|pont|plan|pret|prete|adieu)\b/,
  /\b(hoje|hoje a noite|amanha|comprimidos|remedios|corda|ponte|plano|pronto|pronta|despedida)\b/,
  /\b(stanotte|stasera|oggi|domani|pillole|pastiglie|corda|ponte|piano|pronto|pronta|addio)\b/,
];

/**
 * Idioms and harmless uses of alarming words, removed from the text before the rules run (so the
 * rest of a message is still screened). Each is specific: a device that "died", dying "of laughter",
 * killing "time", "I could murder a pizza".
 */
export const idioms: readonly RegExp[] = [
  // English
  /\b(kill(ing|ed)?|killin) (myself|me) (laughing|with laughter|at the gym|at work|working|studying)\b/g,
  /\b(dying|dyin|die|died|dead) (to|for|of laughter|laughing|of embarrassment|of shame|of boredom)\b/g,
  /\b(could|would|gonna|going to) (murder|kill|die for) (a|an|some|for)\b/g,
  /\b(kill|killing|killed) (the )?(time|lights|engine|music|mood|vibe|it)\b/g,
  /\b(phone|battery|laptop|computer|pc|car|tv|ipad|tablet|headphones|charger|plant|plants|printer)s? (just |has |is |s |went |already )?(died|dead|dying|is dead|s dead)\b/g,
  /\bdead (tired|beat|serious|on|right|funny)\b/g,
  /\b(cant|couldnt|can not|could not) breathe (from|with|for) (laughing|laughter)\b/g,
  /\b(cant|couldnt) breathe (lol|lmao|haha\w*|im (laughing|crying)|this is (so )?(funny|hilarious))\b/g,
  /\b(cut|cutting) myself (a|some|off|short)\b|\b(cut|burned|burnt|hurt) myself (on|at|while|playing|cooking|shaving|in the|with the (knife|kitchen))\b/g,
  /\bhit(s|ting)? me (up|back|with)\b/g,
  /\b(beat|beats) me (at|in) (?!(the |my )?(face|head|stomach|chest|back|ribs))/g,
  /\b(almost|nearly|gonna|going to|gave me|give me|would have|practically) (had |have |a )?(a )?heart attack\b/g,
  /\b(kill|smash|crush) (this|the|that) (workout|exam|test|game|interview|presentation|set)\b/g,
  // German
  /\b(sterbe|sterb|sterben) vor (hunger|langeweile|lachen|durst|mudigkeit|hitze|kalte|neugier|angst|sehnsucht)\b/g,
  /\blach(e|en|t)? (mich|uns|dich|sich) (tot|kaputt|schlapp)\b/g,
  /\b(zeit|die zeit) (tot|totschlagen)\b|\bschlag(e|en)? die zeit tot\b/g,
  /\b(handy|akku|laptop|auto|batterie|computer|drucker) (ist |war |stirbt|schon wieder |gleich )*(tot|leer|stirbt|gestorben)\b/g,
  /\bkeine luft (vor lachen|mehr vor lachen)\b/g,
  /\b(fast|beinahe) (einen )?herzinfarkt\b/g,
  /\bkeine luft (mehr )?nach dem (sprint|laufen|joggen|training|treppensteigen)\b/g,
  // Spanish
  /\b(me muero|me mori|me estoy muriendo|muriendome|muerta?o?s? de) (de |por |del )?(risa|hambre|sueno|ganas|calor|frio|sed|verguenza|aburrimiento|cansancio|envidia|amor|miedo)\b/g,
  /\bme muero por\b/g,
  /\b(casi|por poco) me (da|dio) (un )?infarto\b/g,
  /\b(mataria|matarias|mato) por (un|una|unos|unas)\b/g,
  /\bmatando el tiempo\b/g,
  /\b(se (me )?murio|murio|esta muerto|esta muerta) (el |la )?(movil|celular|telefono|bateria|portatil|ordenador|coche)\b/g,
  /\b(se (me )?murio|murio) (el |la )?(movil|celular|telefono|bateria|portatil|ordenador|coche)\b|\b(movil|celular|telefono|bateria) (se )?(murio|muerto|muerta)\b/g,
  // French
  /\b(mort|morte|morts|mortes|meurs|meurt|mourir|mourrais) (de |d )(rire|faim|fatigue|froid|chaud|soif|honte|ennui|envie|peur)\b/g,
  /\bje meurs d envie\b/g,
  /\b(tuerais|tuerai) pour (un|une|des)\b/g,
  /\btue(r)? le temps\b/g,
  /\bfailli faire (une )?crise cardiaque\b/g,
  /\b(telephone|portable|batterie|ordi|ordinateur|voiture) (est |a |vient de )?(mort|morte|mourir)\b/g,
  // Portuguese
  /\b(morrendo|morri|morro|morta|morto|mortos|mortas|morrer) (de |da |do )?(rir|risada|fome|sono|saudade|saudades|vergonha|calor|frio|cansaco|tedio|medo|vontade)\b/g,
  /\bmatando (o )?tempo\b/g,
  /\bquase (tive|me deu|deu) (um )?infarto\b/g,
  /\b(celular|bateria|telefone|notebook|carro) (morreu|morto|morta)\b|\b(morreu|morto|morta) (o |a )?(celular|bateria|telefone|notebook)\b/g,
  // Italian
  /\b(morto|morta|morendo|muoio|muore|morire) (di|dal|dalla|dalle|dai) (fame|ridere|risate|sonno|voglia|caldo|freddo|sete|noia|vergogna|paura|stanchezza)\b/g,
  /\bstanc[oa] mort[oa]\b/g,
  /\b(quasi svenut[oa]|mi (stava per venire|e venuto quasi) un infarto|(caldo|afa|lavoro|traffico) mi soffoca)\b/g,
  /\b(ammazzerei|ucciderei) per\b/g,
  /\bammazz(ando|are) il tempo\b/g,
  /\bmi ammazzo di (lavoro|fatica|risate)\b/g,
  /\b(telefono|cellulare|batteria|portatile|macchina) (e |si e )?(mort[oa]|scaric[oa])\b/g,
];

/**
 * A crisis told as over: a past marker and a present-wellbeing marker in the same message. Only
 * suicide and eating-disorder rules yield to it (a past assault or overdose is never "over" here).
 */
export const recovered: readonly { past: RegExp; now: RegExp }[] = [
  {
    past: /\b(years? ago|months ago|used to|back in|when i was (younger|a teen|a kid|at school)|in the past|had (anorexia|bulimia|an eating disorder))\b/,
    now: /\b(now (im|i am) (doing )?(good|ok|okay|fine|better|healthy|happy|well)|(therapy|treatment|medication) (really )?helped|im (doing )?(good|ok|okay|fine|better|healthy) now|(recovered|in recovery) (now|for))\b/,
  },
  {
    past: /\b(vor (zwei|drei|vier|ein paar|einigen|vielen|\d+) (jahren|monaten)|fruher|damals)\b/,
    now: /\b(heute|jetzt) (geht es mir|gehts mir|bin ich) (gut|besser|wieder gut|stabil)\b/,
  },
  { past: /\b(hace (anos|meses|un ano|dos anos|tiempo)|antes|cuando era)\b/, now: /\b(ahora|hoy) (estoy|me siento) (bien|mejor|feliz|estable)\b/ },
  { past: /\b(il y a (des annees|\w+ ans|\w+ mois)|avant|autrefois)\b/, now: /\b(maintenant|aujourd hui) (je vais|ca va|je me sens) (bien|mieux)\b/ },
  { past: /\b(anos atras|ha (anos|meses)|antigamente|antes)\b/, now: /\b(hoje|agora) (to|estou|me sinto) (bem|melhor)\b/ },
  { past: /\b(anni fa|mesi fa|tempo fa|una volta|prima)\b/, now: /\b(ora|adesso|oggi) (sto|mi sento) (bene|meglio)\b/ },
];

/** All rules, most urgent kinds first: a message that matches several is reported under the first. */
export const rules: readonly ScreenRule[] = [
  // ---------- Medical emergencies happening now (first: an overdose taken is an emergency before it is a suicide sign).
  rule(
    'en',
    M,
    'overdose-taken',
    true,
    '\\b(took|taken|take|swallowed|downed|ate|had) (like |about |around |maybe |over |nearly )?(\\d\\d+|all( of)? the|all( of)? (her|his|mums|moms|dads|my mums|my moms)|a whole|the whole|a bunch of|loads of|a load of|a handful of|lots of|too many) ?(\\w+ )?(pills|tablets|paracetamol|ibuprofen|painkillers|sleeping pills|aspirin|xanax|insulin|capsules|(box|bottle|pack|packet) of (pills|tablets|paracetamol|painkillers|sleeping pills|meds))\\b',
  ),
  rule('en', M, 'overdose', true, '\\b(overdosed|overdosing|od d|odd on|i have overdosed|took an overdose)\\b'),
  rule(
    'en',
    M,
    'poison',
    true,
    '\\b(drank|swallowed|drunk|ate) (some |the )?(bleach|poison|antifreeze|rat poison|weed killer|drain cleaner|cleaning (stuff|product))',
  ),
  rule(
    'en',
    M,
    'heart',
    true,
    '\\b((having|had|think im having|think its|is having|hes having|shes having) a heart attack|chest (pain|hurts|is hurting|feels tight|tightness)|my chest (really |so |is )?(hurts|hurting|tight|so tight|pain))',
  ),
  rule(
    'en',
    M,
    'breathing',
    true,
    '\\b((cant|cannot|can not|couldnt) (breathe|breath)|(not|isnt|stopped|stop|hardly|barely) (breathing|breathin)|throat (is )?(swelling|closing)|(is|hes|shes|baby is) choking and|choking and (cant|can not))\\b',
  ),
  rule(
    'en',
    M,
    'unconscious',
    true,
    '\\b((is|was|went|lying|found \\w+|shes|hes) unconscious|unresponsive|(wont|cant|doesnt|isnt) wak(e|ing) up|(he|she|hes|shes|just|dad|mum|mom|grandma|grandpa|friend|husband|wife|son|daughter) collapsed|passed out and|having a (seizure|stroke)|face (is )?drooping|bleeding (a lot|heavily|badly|wont stop|everywhere))\\b',
  ),
  rule(
    'de',
    M,
    'breathing',
    true,
    '\\b((krieg|kriege|kriegt|bekomme|bekommt|hab|habe|hat) (\\w+ )?keine luft|atmet (nicht|kaum)|lippen sind blau|(er|sie|baby|kind) erstickt)',
  ),
  rule('de', M, 'heart', true, '\\b(herzinfarkt|brustschmerz|schmerzen in der brust|druck auf der brust|schlaganfall)'),
  rule(
    'de',
    M,
    'overdose-taken',
    true,
    '\\b(ganze|alle|eine ganze|die ganze|\\d+) (packung|schachtel|tabletten|pillen|schlaftabletten)( \\w+){0,3} (geschluckt|genommen|eingenommen)|\\b(geschluckt|genommen) (\\w+ ){0,2}(alle|ganze) (tabletten|packung)',
  ),
  rule(
    'de',
    M,
    'unconscious',
    true,
    '\\b(bewusstlos|wacht nicht (mehr )?auf|(er|sie|vater|mutter|papa|mama|mann|frau|oma|opa|freund|freundin|sohn|tochter) ist (einfach |gerade |plotzlich )?zusammengebrochen|krampfanfall)\\b',
  ),
  rule(
    'es',
    M,
    'heart',
    true,
    '\\b(infarto|(me )?duele (mucho |muchisimo )?el pecho|dolor (fuerte )?(en el|de|del) pecho|(no siento|no me siento|dormido|entumido) el brazo izquierdo|brazo izquierdo no lo siento)',
  ),
  rule('es', M, 'breathing', true, '\\b(no (puedo|puede|podemos) respirar|no respira|esta morad[oa]|se (esta )?ahogando)\\b'),
  rule(
    'es',
    M,
    'overdose-taken',
    true,
    '\\b(me tome|tome|se tomo|me he tomado|trague) (todas|todos|una caja|un bote|el bote|la caja|\\d\\d+)( de)? (las |los )?(\\w+ )?(pastillas|pildoras|medicamentos|capsulas|de)',
  ),
  rule('es', M, 'unconscious', true, '\\b(inconsciente|no despierta|se desmayo y|convulsion|convulsionando)\\b'),
  rule('fr', M, 'heart', true, '\\b(crise cardiaque|infarctus|douleur (\\w+ )?(dans|a) la poitrine|mal a la poitrine|avc)\\b'),
  rule(
    'fr',
    M,
    'breathing',
    true,
    '\\b((n arrive|arrive|peux|peut) (plus|pas) a respirer|(ne|n) (peux|peut) (plus |pas )?respirer|peux plus respirer|ne respire (plus|pas)|respire plus)\\b',
  ),
  rule(
    'fr',
    M,
    'overdose-taken',
    true,
    '\\b(avale|pris) (toute la|tout le|toutes les|tous les|une boite|la boite|\\d\\d+) ?(\\w+ )?(boite|cachets|comprimes|medicaments|pilules|somniferes|plaquette)',
  ),
  rule('fr', M, 'unconscious', true, '\\b(inconscient|inconsciente|fait un malaise|se reveille pas|convulse)\\b'),
  rule('pt', M, 'heart', true, '\\b(infarto|dor (forte |muito forte )?no peito|derrame)\\b'),
  rule('pt', M, 'breathing', true, '\\b(falta de ar|nao (consigo|consegue) respirar|nao (esta )?respira(ndo)?)\\b'),
  rule(
    'pt',
    M,
    'poison-or-overdose',
    true,
    '\\b((tomou|bebeu|engoliu|tomei|bebi|engoli) (\\w+ )?(produto de limpeza|veneno|agua sanitaria|alvejante|soda)|(tomei|tomou|engoli) (todos|todas|uma caixa|a caixa|\\d\\d+) (os |as )?(\\w+ )?(comprimidos|remedios|pilulas|capsulas))',
  ),
  rule('pt', M, 'unconscious', true, '\\b(desmaiou|nao acorda|inconsciente|convulsao|convulsionando)\\b'),
  rule('it', M, 'heart', true, '\\b(infarto|dolore (forte |fortissimo )?al petto|ictus|faccia storta)\\b'),
  rule('it', M, 'breathing', true, '\\b(non (riesco a |riesce a )?respir(o|a|are)|sta soffocando)\\b'),
  rule(
    'it',
    M,
    'overdose-taken',
    true,
    '\\b(preso|ingoiato|inghiottito) (tutte|tutti|una scatola|la scatola|\\d\\d+) (le |i )?(\\w+ )?(pillole|pastiglie|compresse|medicine|farmaci|scatola)',
  ),
  rule('it', M, 'unconscious', true, '\\b(svenut[oa]|accasciat[oa]|non si sveglia|non riesce a parlare|convulsioni)\\b'),

  // ---------- Harm to others: a first-person intent to hurt someone, with a weapon, a resolve, or a child.
  rule('en', H, 'shoot-people', true, '\\b(shoot|stab|kill) (them all|everyone|everybody|people|the whole|up the)\\b|\\bshoot up\\b'),
  rule(
    'en',
    H,
    'kill-with-weapon',
    true,
    '\\b(im|i am|i will|ill|im gonna|im going to|gonna|going to|i want to|i wanna|i swear ill|i swear i will) (go over there (and|with \\w+ \\w+ and) )?(kill|murder|stab|shoot|hurt|beat)\\b',
    `${enWeapon}|\\bi mean it\\b|\\bi swear\\b`,
  ),
  rule(
    'en',
    H,
    'hurt-child',
    false,
    '\\b(want|wanna|feel like|urge|going) (to )?(hurt|harm|kill|smother|shake|hit) (my|the) (baby|child|kid|kids|son|daughter|children)\\b',
  ),
  rule(
    'de',
    H,
    'kill-with-weapon',
    true,
    '\\b(ich bring\\w* (\\w+ ){1,3}um|ich (werde|will) (\\w+ ){1,3}(umbringen|toten|abstechen|erschiessen|wehtun|weh tun))\\b',
    `${deWeapon}|\\bich schwore\\b|\\bich meine es ernst\\b`,
  ),
  rule(
    'es',
    H,
    'kill-with-weapon',
    true,
    '\\b(voy a|quiero|le voy a) (matar|apunalar|disparar|hacerle dano|dar una paliza|matarlo|matarla|matarlos)\\b',
    `${esWeapon}|\\blo juro\\b|\\bva en serio\\b`,
  ),
  rule(
    'fr',
    H,
    'kill-with-weapon',
    true,
    '\\b(je vais|je veux|j vais) (le |la |les |l )?(tuer|poignarder|buter|frapper|descendre)\\b',
    `${frWeapon}|\\bje te jure\\b|\\bjusqu a ce qu\\b|\\bne se relev`,
  ),
  rule(
    'pt',
    H,
    'kill-with-weapon',
    true,
    '\\b(vou|quero) (matar|esfaquear|atirar|mata lo|mata la|machucar)\\b',
    `${ptWeapon}|\\bjuro\\b|\\bestou falando serio\\b`,
  ),
  rule(
    'it',
    H,
    'kill-with-weapon',
    true,
    '\\b(ammazzo|uccido|voglio (ucciderl\\w*|ammazzarl\\w*|uccidere|ammazzare|accoltellar\\w*)|lo ammazzo|la ammazzo|lo uccido)\\b',
    `${itWeapon}|\\bgiuro\\b|\\bsul serio\\b`,
  ),

  // ---------- Abuse against the person.
  rule(
    'en',
    A,
    'threat-to-kill',
    true,
    '\\b((said|says|threatened|threatens|threatening|swore) (that )?(hed|shed|theyd|he would|she would|he will|she will|hell|shell|hes going to|shes going to|he is going to|to) (kill|hurt|stab|shoot) me|threat(ens|ened)? to kill me|going to kill me if i (leave|tell|talk|go))\\b',
  ),
  rule(
    'en',
    A,
    'choking',
    true,
    `\\b${enPartner} (\\w+ ){0,2}(choked|chokes|choking|strangled|strangles|grabbed me by the (throat|neck)|pushed me down|threw me|held a knife)`,
  ),
  rule(
    'en',
    A,
    'hits-me',
    false,
    `\\b${enPartner} (\\w+ ){0,2}(hits|hit|beats|beat|punches|punched|kicks|kicked|slaps|slapped|pushes|pushed|hurts|hurt|rapes|raped|burns|burned|grabbed|shoves|shoved) me\\b`,
  ),
  rule(
    'en',
    A,
    'sexual',
    false,
    `\\b${enPartner} (\\w+ ){0,2}(touches|touched|keeps touching) me\\b|\\b(raped|molested|sexually abused) me\\b|\\bforces? me to have sex\\b`,
  ),
  rule('en', A, 'locked-in', true, '\\b(locks|locked) me in\\b|\\bscared to go home\\b|\\bafraid to go home\\b'),
  rule('de', A, 'threat-to-kill', true, '\\b(droht|drohte|gedroht)( \\w+){0,2} mich (umzubringen|zu toten|abzustechen)|\\bwill mich umbringen wenn ich'),
  rule(
    'de',
    A,
    'hits-me',
    false,
    '\\b(schlagt|schlug|verprugelt|wurgt|wurgte|tritt|vergewaltigt|missbraucht|misshandelt) mich\\b|\\bmich (\\w+ ){0,3}(geschlagen|verprugelt|gewurgt|vergewaltigt|missbraucht|getreten)\\b|\\b(fasst|fasste) mich (\\w+ )?an\\b',
  ),
  rule(
    'es',
    A,
    'threat-to-kill',
    true,
    '\\b(amenaza|amenazo|amenazado|amenazando|dice que va a|dijo que iba a) (con )?(matarme|un cuchillo|una pistola|una navaja|hacerme dano)\\b',
  ),
  rule(
    'es',
    A,
    'hits-me',
    false,
    '\\bme (pega|pego|golpea|golpeo|maltrata|viola|violo|ahorca|ahorco|estrangula|patea|empuja) |\\babusa(ba)? de mi\\b|\\bme toca (por las noches|cuando|sin)\\b',
  ),
  rule('fr', A, 'threat-to-kill', true, '\\bmenac\\w* de me (tuer|buter|frapper)\\b|\\bva me tuer si je (pars|parle|le quitte)\\b'),
  rule(
    'fr',
    A,
    'hits-me',
    false,
    '\\b(il|elle|mon \\w+|ma \\w+) (me )?(bat|frappe|frappait|viole|tabasse|etrangle|cogne)\\b|\\bm a (frappee?|battue?|violee?|etranglee?|tabassee?)\\b|\\bme touche la nuit\\b|\\bme touche (quand|sans)\\b',
  ),
  rule('pt', A, 'threat-to-kill', true, '\\b(ameac\\w* (de )?me matar|(disse|diz|falou) que vai me matar)\\b'),
  rule('pt', A, 'hits-me', false, '\\bme (bate|bateu|espancou|espanca|estuprou|estupra|enforcou|enforca|agride|agrediu|chuta|chutou)\\b|\\babusa de mim\\b'),
  rule('it', A, 'threat-to-kill', true, '\\bminacci\\w* di (uccidermi|ammazzarmi)\\b|\\bmi ha (strangolat[oa]|soffocat[oa])\\b|\\bmi strangola\\b'),
  rule(
    'it',
    A,
    'hits-me',
    false,
    '\\bmi (picchia|picchiava|ha picchiat[oa]|prende a (pugni|calci|schiaffi)|violenta|ha violentat[oa]|maltratta|tocca di notte)\\b|\\bmi chiude in casa\\b',
  ),

  // ---------- Suicide and self-harm, including the indirect warning signs.
  rule(
    'en',
    S,
    'kill-myself',
    true,
    '\\b(kill|killing|hang|hanging|shoot|off|drown|poison) myself\\b|\\bcommit suicide\\b|\\b(im|i am|feeling|feel) (so |really )?suicidal\\b',
  ),
  rule(
    'en',
    S,
    'end-my-life',
    true,
    '\\b(end|ending) (it all|my (own )?life)\\b|\\btak(e|ing) my (own )?life\\b|\\bi (really |just |honestly )?(want|wanna|wish i could|wish to) (to )?(die|be dead|not exist|disappear for good)\\b|\\bi wish i (was|were) dead\\b',
  ),
  rule('en', S, 'jump', true, '\\b(jump|jumping|throw myself) (off|from|in front of) (the|a|my) (bridge|roof|building|balcony|train|tower|cliff)\\b'),
  rule(
    'en',
    S,
    'plan-means',
    true,
    '\\b(saving|saved|stockpiling|stockpiled|collected|collecting|hoarding|hoarded) (up )?(the |my |all the |enough )?(pills|tablets)\\b|\\benough (pills|tablets) to\\b|\\bgot (a|the) rope\\b|\\bpills ready\\b|\\bbought a rope\\b|\\btonight is the night\\b|\\bi know (what|how) (im|i am) going to do\\b',
  ),
  rule(
    'en',
    S,
    'goodbye-letters',
    true,
    '\\b(written|wrote|writing|left) (goodbye|farewell) (letters|notes)\\b|\\b(letters|notes) (to|for) (everyone|my family) (saying|to say) goodbye\\b|\\bthis is (my )?goodbye( to (you|everyone|you all))? $|\\bthis is (my )?goodbye (forever|for good)\\b|\\b(wrote|written|writing|left) (a|my) suicide note\\b',
  ),
  rule(
    'en',
    S,
    'give-away',
    true,
    '\\b(gave|given|giving) (away )?(all )?my (\\w+ )?(stuff|things|belongings|possessions|\\w+ and my \\w+) (away )?to\\b|\\bgave away all my\\b',
    '\\b(goodbye|bye|wont need|dont need (them|it) anymore|farewell)\\b',
  ),
  rule(
    'en',
    S,
    'burden',
    false,
    '\\b(im|i am) (such |just |only )?a burden\\b|\\bbetter off without me\\b|\\b(happier|better) if i (was|were|wasnt|werent) (gone|dead|here|around)\\b|\\bnobody would (even )?(notice|care|miss me) if i (disappeared|was gone|died|wasnt here)\\b',
  ),
  rule(
    'en',
    S,
    'no-reason',
    false,
    '\\b(no|dont see (the|any)|dont see a|cant see (the|any)) (reason|point) (to|in|of) (live|living|going on|life|being alive|carrying on)\\b|\\bno reason to live\\b',
  ),
  rule('en', S, 'never-wake', false, '\\b(go to sleep|fall asleep|sleep) and (never|not) wake up\\b'),
  rule(
    'en',
    S,
    'self-harm',
    false,
    '\\b(cut|cutting|hurt|hurting|burn|burning|harm|harming|scratch|scratching) myself\\b|\\bi keep cutting\\b|\\b(i|im|ive been|i have been|i still) self harm(ing)?\\b',
  ),
  rule(
    'de',
    S,
    'kill-myself',
    true,
    '\\b(ich (will|werde|mochte|muss|wurde gern)|will) mich (\\w+ )?(umbringen|toten|erhangen|erschiessen|vergiften)\\b|\\b(denke|nachdenke|gedanken) (\\w+ ){0,2}(an |uber )?(selbstmord|suizid)\\b',
  ),
  rule(
    'de',
    S,
    'not-live',
    true,
    '\\b(ich )?(will|mochte|kann) nicht mehr leben\\b|\\bich wunschte ich ware tot\\b|\\bich will (einfach )?nicht mehr $|\\bich will sterben\\b|\\bnicht mehr aufwachen\\b',
  ),
  rule(
    'de',
    S,
    'jump',
    true,
    '\\b(von der|von einer|vom) (brucke|dach|hochhaus) (springen|sturzen)\\b|\\bmich (\\w+ ){0,3}(von der|vom) (brucke|dach|hochhaus) (sturzen|werfen)\\b|\\bvor den zug\\b',
  ),
  rule('de', S, 'plan-means', true, '\\b(tabletten|pillen|strick|seil) (\\w+ )?(zurechtgelegt|gesammelt|bereit|besorgt|gekauft)\\b|\\bschon die tabletten\\b'),
  rule('de', S, 'goodbye', true, '\\bvon (allen|euch|allen menschen) verabschiedet\\b|\\babschiedsbrief'),
  rule('de', S, 'give-away', true, '\\b(sachen|alles|besitz) (verschenkt|weggegeben)\\b', '\\b(nicht mehr|brauch\\w* (ich )?(eh )?nicht|abschied)\\b'),
  rule(
    'de',
    S,
    'burden',
    false,
    '\\b(allen|euch|meiner familie) (nur )?(eine )?last\\b|\\beine last fur (alle|euch|meine familie)\\b|\\bohne mich besser dran\\b',
  ),
  rule('de', S, 'no-sense', false, '\\b(alles|das leben|mein leben) (hat|macht) keinen sinn mehr\\b|\\bes hat (alles )?keinen sinn mehr\\b'),
  rule('de', S, 'self-harm', false, '\\britze mich\\b|\\bverletze mich (selbst)?\\b|\\bschneide mich\\b|\\bmich selbst verletz'),
  rule(
    'es',
    S,
    'kill-myself',
    true,
    '\\b(quiero|voy a|pienso en) (matarme|suicidarme|quitarme la vida|morirme|morir)\\b|\\bme (quiero|voy a) (matar|suicidar|morir)\\b|\\bsuicidarme\\b',
  ),
  rule(
    'es',
    S,
    'not-live',
    true,
    '\\b(no|ya no) quiero (seguir )?(viviendo|vivir)\\b|\\b(no tiene|sin) sentido (vivir|seguir)\\b|\\bdesaparecer para siempre\\b|\\bno quiero despertar\\b',
  ),
  rule(
    'es',
    S,
    'plan-means',
    true,
    '\\b(pastillas|cuerda|pistola) (listas?|preparadas?)\\b|\\btengo (todo )?(planeado|preparado)\\b|\\btirarme (del|de un|de la) (puente|edificio|azotea)\\b',
  ),
  rule('es', S, 'give-away', true, '\\b(regale|di|done) (todas )?mis cosas\\b', '\\b(me despido|adios|despedida|no las necesito|ya no)\\b'),
  rule('es', S, 'burden', false, '\\bsoy una carga\\b|\\bestarian mejor sin mi\\b'),
  rule(
    'es',
    S,
    'self-harm',
    false,
    '\\bme (estoy )?(cortando|corto|corte|lastimo|hago dano)( \\w+)? (otra vez|de nuevo|los brazos|las munecas|las piernas|a proposito)\\b|\\bme (estoy )?cortando otra vez\\b|\\bme autolesion\\w*',
  ),
  rule('fr', S, 'kill-myself', true, '\\b(je veux|j ai envie de?|je vais|envie de?) (me tuer|me suicider|mourir|en finir)\\b|\\bme suicider\\b'),
  rule('fr', S, 'jump', true, '\\bme jeter (sous un train|du|d un|de la|par la) ?(pont|toit|fenetre|immeuble)?\\b'),
  rule('fr', S, 'no-reason', false, '\\b(plus|pas) (aucune |de )?raison de vivre\\b|\\bplus envie de vivre\\b'),
  rule('fr', S, 'goodbye', true, '\\blettres? d adieu\\b'),
  rule('fr', S, 'give-away', true, '\\b(donne|distribue) toutes mes affaires\\b', '\\b(la fin|adieu|au revoir|plus besoin)\\b'),
  rule('fr', S, 'burden', false, '\\b(suis|je suis) un fardeau\\b|\\bmieux sans moi\\b'),
  rule('fr', S, 'self-harm', false, '\\bme scarifie\\b|\\bme coupe (les bras|les poignets|les jambes|encore|expres)\\b|\\bme mutile\\b|\\bme fais du mal\\b'),
  rule('pt', S, 'kill-myself', true, '\\b(quero|vou|pensando em|penso em|vontade de) (me matar|me suicidar)\\b|\\bquero (morrer|sumir)\\b|\\bme suicidar\\b'),
  rule(
    'pt',
    S,
    'not-live',
    true,
    '\\bnao (quero|aguento) mais viver\\b|\\bnao vejo (mais )?sentido (em|na) viver\\b|\\bme jogar (da|de|do) (ponte|predio|janela|viaduto)\\b',
  ),
  rule('pt', S, 'plan-means', true, '\\bseparei (os|as) (comprimidos|remedios|pilulas)\\b|\\bhoje e o dia\\b'),
  rule('pt', S, 'give-away', true, '\\b(doei|dei) todas as minhas coisas\\b', '\\b(despedida|adeus|tchau|nao vou precisar)\\b'),
  rule('pt', S, 'burden', false, '\\bsou um peso\\b|\\bmelhor sem mim\\b'),
  rule('pt', S, 'self-harm', false, '\\b(to|estou|tou) me cortando\\b|\\bme corto (de novo|os bracos|os pulsos|as pernas|de proposito)\\b|\\bme automutil\\w*'),
  rule(
    'it',
    S,
    'kill-myself',
    true,
    '\\b(voglio|vorrei|sto per) (uccidermi|ammazzarmi|suicidarmi|morire|farla finita)\\b|\\bmi (ammazzo|uccido)\\b|\\bfarla finita\\b|\\bsuicidarmi\\b',
  ),
  rule('it', S, 'plan-means', true, '\\b(preparato|comprato|pronta) la corda\\b|\\bla corda e pronta\\b|\\bho (gia )?tutto pronto\\b'),
  rule('it', S, 'give-away', true, '\\bregalato tutte le mie cose\\b', '\\b(vi saluto|addio|non mi servono piu)\\b'),
  rule('it', S, 'no-reason', false, '\\b(nessun|piu|non ho piu) (nessun )?motivo (di|per) vivere\\b'),
  rule('it', S, 'burden', false, '\\bsono un peso\\b|\\bmeglio senza di me\\b'),
  rule(
    'it',
    S,
    'self-harm',
    false,
    '\\bmi taglio (le braccia|i polsi|le gambe|di nuovo|apposta|ancora)\\b|\\bmi sto tagliando (le braccia|i polsi|di nuovo|ancora)\\b|\\bmi autolesion\\w*',
  ),

  // Further warning signs, wider than the labelled sets (hopelessness with intent, methods, wishing to be dead).
  rule(
    'en',
    S,
    'cant-go-on',
    false,
    '\\b(cant|cannot) go on (anymore|like this|living)\\b|\\b(tired|sick) of (living|being alive|life)\\b|\\blife (isnt|is not|aint) worth (living|it)\\b|\\bi dont want to (live|exist|be alive|be here) anymore\\b|\\bid be better off dead\\b|\\bi should (just )?die\\b',
  ),
  rule(
    'en',
    S,
    'method',
    true,
    '\\b(slit|slitting|cut|cutting) my wrists\\b|\\boverdose on\\b|\\b(have|got|made) a plan to (die|end)\\b|\\bsaid my goodbyes\\b|\\bend it (tonight|today|tomorrow|soon)\\b',
  ),
  rule(
    'de',
    S,
    'end-life',
    true,
    '\\bmein leben (beenden|beende)\\b|\\b(allem|meinem leben) ein ende (setzen|machen)\\b|\\bschluss machen mit (allem|dem leben)\\b|\\blebensmude\\b|\\bich will tot sein\\b|\\bpulsadern (aufschneiden|aufgeschnitten)\\b',
  ),
  rule('de', S, 'nobody-misses', false, '\\bniemand wurde mich vermissen\\b|\\bich will (fur immer )?verschwinden\\b|\\bich will nicht mehr (da|hier) sein\\b'),
  rule(
    'es',
    S,
    'end-life',
    true,
    '\\bquitarme la vida\\b|\\bacabar con (todo|mi vida)\\b|\\bcortarme las venas\\b|\\bojala (estuviera muert[oa]|me muriera|no despertar)\\b|\\bmejor muert[oa]\\b',
  ),
  rule('es', S, 'nobody-misses', false, '\\bnadie me (extranaria|echaria de menos)\\b'),
  rule(
    'fr',
    S,
    'end-life',
    true,
    '\\bmettre fin a (mes jours|ma vie)\\b|\\ben finir avec (la vie|tout)\\b|\\bje ne veux plus vivre\\b|\\bveux plus vivre\\b|\\bme pendre\\b|\\bm ouvrir les veines\\b',
  ),
  rule('fr', S, 'nobody-misses', false, '\\bpersonne ne me regretterait\\b|\\bpersonne ne remarquerait si je (disparaissais|mourais)\\b'),
  rule(
    'pt',
    S,
    'end-life',
    true,
    '\\bacabar com (tudo|a minha vida|minha vida)\\b|\\btirar (a )?minha (propria )?vida\\b|\\bme enforcar\\b|\\bcortar os pulsos\\b|\\bqueria (estar morto|estar morta|morrer)\\b',
  ),
  rule('pt', S, 'nobody-misses', false, '\\bninguem (sentiria|vai sentir) (a )?minha falta\\b'),
  rule(
    'it',
    S,
    'end-life',
    true,
    '\\btogliermi la vita\\b|\\bnon voglio piu vivere\\b|\\bvorrei essere mort[oa]\\b|\\bimpiccarmi\\b|\\btagliarmi le vene\\b|\\bnon ce la faccio piu a vivere\\b',
  ),
  rule('it', S, 'nobody-misses', false, '\\bnessuno sentirebbe la mia mancanza\\b'),
  rule('en', M, 'stroke-allergy', true, '\\b(allergic reaction|anaphyla\\w*|slurred speech|cant feel (my|his|her) (arm|face|leg)|numb on one side)\\b'),
  rule(
    'en',
    A,
    'assault',
    false,
    '\\b(sexually assaulted|forced (me|himself on me)|im (scared|afraid|terrified) of (him|her|my (husband|wife|boyfriend|girlfriend|partner|dad|father|mum|mom|mother|stepdad)))\\b',
  ),
  rule(
    'en',
    H,
    'hurt-someone',
    false,
    '\\b(afraid|scared) (ill|i will|im going to|i might) (hurt|kill) (someone|somebody|him|her|them|my)\\b|\\bi (want|wanna) to (hurt|kill) (someone|somebody|people)\\b',
  ),
  rule(
    'en',
    E,
    'calories',
    false,
    '\\b(only|just) (eat|ate|eating|allow myself) (\\d+|a few hundred) (calories|cals|kcal)\\b|\\b(stopped|stop) eating (so|to|until) (i|id)\\b',
  ),

  // ---------- Eating disorders.
  rule(
    'en',
    E,
    'purge',
    false,
    '\\b(make|made|making) myself (throw up|vomit|puke)\\b|\\b(binge|binging|bingeing) (and )?(then )?purg\\w*|\\bi (purge|purged|keep purging)\\b|\\bpurging (after|again|every)\\b|\\blaxatives to (lose|stay)\\b',
  ),
  rule(
    'en',
    E,
    'starve',
    false,
    '\\bstarv(e|ing) myself\\b|\\bhavent (eaten|eat) (anything )?(in|for) (\\d+|two|three|four|five|six|seven|a|several) (days|day|week|weeks)\\b|\\bscared to eat\\b|\\bweigh myself \\d+ times\\b|\\bi (have|ve got|struggle with|am struggling with) (anorexia|bulimia|an eating disorder)\\b',
  ),
  rule(
    'de',
    E,
    'purge',
    false,
    '\\b(kotze|erbreche|ubergebe) (mich )?(\\w+ )?nach (jedem|dem) essen\\b|\\b(kotze|erbreche) (\\w+ ){0,4}absichtlich\\b|\\babsichtlich (kotzen|erbrechen)\\b',
  ),
  rule(
    'de',
    E,
    'starve',
    false,
    '\\bhungere mich\\b|\\bseit (\\d+|zwei|drei|vier|funf|sechs|sieben|einer woche|tagen|wochen) (tagen |wochen )?nichts (mehr )?gegessen\\b|\\bich (habe|hab) (magersucht|bulimie|eine essstorung)\\b',
  ),
  rule('es', E, 'purge', false, '\\bme provoco el vomito\\b|\\bvomito (a proposito|despues de comer)\\b'),
  rule('es', E, 'starve', false, '\\bsin comer para (adelgazar|bajar de peso)\\b|\\b(llevo|estoy) (\\w+ )?(dias|semanas?) sin comer\\b'),
  rule('fr', E, 'purge', false, '\\bje me fais vomir\\b|\\bme faire vomir\\b'),
  rule('fr', E, 'starve', false, '\\bne mange plus (rien )?depuis\\b|\\bpour maigrir\\b'),
  rule('pt', E, 'purge', false, '\\bvomito de proposito\\b|\\bme (faco|forco a) vomitar\\b'),
  rule('pt', E, 'starve', false, '\\bdias sem comer\\b|\\bsem comer (pra|para) emagrecer\\b'),
  rule('it', E, 'purge', false, '\\bvomito apposta\\b|\\bmi faccio vomitare\\b'),
  rule('it', E, 'starve', false, '\\bnon mangio da (giorni|settimane)\\b|\\bdigiuno per dimagrire\\b'),
];
