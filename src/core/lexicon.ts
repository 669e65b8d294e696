import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { z } from 'zod';
import { DataError, lazySchema, YamlSource } from './data-file.js';

/** The lexicon's schema, built on first use (see lazySchema): a start from the start-up cache builds none. */
export const lexiconSchema = lazySchema((z) => {
  const words = z.array(z.string().trim().min(1)).min(1);
  const perLang = <T extends z.ZodType>(t: T) => z.strictObject({ nb: t, nn: t, en: t });

  return z.strictObject({
    languageMarkers: perLang(words),
    numberWords: perLang(z.record(z.string(), z.number())),
    hourPhrases: z.array(z.strictObject({ phrase: z.string().min(1), hours: z.number().positive() })),
    hourUnits: words,
    halfWords: words,
    relativeDays: z.array(z.strictObject({ phrase: z.string().min(1), days: z.number().int() })),
    /** A time back from today ("for ni uker siden", "70 dagar sidan", "3 weeks ago"): units in days, and the words after. */
    timeAgo: z.strictObject({ units: z.record(z.string().min(1), z.number().int().positive()), ago: words, later: words, waited: words, longer: words }),
    nprNames: words,
    otherRegistries: words,
    linkageWords: words,
    /** Words saying an application is for one data source or several: prices and delivery times may depend on it. */
    sourceCountWords: z.strictObject({ one: words, several: words }),
    hourNames: perLang(z.tuple([z.string(), z.string()])),
    yesWords: words,
    /**
     * "How many …" of something the page gives no count of ("how many hip fracture patients does
     * NPR have?"): not documented; of the units it does give ("how many hours", "hvor mange dager") a topic.
     */
    countQuestions: z.strictObject({ words: words, requests: words, units: words }),
    /** Short forms written with a full stop ("saksbeh.", "ident.", "inkl."): the stop ends no sentence when a small letter follows. */
    abbreviations: words,
    /** "sorry, my mistake", "I meant": a correction of what the conversation said, however long. */
    correctionWords: words,
    /** "ok, takk": thanks for an answer, not a yes to "shall I open a case?". */
    acknowledgements: words,
    andWords: words,
    noWords: words,
    dateRoles: z.strictObject({ complete: words, received: words, sent: words }),
    nextWords: words,
    /** Words that lead a date written as day and month alone ("fra 14.12", "on 14.12"). */
    dateLeads: words,
    /** Before a weekday, this week's day ("this Friday"). */
    thisWords: words,
    /** Words after which a weekday is the last one, whatever the sentence supposes ("if received last Friday"). */
    lastWords: words,
    questionWords: perLang(words),
    whWords: words,
    /** Prepositions and hedges before a question word that opens a second question ("…, og fra hvilket år …", "…, and roughly what …"). */
    whPrepositions: words,
    requestWords: words,
    dataAnchors: words,
    researchAnchors: words,
    dayKindWords: words,
    formsWords: words,
    everydayWords: perLang(words),
    conditionalWords: words,
    dataTopic: z.strictObject({ introducers: words, joiners: words }),
    /** Bodies other than NPR whose own deadlines, prices and applications people ask about. */
    otherBodies: words,
    /** Words that deny what follows ("ikke statistikk", "not anonymous"). */
    negationWords: words,
    /** The writer saying a delivery time has passed ("fristen er jo passert"). */
    passedWords: words,
    /** Each kind of data asked for ("each", "begge"): the conversation's data category no longer holds. */
    eachWords: words,
    /** Words asking for the sum of several amounts ("til sammen", "in total"). */
    totalWords: words,
    /** Requests in the plural ("saker", "requests"): amounts of hours beside them are one per request. */
    requestsWords: words,
    /** Words as spoken in a dialect, written so ("ka", "kem", "koss"), and the written form they stand for. */
    spokenForms: z.record(z.string().min(1), z.string().min(1)),
    /** Someone who does research, named as who asks: a purpose the message names for the data outweighs it. */
    researcherWords: words,
    /** Words that turn from what was said ("men", "but"): a purpose named after one is the one meant. */
    contrastWords: words,
    /** Roles that are another purpose only by who they are ("kvalitetsteam"): research named for the data outweighs them. */
    otherPurposeRoles: words,
    /** Words after a data category that leave it open ("anonymous or not"): no category is named. */
    undecidedWords: words,
    /** Words saying someone has died: a deceased person's own data is not what the page covers. */
    deathWords: words,
    /** Words after which a year is a year of birth ("født i 1950"), not a year of care. */
    birthWords: words,
    /** One's own identity number named or pasted, with a request to look it up: the own-data route. */
    selfLookUp: z.strictObject({ identity: words, lookUp: words }),
    /** Why one is registered without consent: the law answers ("Hvorfor er jeg registrert uten at noen har spurt meg?"). */
    whyWithoutConsent: z.strictObject({ why: words, lawful: words, consent: words }),
    /** A relative whose data someone asks to see ("moren min", "my dad"): the page covers one's own data only. */
    relativeWords: words,
    /** The relative as the one who looks at her own data ("how she can see what's registered about her"). */
    relativeLooksHerself: words,
    /** A colleague relaying someone's question ("a user asks …", "hva skal jeg svare"): who asks, not what. */
    relayPhrases: words,
    /** Words that point back to what was just said ("og hva koster det?"). */
    backReferences: words,
    /** Joining words that are mostly adverbs ("Dekker NPR også …?"): they join two questions only before a question word. */
    alsoWords: words,
    /** Words of arithmetic between figures ("7 ganger 1100", "15 % av 2 300"): a sum to do. */
    arithmetic: z.strictObject({ operators: words, currencies: words, percent: words, percentOf: words, percentOfBack: words }),
    /** Openings of a request for a task (translate, write, compute): not a question the documentation answers. */
    taskRequests: words,
    /** A deadline word with "to"/"å" and one of the user's actions after it: someone's deadline to do something. */
    deadlineWords: words,
    userActions: words,
    /** The same things done, as nouns ("submissions", "innsending"). */
    userActionNouns: words,
    /** "How long": NPR's delivery time only beside one of the delivery words. */
    durationWords: words,
    deliveryWords: words,
    /** "The other kind" of data, after a delivery time for one category: the category with the other time. */
    otherKindWords: words,
    /** Nouns for questions: "whom do I contact with questions about …" asks whom to ask, whatever the purpose. */
    questionNouns: words,
    /** Words after which a question names what it is about ("søke om …", "time hos …", "apply for …"). */
    objectIntroducers: words,
    injection: z.strictObject({ phrases: words, overrideVerbs: words, overrideObjects: words }),
    /** A verb of asking for data with its object just after it ("kan vi få tall fra NPR"): a way to data is asked. */
    dataRequests: z.strictObject({ verbs: words, askingNpr: words, objects: words }),
    /** Kinds of care ("fastlege", "outpatient"): whether NPR holds them is what it contains. */
    careSettings: words,
    /** The least an invoice can be: with no hours, the price of the minimum hours. */
    minimumWords: words,
    /** Asking for a date: beside the day an application came in, the delivery date asked. */
    dateQuestions: words,
    /** Words that, just after an own-data term, make it about something else ("my data request"). */
    ownDataExceptions: words,
    /** Wanting to know, then a question word or "whether" a word or two later: what a vague question asks. */
    wantToKnow: z.strictObject({ phrases: words, whether: words }),
    /** Living outside Norway: whether such a person is in NPR is whom it covers, then one's own data. */
    livingAbroad: words,
    /** A short sentence asking for answers to the questions before it ("Kan du svare på begge deler?"): no question of its own. */
    bothPointers: words,
    /** A short question what to answer, after a sentence relaying two questions: both are asked. */
    answerPointers: words,
  });
});
export type Lexicon = z.infer<ReturnType<typeof lexiconSchema>>;

export function loadLexicon(path: string, root = process.cwd()): Lexicon {
  const source = new YamlSource(relative(root, path), readFileSync(path, 'utf8'));
  const { value, problems } = source.parse(lexiconSchema());
  if (!value) throw new DataError(problems);
  return value;
}
