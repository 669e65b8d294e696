import type { Bot } from '../core/bot.js';
import type { Reply } from '../core/types.js';
import type { Db } from '../store/db.js';
import { CaseStore, type CaseRecord } from '../store/cases.js';
import { LearningLog } from '../store/learning.js';
import { enqueue, type OutboxItem } from '../store/outbox.js';
import { errorFields, type Logger } from '../server/log.js';
import { mailtoLink, type Mail, type Mailer } from './mail.js';
import { SUPPORT_LANG, summarise, type CaseSummary } from './summary.js';

/** Where a user talks to the bot, as a channel can reach them again later. */
export interface UserAddress {
  channel: 'slack' | 'teams' | 'cli';
  conversationId: string;
  ref: Record<string, unknown>;
}

/** What a platform does for the support desk; the outbox calls these, with retries. */
export interface Platform {
  /** Posts a new case where the support team works; returns where it landed (with a unique `key`). */
  postCase?(c: CaseRecord, summary: CaseSummary): Promise<Record<string, unknown> & { key: string }>;
  /** Refreshes a posted case after a status change. */
  updateCase?(ref: Record<string, unknown>, c: CaseRecord, summary: CaseSummary): Promise<void>;
  /** Posts a message in a case's support thread. */
  postInCase?(ref: Record<string, unknown>, text: string): Promise<void>;
  /** Sends a message to the user in their conversation. */
  sendToUser?(ref: Record<string, unknown>, text: string): Promise<void>;
}

export type CaseAction = 'claim' | 'resolve' | 'forward';

/** Messages in a case thread that stay with the support team. */
export const INTERNAL_NOTE = /^\s*(\/\/|\(intern\)|\(internal\))/i;

export interface DeskOptions {
  bot: Bot;
  db: Db;
  log: Logger;
  mailer?: Mailer;
  /** Forwarded cases go here. */
  mailTo: string;
  /** Which platform hosts the support team, if any is configured now. */
  supportPlatform: () => Promise<'slack' | 'teams' | undefined>;
}

/**
 * Support cases: opens them when a user agrees, carries messages between user and support
 * team through the outbox (so nothing is lost when a side is down), and forwards to NPR.
 */
export class SupportDesk {
  readonly cases: CaseStore;
  readonly learning: LearningLog;
  private readonly platforms = new Map<string, Platform>();
  /** Case posts on their way to the support channel: their thread is not known until they land. */
  private readonly posting = new Set<Promise<unknown>>();

  constructor(private readonly o: DeskOptions) {
    this.cases = new CaseStore(o.db);
    this.learning = new LearningLog(o.db);
  }

  register(name: 'slack' | 'teams', platform: Platform): void {
    this.platforms.set(name, platform);
  }

  /**
   * A user's message. While a case is open it goes to the support team; otherwise the bot
   * answers, and a "yes" to its offer opens a case (once per request, whatever retries).
   */
  async onUserMessage(address: UserAddress, text: string): Promise<Reply> {
    const active = await this.cases.activeFor(address.conversationId);
    const { bot } = this.o;
    if (active) {
      const u = bot.reader.read(text, new Date());
      await this.o.db.transaction(async (tx) => {
        await this.cases.event(tx, active.id, 'user_message', 'user', u.text);
        await enqueue(tx, 'support_relay', active.id, { text: u.text });
      });
      return {
        question: u.text,
        lang: active.lang,
        intent: 'handoff',
        confidence: 1,
        text: bot.handoffText('relayed', active.lang, { caseNumber: active.number }),
        sources: [],
        handoff: true,
        route: null,
        rule: 'handoff.relayed',
        figures: [],
        redactions: u.redactions,
        alternatives: [],
      };
    }
    const reply = await bot.answer({ conversationId: address.conversationId, text });
    if (reply.intent === 'fallback' || reply.confidence < 0.5) {
      await this.learning.unanswered(address.conversationId, reply.question, reply.lang, reply.intent, reply.confidence).catch((e) => this.o.log.warn('could not store an unanswered question', errorFields(e)));
    }
    if (!reply.caseRequest) return reply;
    const request = reply.caseRequest;
    // with no support channel anywhere a case would wait unread: send the user to the registry instead
    if (!(await this.o.supportPlatform())) return { ...reply, handoff: false, caseRequest: undefined, text: bot.handoffText('unavailable', reply.lang) };
    const { case: c } = await this.cases.open(
      {
        requestKey: `${address.conversationId}:offer:${request.offeredAt}`,
        channel: address.channel,
        conversationId: address.conversationId,
        conversationRef: address.ref,
        lang: reply.lang,
        findings: { reason: request.reason, ...request.findings },
        transcript: request.transcript,
      },
      (tx, created) => enqueue(tx, 'support_post', created.id, {}),
    );
    // the case is written before the user is told it exists
    return { ...reply, text: bot.handoffText('opened', reply.lang, { caseNumber: c.number }) };
  }

  /** Feedback buttons are logged for the learning loop, then acknowledged. */
  async onFeedback(conversationId: string, helpful: boolean): Promise<Reply> {
    const state = await this.o.bot.store.get(conversationId);
    const asked = [...(state?.history ?? [])].reverse().find((t) => t.role === 'user');
    const reply = await this.o.bot.act(conversationId, helpful ? 'helpful' : 'not_helpful');
    await this.learning.feedback(conversationId, helpful, asked?.intent ?? state?.intent ?? null, asked?.text ?? null).catch((e) => this.o.log.warn('could not store feedback', errorFields(e)));
    return reply;
  }

  /**
   * A support agent's message in a case thread goes to the user, unless it is an internal note
   * ("// …" or "(intern) …"). False if the thread is no open case.
   */
  async onAgentMessage(supportKey: string, agent: string, text: string): Promise<boolean> {
    let c = await this.cases.bySupportKey(supportKey);
    if (!c && this.posting.size > 0) {
      // an agent can answer a case the moment it shows, before its thread is stored here
      await Promise.allSettled([...this.posting]);
      c = await this.cases.bySupportKey(supportKey);
    }
    if (!c) return false;
    if (INTERNAL_NOTE.test(text)) {
      await this.cases.addEvent(c.id, 'internal_note', agent, text);
      return true;
    }
    await this.o.db.transaction(async (tx) => {
      await this.cases.event(tx, c.id, 'agent_message', agent, text);
      await tx.run('UPDATE cases SET first_reply_at = COALESCE(first_reply_at, ?) WHERE id = ?', [new Date().toISOString(), c.id]);
      await enqueue(tx, 'user_message', c.id, { text: this.o.bot.handoffText('agent-reply', c.lang, { caseNumber: c.number, text }) });
    });
    return true;
  }

  /** Claim, Resolve or Forward to NPR. Returns text for the agent (a mailto link when there is no SMTP). */
  async onCaseAction(caseId: number, action: CaseAction, agent: string): Promise<string | undefined> {
    const c = await this.cases.get(caseId);
    if (!c || c.status === 'resolved') return undefined; // a closed case stays closed
    const { bot, db } = this.o;
    // each change and what it sets off commit together, and happen once however often it is clicked
    if (action === 'claim') {
      await db.transaction(async (tx) => {
        if (await this.cases.changeStatus(tx, c.id, 'claimed', agent)) await enqueue(tx, 'support_update', c.id, {});
      });
      return undefined;
    }
    if (action === 'resolve') {
      await db.transaction(async (tx) => {
        if (!(await this.cases.changeStatus(tx, c.id, 'resolved', agent))) return;
        await enqueue(tx, 'user_message', c.id, { text: bot.handoffText('resolved', c.lang, { caseNumber: c.number }) });
        await enqueue(tx, 'support_update', c.id, {});
      });
      return undefined;
    }
    const mail = await this.mailFor(c);
    if (!this.o.mailer) return bot.label('support-mailto', SUPPORT_LANG, { link: mailtoLink(mail) });
    await db.transaction(async (tx) => {
      if (!(await this.cases.changeStatus(tx, c.id, 'forwarded', agent, mail.to))) return;
      await enqueue(tx, 'mail', c.id, { ...mail });
      await enqueue(tx, 'support_update', c.id, {});
    });
    return bot.label('support-forwarded', SUPPORT_LANG, { caseNumber: c.number, to: mail.to });
  }

  /** The redacted case as an e-mail to NPR, case number in the subject. */
  async mailFor(c: CaseRecord): Promise<Mail> {
    const summary = summarise(this.o.bot, c, await this.cases.events(c.id));
    const { bot } = this.o;
    return {
      to: this.o.mailTo,
      subject: bot.handoffText('mail-subject', SUPPORT_LANG, { caseNumber: c.number }),
      text: bot.handoffText('mail-body', SUPPORT_LANG, { caseNumber: c.number, summary: summary.findings.join('\n'), transcript: summary.transcript }),
    };
  }

  /** The outbox's delivery: throws while the receiving side is down or not configured, so it is retried. */
  async deliver(item: OutboxItem): Promise<void> {
    const c = item.caseId === null ? undefined : await this.cases.get(item.caseId);
    if (!c) return; // purged: nothing left to deliver
    const supportSide = async () => {
      const name = await this.o.supportPlatform();
      const platform = name && this.platforms.get(name);
      if (!platform) throw new Error('no support channel is configured yet');
      return platform;
    };
    switch (item.kind) {
      case 'support_post': {
        const platform = await supportSide();
        const posted = platform.postCase!(c, summarise(this.o.bot, c, await this.cases.events(c.id))).then((ref) => this.cases.setSupportRef(c.id, ref));
        this.posting.add(posted);
        try {
          await posted;
        } finally {
          this.posting.delete(posted);
        }
        return;
      }
      case 'support_relay':
      case 'support_update': {
        if (!c.supportRef) throw new Error(`case ${c.number} is not posted to the support channel yet`);
        const platform = this.platforms.get(String(c.supportRef.platform));
        if (!platform) throw new Error(`support platform ${String(c.supportRef.platform)} is not running`);
        if (item.kind === 'support_relay') await platform.postInCase!(c.supportRef, String(item.payload.text));
        else await platform.updateCase!(c.supportRef, c, summarise(this.o.bot, c, await this.cases.events(c.id)));
        return;
      }
      case 'user_message': {
        const platform = this.platforms.get(c.channel);
        if (!platform?.sendToUser) throw new Error(`channel ${c.channel} is not running`);
        await platform.sendToUser(c.conversationRef, String(item.payload.text));
        return;
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
