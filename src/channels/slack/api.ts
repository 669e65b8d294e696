import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * How a Web API call failed. `rate_limited`: Slack answered 429 (`retryAfterMs` from Retry-After).
 * `http`: an HTTP error status (5xx: the call may have been done). `request`: no answer (a
 * timeout, a reset connection: it may have been done too). `slack`: Slack answered `ok: false`
 * (`error` says why: channel_not_found, not_in_channel, …).
 */
export class SlackApiError extends Error {
  readonly code = 'npr_bot_slack_api';
  constructor(
    message: string,
    readonly kind: 'rate_limited' | 'http' | 'request' | 'slack',
    readonly detail: { status?: number; retryAfterMs?: number; error?: string; timedOut?: boolean } = {},
  ) {
    super(message);
  }
}

/** Methods that take form fields rather than JSON (Slack's read methods). */
const FORM_METHODS = new Set(['conversations.history', 'conversations.replies', 'auth.test']);

/**
 * The Slack Web API methods the bot calls, over one kept-alive connection pool. The outbox does
 * the retrying, waits out rate limits and looks a post up before sending it again, so each call
 * here is one request. (The SDK's WebClient does all of that itself, and costs four times the CPU
 * per call: a quarter of what a message cost the server under load.)
 */
export class SlackApi {
  private readonly base: URL;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;
  private readonly timeoutMs: number;

  constructor(
    private readonly token: string,
    options: { apiUrl?: string; timeoutMs: number },
  ) {
    this.base = new URL(options.apiUrl ?? 'https://slack.com/api/');
    const https = this.base.protocol === 'https:';
    this.agent = https ? new HttpsAgent({ keepAlive: true, maxSockets: 32 }) : new HttpAgent({ keepAlive: true, maxSockets: 32 });
    this.send = https ? httpsRequest : httpRequest;
    this.timeoutMs = options.timeoutMs;
  }

  /** Calls `method` with `args`; resolves with Slack's answer when it says `ok`, otherwise throws a SlackApiError. */
  call<T extends Record<string, unknown> = Record<string, unknown>>(method: string, args: Record<string, unknown> = {}): Promise<T> {
    const form = FORM_METHODS.has(method);
    const body = form
      ? new URLSearchParams(Object.entries(args).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString()
      : JSON.stringify(args);
    const url = new URL(method, this.base);
    return new Promise<T>((resolve, reject) => {
      const req = this.send(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.token}`,
            'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json; charset=utf-8',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => void read(res).then(resolve, reject),
      );
      req.setTimeout(this.timeoutMs, () => req.destroy(new SlackApiError(`${method}: no answer within ${this.timeoutMs} ms`, 'request', { timedOut: true })));
      req.on('error', (error) => reject(error instanceof SlackApiError ? error : new SlackApiError(`${method}: ${error.message}`, 'request')));
      req.end(body);
    });

    async function read(res: IncomingMessage): Promise<T> {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      const status = res.statusCode ?? 0;
      if (status === 429) {
        const seconds = Number(res.headers['retry-after'] ?? 1);
        throw new SlackApiError(`${method}: rate limited`, 'rate_limited', { status, retryAfterMs: (Number.isFinite(seconds) ? seconds : 1) * 1000 });
      }
      if (status < 200 || status >= 300) throw new SlackApiError(`${method}: HTTP ${status}`, 'http', { status });
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new SlackApiError(`${method}: an answer that is not JSON`, 'http', { status });
      }
      if (data.ok !== true) throw new SlackApiError(`${method}: ${String(data.error ?? 'not ok')}`, 'slack', { error: String(data.error ?? '') });
      return data as T;
    }
  }

  close(): void {
    this.agent.destroy();
  }
}
