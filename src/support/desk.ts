import type { Bot } from '../core/bot.js';
import type { Clock } from '../core/clock.js';
import type { Reply } from '../core/types.js';
import type { Db } from '../store/db.js';
import { CaseStore, type CaseRecord } from '../store/cases.js';
import { DbConversationStore } from '../store/conversations.js';
import { LearningLog } from '../store/learning.js';
import { enqueue, type NewDelivery, type OutboxItem } from '../store/outbox.js';
import { Settings } from '../store/settings.js';
import type { Logger } from '../log.js';
import { mailtoLink, type Mail, type Mailer } from './mail.js';
import { SUPPORT_LANG, summarise, type CaseSummary } from './summary.js';
import { address, teamsAddress, type Address, type InboundEvent, type TeamsAddress } from './events.js';

/** How an answer is shown: with buttons, with the question above it, with "post to channel". */
export interface ReplyOptions {
  buttons: boolean;
  showQuestion?: boolean;
  postToChannel?: boolean;
  /** The conversation the buttons belong to. */
  conversation: string;
}

/** What a platform does for the desk's deliveries; the outbox calls these, with retries. */
export interface Platform {
  /** An answer, rendered for the platform. */
  reply(to: Address, reply: Reply, options: ReplyOptions, item: OutboxItem): Promise<void>;
  /** A short text: a note to an agent, a feedback thank-you, a message to a user from their case. */
  text(to: Address, text: string, item: OutboxItem): Promise<void>;
  /** Slack's App Home. */
  home?(user: string): Promise<void>;
  /** Posts a new case where the support team works (`where`: a registered channel, for platforms that register one); returns where it landed (with a unique `key`). */
  postCase?(where: Address | undefined, c: CaseRecord, summary: CaseSummary, item: OutboxItem): Promise<Record<string, unknown> & { key: string }>;
  /** Refreshes a posted case after a status change. */
  updateCase?(ref: Record<string, unknown>, c: CaseRecord, summary: CaseSummary): Promise<void>;
  /** Posts a message in a case's support thread. */
  postInCase?(ref: Record<string, unknown>, text: string, item: OutboxItem): Promise<void>;
  /** Posts a notice where the support team works (not about one case). */
  notice?(where: Address | undefined, text: string, item: OutboxItem): Promise<void>;
  /** Whether an earlier attempt at an item reached the platform (for items whose outcome was unknown). */
  wasDelivered?(item: OutboxItem): Promise<boolean>;
}

export type CaseAction = 'claim' | 'resolve' | 'forward';

/** Messages in a case thread that stay with the support team. */
export const INTERNAL_NOTE = /^\s*(\/\/|\(intern\)|\(internal\))/i;

/** The setting that remembers the Teams channel where a support agent ran "register support channel". */
export const TEAMS_SUPPORT_CHANNEL = 'teams.supportChannel';

/** What a user's message came to, for the log line and the metrics: never its text. */
export interface Handled {
  /** The intent answered, or `relayed` for a message passed on to the user's open case. */
  intent: string;
  confidence: number;
  rule: string | null;
  lang: string;
  fallback: boolean;
}

/** Handling can wait for something on its way (a case post whose thread is not known yet): try again soon. */
export class NotYet extends Error {
  readonly code = 'npr_bot_not_yet';
}

export interface DeskOptions {
  bot: Bot;
  db: Db;
  clock: Clock;
  log: Logger;
  mailer?: Mailer;
  /** Forwarded cases go here. */
  mailTo: string;
  /** The Slack support channel (C…), when Slack runs and one is set. */
  slackSupportChannel?: string;
  /** Teams runs: a registered Teams channel can be the support side. */
  teamsOn: boolean;
  /** Who may register the Teams support channel; empty: whoever registers first. */
  teamsAdmins: readonly string[];
}

/** The transaction an event is handled in, with the stores bound to it and a counter for its deliveries' keys. */
interface Handling {
  tx: Db;
  event: InboundEvent;
  cases: CaseStore;
  settings: Settings;
  deliveries: number;
}

/**
 * The one door every event comes through, whatever the platform: it answers, opens and works
 * cases, and queues every delivery (answers, support posts, case updates, mail) in the outbox in
 * the transaction that handles the event, so an event is handled once and what it sets off is
 * delivered once. Authorisation (what only the support channel may do) lives here, once.
 */
export class SupportDesk {
  private readonly platforms = new Map<string, Platform>();

  constructor(private readonly o: DeskOptions) {}

  register(name: 'slack' | 'teams', platform: Platform): void {
    this.platforms.set(name, platform);
  }

  /** Cases, read outside any event: for the report and tests. */
  get cases(): CaseStore {
    return new CaseStore(this.o.db, this.o.clock);
  }

  /**
   * Handles one recorded event inside `tx`; for a user's question, says what it came to. Throws
   * `NotYet` when it must wait for something on its way.
   */
  async handle(tx: Db, event: InboundEvent): Promise<Handled | undefined> {
    const h: Handling = { tx, event, cases: new CaseStore(tx, this.o.clock), settings: new Settings(tx, this.o.clock), deliveries: 0 };
    switch (event.type) {
      case 'message':
      case 'command':
        return this.onQuestion(h, event);
      case 'button':
        await this.onButton(h, event);
        return undefined;
      case 'agent_reply':
        await this.onAgentReply(h, event);
        return undefined;
      case 'case_action':
        await this.onCaseAction(h, event);
        return undefined;
      case 'register_support':
        await this.onRegister(h, event);
        return undefined;
      case 'welcome': {
        const reply = await this.o.bot.act(event.conversation, 'help', this.store(h), event.lang);
        await this.queue(h, { kind: 'reply', orderKey: event.conversation, to: event.to, payload: { reply, options: { buttons: false, conversation: event.conversation } } });
        return undefined;
      }
      case 'home':
        await this.queue(h, { kind: 'home', orderKey: `home:${event.user}`, payload: { user: event.user } });
        return undefined;
    }
  }

  private store(h: Handling) {
    return new DbConversationStore(h.tx, this.o.clock);
  }

  /** Queues a delivery, keyed by the event and its place among the event's deliveries. */
  private async queue(h: Handling, d: Omit<NewDelivery, 'key'> & { to?: Address }): Promise<void> {
    await enqueue(h.tx, this.o.clock, { ...d, key: `${h.event.key}#${h.deliveries++}` });
  }

  /** Where support cases go now: the Slack channel, or a registered Teams channel. */
  private async supportPlatform(settings: Settings): Promise<'slack' | 'teams' | undefined> {
    if (this.o.slackSupportChannel && this.platforms.has('slack')) return 'slack';
    if (this.o.teamsOn && (await settings.get(TEAMS_SUPPORT_CHANNEL))) return 'teams';
    return undefined;
  }

  /** The registered Teams support channel, as an address. */
  private async teamsSupport(settings: Settings): Promise<Address | undefined> {
    const ref = await settings.get<TeamsAddress['ref']>(TEAMS_SUPPORT_CHANNEL);
    return ref ? { platform: 'teams', ref } : undefined;
  }

  /** Whether a place (a Slack channel id, a Teams channel's conversation id) is where the support team works. */
  private async isSupportChannel(settings: Settings, platform: 'slack' | 'teams', where: string): Promise<boolean> {
    if (platform === 'slack') return !!this.o.slackSupportChannel && where === this.o.slackSupportChannel;
    const registered = await settings.get<TeamsAddress['ref']>(TEAMS_SUPPORT_CHANNEL);
    return registered?.conversation.id === where;
  }

  /** A user's question: to the support team while their case is open; otherwise the bot answers, and a "yes" to its offer opens a case. */
  private async onQuestion(h: Handling, e: Extract<InboundEvent, { type: 'message' | 'command' }>): Promise<Handled | undefined> {
    const { bot } = this.o;
    if (e.type === 'message' && e.channel && (await this.isSupportChannel(h.settings, e.platform, e.channel.where))) {
      // in the support channel: an agent's reply in a case thread, or the team's own talk
      await this.onAgentReply(h, { key: e.key, platform: e.platform, type: 'agent_reply', supportKey: e.conversation, where: e.channel.where, agent: e.channel.agent, text: e.text });
      return undefined;
    }
    const active = await h.cases.activeFor(e.conversation);
    const options: ReplyOptions = e.type === 'command' ? { buttons: true, showQuestion: true, postToChannel: true, conversation: e.conversation } : { buttons: true, conversation: e.conversation };
    if (active) {
      const u = bot.reader.read(e.text, this.o.clock.now());
      await h.cases.addEvent(active.id, 'user_message', 'user', u.text);
      await this.queue(h, { kind: 'case_relay', orderKey: `case:${active.id}`, caseId: active.id, payload: { text: u.text } });
      const text = bot.handoffText('relayed', active.lang, { caseNumber: active.number });
      await this.queue(h, { kind: 'text', orderKey: e.conversation, to: e.to, payload: { text } });
      return { intent: 'relayed', confidence: 1, rule: null, lang: active.lang, fallback: false };
    }
    let reply = await bot.answer({ conversationId: e.conversation, text: e.text }, this.store(h));
    if (reply.intent === 'fallback' || reply.confidence < 0.5) {
      await new LearningLog(h.tx, this.o.clock).unanswered(e.conversation, reply.question, reply.lang, reply.intent, reply.confidence);
    }
    if (reply.caseRequest) {
      const request = reply.caseRequest;
      if (!(await this.supportPlatform(h.settings))) {
        // with no support channel anywhere a case would wait unread: send the user to the registry instead
        reply = { ...reply, handoff: false, caseRequest: undefined, text: bot.handoffText('unavailable', reply.lang) };
      } else {
        const { case: c, created } = await h.cases.open({
          requestKey: `${e.conversation}:offer:${request.offeredAt}`,
          channel: e.platform,
          conversationId: e.conversation,
          // later messages from the case reach the user here; for /npr, by direct message
          conversationRef: e.type === 'command' ? e.later : e.to,
          lang: reply.lang,
          findings: { reason: request.reason, ...request.findings },
          transcript: request.transcript,
        });
        if (created) await this.queue(h, { kind: 'case_post', orderKey: `case:${c.id}`, caseId: c.id, payload: {} });
        reply = { ...reply, text: bot.handoffText('opened', reply.lang, { caseNumber: c.number }) };
      }
    }
    await this.queue(h, { kind: 'reply', orderKey: e.conversation, to: e.to, payload: { reply, options } });
    return { intent: reply.intent, confidence: reply.confidence, rule: reply.rule, lang: reply.lang, fallback: reply.intent === 'fallback' };
  }

  private async onButton(h: Handling, e: Extract<InboundEvent, { type: 'button' }>): Promise<void> {
    const { bot } = this.o;
    if (e.action === 'support') {
      const reply = await bot.act(e.conversation, 'handoff', this.store(h));
      await this.queue(h, { kind: 'reply', orderKey: e.conversation, to: e.to, payload: { reply, options: { buttons: true, conversation: e.conversation } } });
      return;
    }
    if (e.action === 'post_to_channel') {
      if (!e.channel) return;
      const shared = `${e.conversation}:shared`;
      const reply = await bot.answer({ conversationId: shared, text: e.question ?? '' }, this.store(h));
      await this.queue(h, { kind: 'reply', orderKey: shared, to: e.channel, payload: { reply, options: { buttons: true, showQuestion: true, conversation: shared } } });
      return;
    }
    // feedback: kept for the learning loop, then acknowledged
    const store = this.store(h);
    const state = await store.get(e.conversation);
    const asked = [...(state?.history ?? [])].reverse().find((t) => t.role === 'user');
    const helpful = e.action === 'helpful';
    const reply = await bot.act(e.conversation, helpful ? 'helpful' : 'not_helpful', store);
    await new LearningLog(h.tx, this.o.clock).feedback(e.conversation, helpful, asked?.intent ?? state?.intent ?? null, asked?.text ?? null);
    await this.queue(h, { kind: 'text', orderKey: e.conversation, to: e.to, payload: { text: reply.text } });
  }

  /** An agent's message in a case thread goes to the user, unless it is an internal note ("// …", "(intern) …"). */
  private async onAgentReply(h: Handling, e: Extract<InboundEvent, { type: 'agent_reply' }>): Promise<void> {
    if (!(await this.isSupportChannel(h.settings, e.platform, e.where))) return;
    const c = await h.cases.bySupportKey(e.supportKey);
    if (!c) {
      // an agent can answer a case the moment it shows, before its thread is stored here
      if (await h.cases.postPending()) throw new NotYet('a case post is on its way; its thread is not known yet');
      return; // a thread in the support channel that is no open case
    }
    if (INTERNAL_NOTE.test(e.text)) {
      await h.cases.addEvent(c.id, 'internal_note', e.agent, e.text);
      return;
    }
    await h.cases.addEvent(c.id, 'agent_message', e.agent, e.text);
    await h.cases.markFirstReply(c.id);
    const text = this.o.bot.handoffText('agent-reply', c.lang, { caseNumber: c.number, text: e.text });
    await this.queue(h, { kind: 'user_message', orderKey: c.conversationId, caseId: c.id, payload: { text } });
  }

  /** Claim, Resolve or Forward to NPR, only from the support channel; each change and what it sets off commit together, once. */
  private async onCaseAction(h: Handling, e: Extract<InboundEvent, { type: 'case_action' }>): Promise<void> {
    if (!(await this.isSupportChannel(h.settings, e.platform, e.where))) {
      this.o.log.warn('a case action outside the support channel was ignored', { platform: e.platform });
      return;
    }
    const c = await h.cases.get(e.caseId);
    if (!c || c.status === 'resolved') return; // a closed case stays closed
    const { bot } = this.o;
    const update = () => this.queue(h, { kind: 'case_update', orderKey: `case:${c.id}`, caseId: c.id, payload: {} });
    if (e.action === 'claim') {
      if (await h.cases.changeStatus(c.id, 'claimed', e.agent)) await update();
      return;
    }
    if (e.action === 'resolve') {
      if (!(await h.cases.changeStatus(c.id, 'resolved', e.agent))) return;
      await this.queue(h, { kind: 'user_message', orderKey: c.conversationId, caseId: c.id, payload: { text: bot.handoffText('resolved', c.lang, { caseNumber: c.number }) } });
      await update();
      return;
    }
    const mail = await this.mailFor(c, h.cases);
    if (!this.o.mailer) {
      const text = bot.label('support-mailto', SUPPORT_LANG, { link: mailtoLink(mail) });
      await this.queue(h, { kind: 'text', orderKey: `case:${c.id}`, to: e.to, payload: { text } });
      return;
    }
    if (!(await h.cases.changeStatus(c.id, 'forwarded', e.agent, mail.to))) return;
    await this.queue(h, { kind: 'mail', orderKey: `mail:${c.id}`, caseId: c.id, payload: { ...mail } });
    await update();
    const text = bot.label('support-forwarded', SUPPORT_LANG, { caseNumber: c.number, to: mail.to });
    await this.queue(h, { kind: 'text', orderKey: `case:${c.id}`, to: e.to, payload: { text } });
  }

  /** "register support channel" in Teams: by the admins named, or, with none, by whoever registers first (or again from the same channel). */
  private async onRegister(h: Handling, e: Extract<InboundEvent, { type: 'register_support' }>): Promise<void> {
    const current = await h.settings.get<TeamsAddress['ref']>(TEAMS_SUPPORT_CHANNEL);
    const admins = this.o.teamsAdmins;
    const allowed = admins.length > 0 ? admins.includes(e.user) : !current || current.conversation.id === e.channel.ref.conversation.id;
    if (!allowed) {
      this.o.log.warn('a support channel registration was refused', { platform: 'teams' });
      await this.queue(h, { kind: 'text', orderKey: `support:${e.channel.ref.conversation.id}`, to: e.to, payload: { text: this.o.bot.label('support-register-refused', SUPPORT_LANG) } });
      return;
    }
    await h.settings.set(TEAMS_SUPPORT_CHANNEL, e.channel.ref);
    await this.queue(h, { kind: 'text', orderKey: `support:${e.channel.ref.conversation.id}`, to: e.to, payload: { text: this.o.bot.label('support-registered', SUPPORT_LANG) } });
  }

  /** The redacted case as an e-mail to NPR, case number in the subject. */
  async mailFor(c: CaseRecord, cases: CaseStore = this.cases): Promise<Mail> {
    const summary = summarise(this.o.bot, c, await cases.events(c.id));
    const { bot } = this.o;
    return {
      to: this.o.mailTo,
      subject: bot.handoffText('mail-subject', SUPPORT_LANG, { caseNumber: c.number }),
      text: bot.handoffText('mail-body', SUPPORT_LANG, { caseNumber: c.number, summary: summary.findings.join('\n'), transcript: summary.transcript }),
    };
  }

  /** Tells the support side that a user's answer could not be delivered (a dead outbox item). */
  async deadLetter(item: OutboxItem, error: unknown): Promise<void> {
    if (!['reply', 'text', 'user_message'].includes(item.kind)) return;
    const settings = new Settings(this.o.db, this.o.clock);
    if (!(await this.supportPlatform(settings))) return;
    const reason = error instanceof Error ? error.message : String(error);
    const text = this.o.bot.label('support-undelivered', SUPPORT_LANG, { conversation: item.orderKey, attempts: item.attempts, error: reason.slice(0, 200) });
    await this.o.db.transaction(async (tx) => enqueue(tx, this.o.clock, { kind: 'notice', key: `dead:${item.key}`, orderKey: 'notices', payload: { text } }));
  }

  /** For an item whose earlier attempt may have arrived: asks the platform it went to, where the platform can tell. */
  async wasDelivered(item: OutboxItem): Promise<boolean> {
    const to = address.safeParse(item.payload.to);
    let name: string | undefined = to.success ? to.data.platform : undefined;
    if (!name && item.kind === 'case_post') name = await this.supportPlatform(new Settings(this.o.db, this.o.clock));
    if (!name && item.caseId !== null) {
      const c = await this.cases.get(item.caseId);
      name = item.kind === 'user_message' ? c?.channel : c?.supportRef ? String(c.supportRef.platform) : undefined;
    }
    const platform = name ? this.platforms.get(name) : undefined;
    return (await platform?.wasDelivered?.(item)) ?? false;
  }

  /** The outbox's delivery: throws while the receiving side is down or not configured, so it is retried. */
  async deliver(item: OutboxItem): Promise<void> {
    const platformOf = (name: string | undefined) => {
      const platform = name ? this.platforms.get(name) : undefined;
      if (!platform) throw new Error(`platform ${name ?? '(none)'} is not running`);
      return platform;
    };
    const to = () => address.parse(item.payload.to);
    switch (item.kind) {
      case 'reply': {
        const target = to();
        return platformOf(target.platform).reply(target, item.payload.reply as Reply, item.payload.options as ReplyOptions, item);
      }
      case 'text': {
        const target = to();
        return platformOf(target.platform).text(target, String(item.payload.text), item);
      }
      case 'home':
        return platformOf('slack').home?.(String(item.payload.user));
      case 'notice': {
        const settings = new Settings(this.o.db, this.o.clock);
        const name = await this.supportPlatform(settings);
        return platformOf(name).notice?.(name === 'teams' ? await this.teamsSupport(settings) : undefined, String(item.payload.text), item);
      }
    }
    const c = item.caseId === null ? undefined : await this.cases.get(item.caseId);
    if (!c) return; // purged: nothing left to deliver
    const summary = async () => summarise(this.o.bot, c, await this.cases.events(c.id));
    switch (item.kind) {
      case 'case_post': {
        const settings = new Settings(this.o.db, this.o.clock);
        const name = await this.supportPlatform(settings);
        const ref = await platformOf(name).postCase!(name === 'teams' ? await this.teamsSupport(settings) : undefined, c, await summary(), item);
        await this.cases.setSupportRef(c.id, ref);
        return;
      }
      case 'case_relay':
      case 'case_update': {
        if (!c.supportRef) throw new Error(`case ${c.number} is not posted to the support channel yet`);
        const platform = platformOf(String(c.supportRef.platform));
        if (item.kind === 'case_relay') await platform.postInCase!(c.supportRef, String(item.payload.text), item);
        else await platform.updateCase!(c.supportRef, c, await summary());
        return;
      }
      case 'user_message': {
        const target = caseAddress(c);
        return platformOf(target.platform).text(target, String(item.payload.text), item);
      }
      case 'mail': {
        if (!this.o.mailer) throw new Error('SMTP_URL is not set');
        await this.o.mailer.send(item.payload as unknown as Mail);
        await this.cases.addEvent(c.id, 'mailed', 'bot', String(item.payload.to));
        return;
      }
    }
  }
}

/** Where a case's user is reached: the address stored with the case (cases opened before addresses were typed hold the platform's own reference). */
function caseAddress(c: CaseRecord): Address {
  const stored = address.safeParse(c.conversationRef);
  if (stored.success) return stored.data;
  const ref = c.conversationRef;
  if (c.channel === 'slack') {
    return address.parse(ref.dm ? { platform: 'slack', user: ref.user, dm: true } : { platform: 'slack', channel: ref.channel, ...(ref.thread_ts ? { thread: ref.thread_ts } : {}) });
  }
  return teamsAddress.parse({ platform: 'teams', ref });
}
