import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';

/** What the load sends: one question, as Slack events and Teams activities. */
export const QUESTION = 'Hva koster 5 timer saksbehandling?';
/** Slack waits this long for an ack before it counts the request as failed. */
export const SLACK_WAITS_MS = 3000;

export interface LoadPlan {
  port: number;
  rate: number;
  /** Requests are numbered from `first`; the number makes each one's ids and thread. */
  first: number;
  count: number;
  fresh: boolean;
  teamsShare: number;
  signingSecret: string;
  /** Where the Teams activities' replies go (the fake connector). */
  serviceUrl: string;
}

export interface Outcome {
  /** The HTTP status; 0 when none came (an error or a timeout). */
  status: number;
  ms: number;
}

export const kindOf = (i: number, teamsShare: number): 'slack' | 'teams' => (teamsShare > 0 && (i * teamsShare) % 1 >= 1 - teamsShare ? 'teams' : 'slack');
export const slackThread = (i: number) => `${1766000000 + i}.000100`;
export const teamsConversation = (i: number) => `a:load-${i}`;

/** Sends the plan's requests at its rate, open loop (each leaves at its time, however the earlier ones fare). */
export async function runLoad(plan: LoadPlan): Promise<{ outcomes: Outcome[]; seconds: number }> {
  const agent = new Agent({ keepAlive: !plan.fresh, maxSockets: 512 });
  const post = (path: string, body: string, headers: Record<string, string>): Promise<Outcome> => {
    const started = performance.now();
    return new Promise((resolve) => {
      const req = request(
        { host: '127.0.0.1', port: plan.port, path, method: 'POST', agent, headers: { 'content-length': Buffer.byteLength(body), ...(plan.fresh ? { connection: 'close' } : {}), ...headers } },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
        },
      );
      req.setTimeout(SLACK_WAITS_MS * 5, () => req.destroy());
      req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
      req.end(body);
    });
  };
  const slackEvent = (i: number) => {
    const ts = slackThread(i);
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: 'T0001',
      event_id: `EvLoad${i}`,
      event: { type: 'app_mention', user: 'U0USER1', text: `<@UBOT> ${QUESTION}`, ts, thread_ts: ts, channel: 'C0LOAD', event_ts: ts },
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = `v0=${createHmac('sha256', plan.signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    return post('/slack/events', body, { 'content-type': 'application/json', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature });
  };
  const teamsActivity = (i: number) => {
    const body = JSON.stringify({
      type: 'message',
      id: `load-${i}`,
      channelId: 'msteams',
      serviceUrl: plan.serviceUrl,
      from: { id: '29:user', name: 'User' },
      recipient: { id: '28:bot', name: 'NPR-bot' },
      conversation: { id: teamsConversation(i), conversationType: 'personal' },
      text: QUESTION,
      locale: 'nb-NO',
    });
    return post('/api/messages', body, { 'content-type': 'application/json' });
  };

  const outcomes: Outcome[] = [];
  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (let n = 0; n < plan.count; n++) {
    const i = plan.first + n;
    const wait = started + (n * 1000) / plan.rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push((kindOf(i, plan.teamsShare) === 'teams' ? teamsActivity(i) : slackEvent(i)).then((o) => void (outcomes[n] = o)));
  }
  await Promise.all(pending);
  agent.destroy();
  return { outcomes, seconds: (performance.now() - started) / 1000 };
}
