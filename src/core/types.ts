/** Languages the bot understands and answers in. */
export const LANGS = ['nb', 'nn', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export interface Source {
  title: string;
  url: string;
  /** The day the answer's facts were last checked against this source (YYYY-MM-DD). */
  checked: string;
}

/** A question as a channel hands it to the core. */
export interface Message {
  /** Thread or conversation the question belongs to; follow-ups share it. */
  conversationId: string;
  text: string;
}

/** A computed value shown in an answer, e.g. a price or a due date. */
export interface Figure {
  name: string;
  /** As written in the answer text. */
  display: string;
}

/** The answer JSON of the intent catalogue, one object per line. */
export interface AnswerJson {
  /** The question after normalisation and redaction: safe to show, log or store. */
  question: string;
  lang: Lang;
  intent: string;
  confidence: number;
  text: string;
  sources: Source[];
  handoff: boolean;
  route: string | null;
  rule: string | null;
}

/** The core's answer to one message; channels render it, the CLI prints its contract part. */
export interface Reply extends AnswerJson {
  figures: Figure[];
  /** Identity numbers removed from the question. */
  redactions: number;
  /** Intents offered when the bot asks which one the user meant. */
  alternatives: string[];
  /** A prefilled e-mail to the registry, offered where the answer sends the user there. */
  mailto?: string;
  /** Set when the user has agreed to a support case: what the support team needs to open it. */
  caseRequest?: CaseRequest;
}

export interface CaseRequest {
  reason: 'asked' | 'button' | 'unanswered' | 'needs_person';
  /** When the bot made the offer this answers: one offer opens at most one case, however many yeses. */
  offeredAt: string;
  transcript: { role: 'user' | 'bot'; text: string }[];
  findings: Seen;
}

/** What a conversation has named so far: the summary a support case starts from. */
export interface Seen {
  intents: string[];
  registries: string[];
  dates: string[];
  purpose?: string;
  category?: string;
  hours?: number;
}

export function toAnswerJson(reply: Reply): AnswerJson {
  const { question, lang, intent, confidence, text, sources, handoff, route, rule } = reply;
  return { question, lang, intent, confidence, text, sources, handoff, route, rule };
}
