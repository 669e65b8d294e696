import type { Figure, Lang, Reply, Source } from '../types.js';
import type { Lexicon } from '../lexicon.js';
import type { IntentDef } from '../intents/schema.js';
import { entry, type KnowledgeBase } from '../knowledge/entry.js';
import { formatDate, formatNok, formatNumber, type Value } from '../knowledge/format.js';
import type { PriceFacts } from '../knowledge/schema.js';
import { mergeSources, render, type Rendered } from '../knowledge/render.js';
import { MAX_QUESTION_CHARS } from '../understand/normalise.js';
import type { Answer, Decision, FallbackKind } from '../decide.js';
import type { Understanding } from '../understand/understand.js';
import { estimatePrice, estimateTotal, hasBaseFee, rateWithVat, type PriceEstimate } from './rules/pricing.js';
import { mailtoLink } from './mailto.js';
import { DeliveryTimes, dueName, type SourceCount } from './rules/deadlines.js';
import { isWeekend, publicHoliday } from './rules/calendar.js';
import type { Day } from '../understand/slots.js';

interface Composed extends Rendered {
  rule: string | null;
  route: string | null;
  figures: Figure[];
}

/** Intents that send the user somewhere: the rule that answers, and the fact naming where. */
export const ROUTES: Record<string, { rule: string | null; fact: [entry: string, fact: string] }> = {
  apply_research: { rule: 'routing.research', fact: ['applying', 'formsUrl'] },
  apply_non_research: { rule: 'routing.non_research', fact: ['contact', 'email'] },
  own_data: { rule: 'routing.own_data', fact: ['own-data', 'site'] },
  contact: { rule: null, fact: ['contact', 'email'] },
  fallback: { rule: null, fact: ['contact', 'email'] },
};

/** Words channels put around an answer: buttons and headings, from knowledge/bot/labels.md. */
export const LABELS = [
  'sources',
  'source-checked',
  'helpful',
  'not-helpful',
  'support',
  'post-to-channel',
  'asked',
  'home-title',
  'figure-billedHours',
  'figure-excl',
  'figure-incl',
  'figure-exclOne',
  'figure-inclOne',
  'figure-exclSeveral',
  'figure-inclSeveral',
  'figure-due',
  'support-case',
  'support-status-open',
  'support-status-claimed',
  'support-status-resolved',
  'support-status-forwarded',
  'support-reason-asked',
  'support-reason-button',
  'support-reason-unanswered',
  'support-reason-needs_person',
  'support-findings',
  'support-transcript',
  'support-claim',
  'support-resolve',
  'support-forward',
  'support-mailto',
  'support-forwarded',
  'support-registered',
  'support-register-refused',
  'support-undelivered',
  'write-email',
] as const;
export type Label = (typeof LABELS)[number];

export type HandoffVariant = 'offer' | 'overdue' | 'confirmed' | 'opened' | 'declined' | 'relayed' | 'agent-reply' | 'resolved' | 'mail-subject' | 'mail-body' | 'unavailable';

/** What a user can do with an answer besides asking again. */
export type UserAction = 'helpful' | 'not_helpful' | 'handoff' | 'help';

/**
 * A rendered text with what the rule computed. Built field by field: an object spread with extra
 * fields takes V8's slow path, and this runs for every answer.
 */
const composed = (rendered: Rendered, rule: string | null = null, figures: Figure[] = [], route: string | null = null): Composed => ({
  text: rendered.text,
  sources: rendered.sources,
  rule,
  route,
  figures,
});
/** An answer that computes nothing and sends nowhere. */
const plain = (rendered: Rendered): Composed => composed(rendered);

/** Whether an object has an own enumerable property: `Object.keys(o).length > 0` without the array. */
function hasAny(o: object): boolean {
  for (const key in o) if (Object.hasOwn(o, key)) return true;
  return false;
}

/** Builds answers from knowledge entries through the intent's rule; no answer text lives in code. */
export class Composer {
  private readonly intents: Map<string, IntentDef>;
  private readonly deliveryTimes: DeliveryTimes;
  /** The name each delivery time's due date goes by in a template ("dueIdentifiable"). */
  private readonly dueNames: Map<string, string>;
  private readonly routes: Map<string, { rule: string | null; route: string }>;

  constructor(
    private readonly kb: KnowledgeBase,
    private readonly lexicon: Lexicon,
    intents: readonly IntentDef[],
    /** The price entry's facts, typed when the files were read (BotData). */
    private readonly priceFacts: PriceFacts,
  ) {
    this.intents = new Map(intents.map((i) => [i.intent, i]));
    this.deliveryTimes = new DeliveryTimes(entry(kb, 'deadlines'));
    this.dueNames = new Map([...this.deliveryTimes.all.keys()].map((name) => [name, dueName(name)]));
    this.routes = new Map(
      Object.entries(ROUTES).map(([intent, { rule, fact: [id, fact] }]) => [intent, { rule, route: String(entry(kb, id).facts[fact]) }]),
    );
  }

  /** Texts without values from a rule are the same every time: rendered once. */
  private readonly rendered = new Map<string, Rendered>();

  private render(id: string, lang: Lang, variant?: string, vars?: Record<string, Value>): Rendered {
    if (vars && hasAny(vars)) return render(this.kb, this.lexicon, id, lang, variant, vars);
    const key = `${id} ${lang} ${variant ?? ''}`;
    let found = this.rendered.get(key);
    if (!found) this.rendered.set(key, (found = render(this.kb, this.lexicon, id, lang, variant)));
    return found;
  }

  private knowledgeOf(intent: string): string {
    const def = this.intents.get(intent);
    if (!def) throw new Error(`intent "${intent}" has no file in intents/`);
    return def.answer.knowledge;
  }

  title(intent: string, lang: Lang): string {
    const titles = entry(this.kb, this.knowledgeOf(intent)).titles;
    return (lang === 'en' ? titles.en : titles[lang]) ?? titles.nb;
  }

  private pricing(d: Answer, lang: Lang): Composed {
    if (d.freeCase) return composed(this.render('price', lang, `free-${d.freeCase}`), 'pricing.free');
    const facts = this.priceFacts;
    // the least an invoice can be, asked with no hours: the price of the minimum hours, computed
    const hours = d.hours ?? (d.minimum ? facts.minimumHours : undefined);
    if (hours === undefined) return composed(this.render('price', lang, undefined, { rateIncl: rateWithVat(this.priceFacts) }), 'pricing.rate');
    if (d.hoursEach && !hasBaseFee(facts)) return this.pricingTotal(d.hoursEach, lang);
    const minimum = d.hours === undefined;
    // with a base fee by number of sources, and the question not saying, both prices are given
    const counts: SourceCount[] = !hasBaseFee(facts) ? ['one'] : d.sourceCount ? [d.sourceCount] : ['one', 'several'];
    const [first, second] = counts.map((c) => estimatePrice(facts, hours, c)) as [PriceEstimate, PriceEstimate?];
    const lead = minimum ? this.render('price', lang, 'minimum').text : first.raisedBy ? this.render('price', lang, `estimate-${first.raisedBy === 'minimum' ? 'minimum' : 'started'}`, { hours: first.hours, billedHours: first.billedHours, rateIncl: rateWithVat(facts) }).text : undefined;
    const figures: Figure[] = [{ name: 'billedHours', display: formatNumber(first.billedHours, lang) }];
    let calculation: Rendered;
    if (!hasBaseFee(facts)) {
      calculation = this.render('price', lang, 'estimate', { billedHours: first.billedHours, excl: first.excl, incl: first.incl });
    } else if (!second) {
      calculation = this.render('price', lang, `estimate-${counts[0]}`, { billedHours: first.billedHours, baseFee: first.baseFee!, excl: first.excl, incl: first.incl });
    } else {
      calculation = this.render('price', lang, 'estimate-both', {
        billedHours: first.billedHours,
        baseFeeOne: first.baseFee!,
        exclOne: first.excl,
        inclOne: first.incl,
        baseFeeSeveral: second.baseFee!,
        exclSeveral: second.excl,
        inclSeveral: second.incl,
      });
    }
    const amounts: [string, number][] = second
      ? [['exclOne', first.excl], ['inclOne', first.incl], ['exclSeveral', second.excl], ['inclSeveral', second.incl]]
      : [['excl', first.excl], ['incl', first.incl]];
    for (const [name, nok] of amounts) figures.push({ name, display: formatNok(nok, lang) });
    const text = lead ? `${lead} ${calculation.text}` : calculation.text;
    return composed({ text, sources: calculation.sources }, 'pricing.estimate', figures);
  }

  /** The total of several requests' invoices, each of its hours under the terms (at least the minimum each). */
  private pricingTotal(hoursEach: readonly number[], lang: Lang): Composed {
    const { each, billedHours, excl, incl } = estimateTotal(this.priceFacts, hoursEach);
    const sum = each.map((e) => formatNumber(e.billedHours, lang)).join(' + ');
    const raised = each.some((e) => e.raisedBy !== undefined);
    const calculation = this.render('price', lang, raised ? 'estimate-total-minimum' : 'estimate-total', { requests: each.length, sum, billedHours, excl, incl });
    const figures: Figure[] = [
      { name: 'billedHours', display: formatNumber(billedHours, lang) },
      { name: 'excl', display: formatNok(excl, lang) },
      { name: 'incl', display: formatNok(incl, lang) },
    ];
    return composed(calculation, 'pricing.estimate', figures);
  }

  /** Calendar days may end on a weekend or a public holiday: the answer says so for each date. */
  private dateNotes(dues: Day[], lang: Lang): string[] {
    if (this.deliveryTimes.count !== 'calendar') return [];
    const notes: string[] = [];
    for (const due of dues) {
      const holiday = publicHoliday(due, lang);
      if (holiday) notes.push(this.render('deadlines', lang, 'falls-on-holiday', { due, holiday }).text);
      else if (isWeekend(due)) notes.push(this.render('deadlines', lang, 'falls-on-weekend', { due }).text);
    }
    return notes;
  }

  private deadlines(d: Answer, lang: Lang): Composed {
    const times = this.deliveryTimes;
    if (d.dayKind && !d.received) {
      // what the knowledge says of the kind of days, and nothing more
      return composed(this.render('deadlines', lang, 'day-kind'), 'deadlines.day_kind');
    }
    const fact = times.factFor(d.category, d.sourceCount);
    const days = fact ? times.all.get(fact) : undefined;
    if (d.received && days !== undefined) {
      const due = times.due(d.received, days);
      const rendered = this.render('deadlines', lang, 'date', { received: d.received, days, due });
      const text = [rendered.text, ...this.dateNotes([due], lang)].join(' ');
      return composed({ text, sources: rendered.sources }, 'deadlines.date', [{ name: 'due', display: formatDate(due, lang) }]);
    }
    if (d.received) {
      const dues = [...times.all].map(([name, n]) => [this.dueNames.get(name)!, times.due(d.received!, n)] as const);
      // the values one by one: a spread of entries into a literal makes an object V8 reads slowly
      const vars: Record<string, Value> = { received: d.received };
      for (const [name, due] of dues) vars[name] = due;
      const rendered = this.render('deadlines', lang, 'date-both', vars);
      const text = [rendered.text, ...this.dateNotes(dues.map(([, due]) => due), lang)].join('\n');
      return composed({ text, sources: rendered.sources }, 'deadlines.date', dues.map(([name, due]) => ({ name, display: formatDate(due, lang) })));
    }
    if (d.category && days !== undefined && !times.bySources) {
      const why = this.render('deadlines', lang, `why-${d.category}`).text;
      return composed(this.render('deadlines', lang, 'category', { why, days }), 'deadlines.category');
    }
    return composed(this.render('deadlines', lang), 'deadlines.both');
  }

  /** The fallback's text for why it cannot answer; refusals and out-of-scope answers cite nothing. */
  private fallback(kind: FallbackKind | undefined, lang: Lang): Composed {
    const variant = kind === 'not_documented' ? 'not-documented' : kind === 'refusal' ? 'refusal' : undefined;
    const rendered = this.render('fallback', lang, variant);
    return { text: rendered.text, sources: [], rule: `fallback.${kind ?? 'out_of_scope'}`, route: kind === 'refusal' ? null : this.routes.get('fallback')!.route, figures: [] };
  }

  /** Whether the delivery time for a complete application has passed: all of them when the category is not known. */
  readonly deadlinePassed = (received: Day, category: string | undefined, sourceCount: SourceCount | undefined, today: Day): boolean =>
    this.deliveryTimes.passed(received, category, sourceCount, today);

  private compose(d: Answer, lang: Lang): Composed {
    if (d.intent === 'fallback') return this.fallback(d.fallback, lang);
    if (d.overdue) {
      // when it fell, from the rule; then that a person should look at it
      const due = this.deadlines(d, lang);
      return { text: `${due.text}\n\n${this.handoffText('overdue', lang)}`, sources: due.sources, rule: `${d.intent}.overdue`, route: null, figures: due.figures };
    }
    if (d.alternatives) {
      // mid-sentence: "pris for data fra NPR", keeping the names' capitals
      const [first, second] = d.alternatives.map((i) => this.title(i, lang).replace(/^\p{Lu}(?!\p{Lu})/u, (c) => c.toLowerCase())) as [string, string];
      return plain(this.render('clarify', lang, undefined, { first, second }));
    }
    if (d.intent === 'pricing') return this.pricing(d, lang);
    if (d.intent === 'deadlines') return this.deadlines(d, lang);
    const rendered = this.render(this.knowledgeOf(d.intent), lang, d.notTheForms ? 'not-the-forms' : undefined);
    const route = this.routes.get(d.intent);
    return route ? composed(rendered, route.rule, [], route.route) : plain(rendered);
  }

  /** A support-case text from knowledge/bot/handoff.md: an offer, a confirmation, a case number. */
  handoffText(variant: HandoffVariant, lang: Lang, vars: Record<string, Value> = {}): string {
    return this.render('handoff', lang, variant, vars).text;
  }

  /** The prefilled e-mail offered with a non-research answer, the user's question in it. */
  private nonResearchMail(question: string, lang: Lang): string {
    return mailtoLink({
      to: this.routes.get('apply_non_research')!.route,
      subject: this.render('non-research', lang, 'mail-subject').text,
      text: this.render('non-research', lang, 'mail-body', { question }).text,
    });
  }

  label(name: Label, lang: Lang, vars: Record<string, Value> = {}): string {
    return this.render('labels', lang, name, vars).text;
  }

  /** The reply to a button or a welcome: feedback is acknowledged, "talk to support" answers as a handoff. */
  action(action: UserAction, lang: Lang): Reply {
    const intent = action === 'handoff' || action === 'help' ? action : 'thanks';
    const c =
      intent === 'thanks'
        ? plain(this.render('feedback', lang, action === 'not_helpful' ? 'not-helpful' : undefined))
        : this.compose({ intent, confidence: 1 }, lang);
    return {
      text: c.text,
      sources: c.sources,
      rule: c.rule,
      route: c.route,
      figures: c.figures,
      question: '',
      lang,
      intent,
      confidence: 1,
      handoff: action === 'handoff',
      redactions: 0,
      alternatives: [],
    };
  }

  /** One answer, or several in a row when the message asked several things. */
  private composeAll(d: Decision, lang: Lang): Composed {
    const all = d.answers.map((a) => this.compose(a, lang));
    if (all.length === 1) return all[0]!;
    return {
      text: all.map((c) => c.text).join('\n\n'),
      sources: mergeSources(...all.map((c) => c.sources)),
      rule: all.find((c) => c.rule)?.rule ?? null,
      route: all.find((c) => c.route)?.route ?? null,
      figures: all.flatMap((c) => c.figures),
    };
  }

  /** The reply to an understood message; notices about redaction or length frame the answer. */
  reply(u: Understanding, d: Decision, lang: Lang): Reply {
    const main = u.readable ? this.composeAll(d, lang) : plain(this.render('empty', lang));
    const parts: string[] = [];
    if (u.redactions > 0) parts.push(this.render('privacy', lang).text);
    if (d.instructionsIgnored) parts.push(this.render('instructions-ignored', lang).text);
    parts.push(main.text);
    if (u.truncated) parts.push(this.render('truncated', lang, undefined, { limit: MAX_QUESTION_CHARS }).text);
    const sources = main.sources;
    const [first] = d.answers;
    const intent = first?.intent ?? 'fallback';
    const mailto = d.answers.some((a) => a.intent === 'apply_non_research') && u.readable ? this.nonResearchMail(u.text, lang) : undefined;
    const reply: Reply = {
      question: u.text,
      lang,
      intent: u.readable ? intent : 'fallback',
      confidence: u.readable ? (first?.confidence ?? 0) : 0,
      text: parts.join('\n\n'),
      sources,
      handoff: intent === 'handoff' && u.readable,
      route: main.route,
      rule: u.readable ? main.rule : 'fallback.empty',
      figures: main.figures,
      redactions: u.redactions,
      alternatives: first?.alternatives ?? [],
    };
    if (mailto) reply.mailto = mailto;
    return reply;
  }
}
