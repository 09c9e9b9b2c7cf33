/**
 * Words too common to say anything about a day, in the six languages the companion's care texts
 * speak (English, German, Spanish, French, Portuguese, Italian): articles, pronouns, auxiliaries,
 * prepositions, conjunctions, and the words people use to describe any day ("day", "today", "felt").
 *
 * Written out by hand on purpose: no stopword package is installed (helpers may not add dependencies),
 * and these short lists only need to keep the themes of a handful of notes readable, not to serve a
 * search engine. Lower case; accents as they are written; tokens shorter than three letters never
 * reach this list (see `mood-insights.ts`), so it leaves them out.
 */
const english = `
the and but for nor yet not all any are was were been being has had have having does did doing done
will would shall should can could may might must this that these those there their theirs them they
then than what which who whom whose when where why how its into onto from with without about
above after again against before below between both during each few more most other some such own
same too very just only also over under out off once here our ours you your yours him his her hers
she himself herself myself yourself ourselves themselves itself because until while again ever
don didn doesn isn wasn weren aren hasn haven hadn won wouldn couldn shouldn cannot
really quite still much many lot lots bit got get gets getting went going goes made make makes
day days today yesterday tonight morning evening night week feel feels feeling felt like thing things
one two way even well now something anything nothing everything
`;

const german = `
der die das den dem des ein eine einer eines einem einen und oder aber doch nicht kein keine keinen
ich mich mir du dich dir sie ihr ihre ihren ihrem ihrer ihn ihm wir uns euch sein seine seinen
seinem seiner ist bin bist sind war waren gewesen hat habe hast haben hatte hatten wird werden wurde
wurden kann konnte können muss musste müssen soll sollte will wollte mit von vom zum zur bei beim aus
auf für über unter nach vor hinter neben zwischen durch gegen ohne um als wie wenn dass weil damit
auch noch schon sehr mehr nur dann denn also hier dort heute gestern morgen abend nacht woche tag
tage fühle fühlte gefühl etwas nichts alles viel viele ganz mal einfach gar man
`;

const spanish = `
los las del una uno unos unas que con por para como pero sin sobre entre hasta desde hacia
yo tú él ella nosotros nosotras vosotros ellos ellas mío mía tuyo suyo nuestro nuestra
mis tus sus les nos este esta estos estas ese esa esos esas aquel aquella esto eso
ser soy eres somos son era eran fue fueron sido estar estoy está estamos están estaba estaban estuve
haber has hay había hemos han tener tengo tiene tenía tuve hacer hice hizo muy más menos mucho
mucha muchos muchas poco también todavía ya aquí allí hoy ayer mañana tarde noche semana día días
siento sentí sentía algo nada todo todos toda cuando donde porque pues
`;

const french = `
les des une uns est sont suis était étaient été être avoir ont avait avaient eu fait faire
que qui quoi dont pour par avec sans sur sous dans entre vers chez mais donc car
moi toi lui elle nous vous eux elles leur leurs mon mes ton tes son ses notre nos votre vos
ce cet cette ces cela ça très plus moins beaucoup peu aussi encore déjà ici aujourd
hui hier demain matin soir nuit semaine jour jours journée sens senti sentie quelque chose rien
tout tous toute toutes quand comme parce pas
`;

const portuguese = `
das dos uma umas uns que com por para como mas sem sobre entre até desde
eu ele ela nós eles elas meu minha meus minhas teu tua seu sua seus suas nosso nossa
este esta estes estas esse essa esses essas isto isso aquilo ser sou somos são era eram foi foram
estar estou está estamos estão estava estavam estive ter tenho tem tinha tive fazer fiz fez
muito muita muitos muitas pouco mais menos também ainda aqui hoje ontem amanhã manhã tarde noite
semana dia dias sinto senti sentia algo nada tudo todos toda quando onde porque pois não
`;

const italian = `
gli del della dei delle dello uno una che con per come senza sopra tra fra fino verso
io tu lui lei noi voi loro mio mia miei mie tuo tua suo sua nostro nostra
questo questa questi queste quello quella quelli quelle sono sei siamo siete era erano stato stata
essere avere hai abbiamo hanno aveva avevano avuto fare fatto molto molta molti molte poco più meno
anche ancora già qui oggi ieri domani mattina sera notte settimana giorno giorni giornata sento
sentito qualcosa niente tutto tutti tutta quando dove perché però non
`;

/** Every stopword of the six languages, lower case. */
export const moodStopwords: ReadonlySet<string> = new Set(
  [english, german, spanish, french, portuguese, italian].flatMap((list) => list.split(/\s+/).filter((word) => word.length > 0)),
);
