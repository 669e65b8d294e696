import type { ConversationState } from './state/store.js';
import type { Understanding } from './understand/understand.js';
import { PURPOSE_ROUTES } from './answer/rules/routing.js';
import type { Day } from './understand/slots.js';

/** Below this confidence the bot says it cannot answer rather than guess. */
export const FALLBACK_BELOW = 0.3;
/** When the runner-up scores at least this share of the best, the two are too close to call: the bot asks which. */
export const CLARIFY_RATIO = 0.9;
/** Two topics the question names by keyword and joins with "og"/"and" are both answered when the second scores this share of the first. */
export const BOTH_RATIO = 0.6;
/** Longer than this, a message that greets or thanks also asks something. */
const SMALL_TALK_WORDS = 6;
/** Intents that are answers to a topic, not conversation. */
const NOT_A_TOPIC = new Set(['fallback', 'greeting', 'thanks', 'help', 'handoff']);

/**
 * A message that gives a figure continues the previous price or deadline question when it is
 * short, or when nothing else clearly outranks that question.
 */
const FOLLOW_UP_MAX_WORDS = 8;
const FOLLOW_UP_UNLESS_CONFIDENT = 0.6;
/** A follow-up is answered with at least this confidence: the conversation settles it. */
const FOLLOW_UP_CONFIDENCE = 0.8;

/** Intents whose answer a later message can complete with a figure. */
const COMPLETABLE = new Set(['pricing', 'deadlines']);
/** Intents that may name another registry and still be about NPR. */
const ABOUT_OTHERS_TOO = new Set(['handoff', 'contact', 'greeting', 'thanks', 'help', 'own_data']);
/** Intents where a stated purpose decides the route. */
const ROUTED_BY_PURPOSE = new Set(['apply_research', 'apply_non_research', 'access_criteria', 'contact']);

export interface Decision {
  intent: string;
  confidence: number;
  /** A second question in the same message, answered after the first. */
  also?: Decision;
  /** Two intents to offer when the question could be either. */
  alternatives?: [string, string];
  hours?: number;
  received?: Day;
  category?: string;
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Chooses the intent to answer, using the conversation so far for follow-ups. */
export function decide(u: Understanding, state: ConversationState | undefined): Decision {
  const { ranking, confidence } = u.classification;
  const top = ranking[0];
  const previous = state?.intent && COMPLETABLE.has(state.intent) ? state.intent : undefined;
  const received = u.received;

  // A follow-up: a short message giving what the previous question lacked.
  const gives = {
    pricing: u.hours !== undefined || u.bareNumber !== undefined,
    deadlines: received !== undefined || u.category !== undefined,
  };
  if (previous && gives[previous as keyof typeof gives] && (top?.intent === previous || confidence < FOLLOW_UP_UNLESS_CONFIDENT || u.tokens.length <= FOLLOW_UP_MAX_WORDS)) {
    return previous === 'pricing'
      ? { intent: 'pricing', confidence: round(Math.max(confidence, FOLLOW_UP_CONFIDENCE)), hours: u.hours ?? u.bareNumber }
      : {
          intent: 'deadlines',
          confidence: round(Math.max(confidence, FOLLOW_UP_CONFIDENCE)),
          received: received ?? (state?.received ? new Date(`${state.received}T00:00:00Z`) : undefined),
          category: u.category ?? state?.category,
        };
  }

  if (!top) return { intent: 'fallback', confidence: 0 };
  // "Hei! Vi skal … Hvem kan jeg spørre?": a greeting or thanks in front of a question is manners,
  // the question is what to answer
  const smallTalk = (r?: { intent: string }) => r?.intent === 'greeting' || r?.intent === 'thanks';
  const smallTalkFirst = smallTalk(top) && u.tokens.length > SMALL_TALK_WORDS && ranking[1] !== undefined && !NOT_A_TOPIC.has(ranking[1].intent);
  const [first, second] = smallTalkFirst ? ranking.slice(1) : ranking;
  if (!first) return { intent: 'fallback', confidence: 0 };
  let intent = first.intent;
  const conf = confidence;

  // A how-to-apply question that states a purpose gets the route for that purpose. Research is
  // the default route, so only other purposes redirect access and contact questions.
  const routed =
    u.purpose !== undefined &&
    ROUTED_BY_PURPOSE.has(intent) &&
    (intent.startsWith('apply_') || u.purpose !== 'research');
  if (routed) intent = PURPOSE_ROUTES[u.purpose!].intent;
  // Another registry's prices, deadlines or contents are not in the knowledge.
  if (u.namesOtherRegistry && !u.namesNpr && !u.namesLinkage && !ABOUT_OTHERS_TOO.has(intent)) {
    return { intent: 'fallback', confidence: round(Math.max(conf, 0.5)) };
  }
  if (conf < FALLBACK_BELOW) return { intent: 'fallback', confidence: round(conf) };

  const slotsFor = (i: string): Decision =>
    i === 'pricing'
      ? { intent: i, confidence: round(conf), hours: u.hours }
      : i === 'deadlines'
        ? { intent: i, confidence: round(conf), received, category: u.category }
        : { intent: i, confidence: round(conf) };
  // "hva koster det og hvor lang tid tar det?": both topics named by keyword, so both answered
  const { keywordIntents } = u.classification;
  if (
    second &&
    !routed &&
    u.joinsQuestions &&
    second.score >= first.score * BOTH_RATIO &&
    !NOT_A_TOPIC.has(intent) &&
    !NOT_A_TOPIC.has(second.intent) &&
    keywordIntents.includes(first.intent) &&
    keywordIntents.includes(second.intent)
  ) {
    const [asked, then] = keywordIntents.indexOf(intent) <= keywordIntents.indexOf(second.intent) ? [intent, second.intent] : [second.intent, intent];
    return { ...slotsFor(asked), also: slotsFor(then) };
  }
  // figures that fit the best intent settle it: "12 t" is about price
  const settledByFigures = (intent === 'pricing' && u.hours !== undefined) || (intent === 'deadlines' && (received !== undefined || u.category !== undefined));
  // a keyword only the best intent has settles it too: "is there a fee …" is about price
  const settledByKeyword = keywordIntents.includes(first.intent) && !keywordIntents.includes(second?.intent ?? '');
  if (
    second &&
    !routed &&
    !settledByFigures &&
    !settledByKeyword &&
    second.score >= first.score * CLARIFY_RATIO &&
    first.intent !== 'fallback' &&
    second.intent !== 'fallback'
  ) {
    return { intent, confidence: round(conf), alternatives: [first.intent, second.intent] };
  }

  return slotsFor(intent);
}
