import type { FakeSlackApi } from './fake-slack-api.js';
import { postEvent } from './slack-requests.js';

let runs = 0;

/**
 * Slack's side of a fault test: questions as app_mention events, each in its own thread, sent the
 * way Slack sends them (a refused or unanswered request is sent again with the same event id and
 * x-slack-retry-num), and a count of the answers each thread got.
 */
export class SlackTraffic {
  /** Event ids the server acknowledged with 200. */
  readonly accepted = new Set<string>();
  readonly refused: number[] = [];
  private readonly run = ++runs;
  private n = 0;

  /** `text`: what each question says (an identity number in it shows whether anything kept it unredacted). */
  constructor(
    private readonly api: FakeSlackApi,
    private readonly text = 'Hva koster 5 timer saksbehandling?',
  ) {}

  /** The i-th question of this run: its event id and thread are its own. */
  event(i: number) {
    const ts = `${1765000000 + this.run * 10_000 + i}.000100`;
    return {
      type: 'event_callback',
      team_id: 'T0001',
      event_id: `EvF${this.run}x${i}`,
      event: { type: 'app_mention', user: 'U0USER1', text: `<@UBOT> ${this.text}`, ts, thread_ts: ts, channel: 'C0RESEARCH', event_ts: ts },
    };
  }

  /** Sends the next question once; true when the server acknowledged it. */
  async sendNext(url: string): Promise<{ i: number; ok: boolean }> {
    const i = this.n++;
    return { i, ok: await this.send(url, i) };
  }

  /** Sends question `i` (again, with `retry` > 0); records the outcome. */
  async send(url: string, i: number, retry = 0): Promise<boolean> {
    this.n = Math.max(this.n, i + 1);
    const body = this.event(i);
    try {
      const res = await postEvent(url, body, retry > 0 ? { headers: { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_error' } } : {});
      await res.arrayBuffer();
      if (res.status === 200) {
        this.accepted.add(body.event_id);
        return true;
      }
      this.refused.push(res.status);
      return false;
    } catch {
      return false;
    }
  }

  /** Sends question `i` until it is acknowledged (Slack gives up after three retries; a test waits longer). */
  async deliver(url: () => string, i: number, until = Date.now() + 30_000): Promise<void> {
    for (let retry = 0; !(await this.send(url(), i, retry)); retry++) {
      if (Date.now() > until) throw new Error(`question ${i} was never acknowledged`);
      await new Promise((r) => setTimeout(r, 100)); // Slack's own pause before a retry, shortened
    }
  }

  get sent(): number {
    return this.n;
  }

  /** Answers posted in each question's thread, as the channel shows them. */
  answers(): number[] {
    return Array.from({ length: this.n }, (_, i) => {
      const thread = this.event(i).event.ts;
      return this.api.posted.filter((m) => m.thread_ts === thread).length;
    });
  }

  /** Questions acknowledged but not answered exactly once: [index, answers]. */
  notAnsweredOnce(): [number, number][] {
    return this.answers()
      .map((count, i) => [i, count] as [number, number])
      .filter(([i, count]) => this.accepted.has(this.event(i).event_id) && count !== 1);
  }
}
