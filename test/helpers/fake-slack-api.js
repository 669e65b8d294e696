import { createServer } from 'node:http';
import { waitUntil } from './wait.js';
async function readArgs(req) {
    const chunks = [];
    for await (const chunk of req)
        chunks.push(chunk);
    const raw = Buffer.concat(chunks).toString('utf8');
    if ((req.headers['content-type'] ?? '').includes('json'))
        return raw ? JSON.parse(raw) : {};
    const args = {};
    for (const [k, v] of new URLSearchParams(raw)) {
        try {
            args[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
        }
        catch {
            args[k] = v;
        }
    }
    return args;
}
/**
 * A loopback stand-in for the Slack Web API (SLACK_API_URL points at it): records every call
 * and answers as Slack would; a method can be made to rate-limit or to hang.
 */
export class FakeSlackApi {
    calls = [];
    behaviours = new Map();
    server;
    url = '';
    /** Where a command's response URL points in tests. */
    get responseUrl() {
        return this.url.replace(/api\/$/, 'response/T0001/1/abc');
    }
    async start() {
        this.server = createServer(async (req, res) => {
            // Web API calls under /api/; anything else is a command's or action's response URL
            const method = (req.url ?? '').startsWith('/api/') ? (req.url ?? '').replace(/^\/api\//, '').split('?')[0] : 'response_url';
            const args = await readArgs(req);
            const behaviour = this.behaviours.get(method);
            if (behaviour?.kind === 'hang')
                return; // never answers
            if (behaviour?.kind === 'fail' && behaviour.when(args)) {
                res.writeHead(200, { 'content-type': 'application/json' });
                return res.end(JSON.stringify({ ok: false, error: behaviour.error }));
            }
            if (behaviour?.kind === 'rate-limit' && behaviour.times > 0) {
                behaviour.times--;
                res.writeHead(429, { 'retry-after': String(behaviour.retryAfterSeconds), 'content-type': 'application/json' });
                return res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
            }
            const call = { method, args };
            this.calls.push(call);
            const answers = {
                'auth.test': { user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T0001', user: 'npr-bot' },
                'chat.postMessage': { channel: args.channel, ts: `${1764000000 + this.calls.length}.${String(this.calls.length).padStart(6, '0')}`, message: {} },
                'chat.postEphemeral': { message_ts: `${Date.now() / 1000}` },
                'conversations.open': { channel: { id: `D${String(args.users)}` } },
            };
            call.result = { ok: true, ...(answers[method] ?? {}) };
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify(call.result));
        });
        await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
        this.url = `http://127.0.0.1:${this.server.address().port}/api/`;
        return this;
    }
    rateLimit(method, retryAfterSeconds, times = 1) {
        this.behaviours.set(method, { kind: 'rate-limit', retryAfterSeconds, times });
    }
    /** Answers `ok: false` (as Slack does for an unknown or archived channel) while `when` holds. */
    fail(method, error, when = () => true) {
        this.behaviours.set(method, { kind: 'fail', error, when });
    }
    hang(method) {
        this.behaviours.set(method, { kind: 'hang' });
    }
    reset() {
        this.calls.length = 0;
        this.behaviours.clear();
    }
    /** Calls of the given methods, not counting the auth.test bolt makes. */
    replies(...methods) {
        const wanted = methods.length ? methods : ['chat.postMessage', 'chat.postEphemeral', 'views.publish', 'response_url'];
        return this.calls.filter((c) => wanted.includes(c.method));
    }
    /** Waits until `count` replies have arrived, or fails after `ms`. */
    async waitForReplies(count, ms = 5000, ...methods) {
        if (await waitUntil(() => this.replies(...methods).length >= count, ms))
            return this.replies(...methods);
        throw new Error(`expected ${count} Slack replies, got ${this.replies(...methods).length}: ${JSON.stringify(this.calls.map((c) => c.method))}`);
    }
    async stop() {
        this.server?.closeAllConnections();
        await new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
    }
}
//# sourceMappingURL=fake-slack-api.js.map