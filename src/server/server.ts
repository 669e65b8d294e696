import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import getRawBody from 'raw-body';
import { Bot } from '../core/bot.js';
import { systemClock, type Clock } from '../core/clock.js';
import { entry } from '../core/knowledge/entry.js';
import { openDb, type Db } from '../store/db.js';
import { describeStale, staleEntries } from '../core/knowledge/staleness.js';
import { checkWritable, migrate } from '../store/migrations.js';
import { DbConversationStore } from '../store/conversations.js';
import type { OutboxWorker } from '../store/outbox.js';
import { purgeOlderThan } from '../store/purge.js';
import type { SupportDesk } from '../support/desk.js';
import type { Dispatcher } from '../support/dispatch.js';
import { messagePath } from '../support/path.js';
import { smtpMailer, type Mailer } from '../support/mail.js';
import { createSlackChannel, type SlackChannel } from '../channels/slack/app.js';
import { createTeamsChannel, type TeamsChannel } from '../channels/teams/adapter.js';
import { slackStatus, teamsStatus, type Config } from './config.js';
import { errorFields, type Logger } from '../log.js';

/** Request bodies larger than this are refused (413) as they arrive, never buffered whole. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** Slowloris and stuck clients: the time a request's headers, and the whole request, may take. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** Open connections at most; beyond, new ones are refused rather than slowing every request. */
const MAX_CONNECTIONS = 1024;
/** Readiness fails when this many events or deliveries wait. */
const MAX_BACKLOG = 5000;

export interface RunningServer {
  server: Server;
  /** http://127.0.0.1:port */
  url: string;
  slack?: SlackChannel;
  bot: Bot;
  db: Db;
  desk: SupportDesk;
  dispatcher: Dispatcher;
  outbox: OutboxWorker;
  close(): Promise<void>;
}

export interface ServerOptions {
  port?: number;
  /** Defaults to a bot whose conversation state lives in the database. */
  bot?: Bot;
  /** Defaults to DATABASE_URL (PostgreSQL) or the SQLite file under data/. */
  db?: Db;
  /** Defaults to SMTP_URL, if set. */
  mailer?: Mailer;
  clock?: Clock;
  /** How often the outbox and the inbox look for retries that have come due; 0: never on their own (tests). */
  retryIntervalMs?: number;
  /** Backoff before a failed delivery or event is tried again (tests shorten it). */
  retryBaseDelayMs?: number;
  /** false: queue deliveries but send none (a test of what a restarted server delivers). */
  deliveries?: boolean;
}

export const isLoopback = (address: string | undefined) => !!address && /^(127\.|::1$|::ffff:127\.)/.test(address);

function send(res: ServerResponse, status: number, body?: unknown) {
  if (res.headersSent) return void res.end();
  if (body === undefined) return void res.writeHead(status).end();
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Reads a JSON body of at most BODY_LIMIT_BYTES; a larger one is refused as it arrives, never buffered whole. */
async function readJson(req: IncomingMessage): Promise<{ status: number; body?: Record<string, unknown> }> {
  let raw: Buffer;
  try {
    raw = await getRawBody(req, { limit: BODY_LIMIT_BYTES });
  } catch (error) {
    const status = (error as { status?: number }).status ?? 400;
    return { status: status === 413 ? 413 : 400 };
  }
  try {
    const body = JSON.parse(raw.toString('utf8')) as unknown;
    return typeof body === 'object' && body !== null ? { status: 200, body: body as Record<string, unknown> } : { status: 400 };
  } catch {
    return { status: 400 };
  }
}

/** One HTTP server for both channels: POST /api/messages, POST /slack/events, GET /healthz, GET /readyz. */
export async function startServer(config: Config, log: Logger, options: ServerOptions = {}): Promise<RunningServer> {
  const port = options.port ?? config.PORT;
  const clock = options.clock ?? systemClock;
  const db = options.db ?? openDb(config.DATABASE_URL);
  await migrate(db);
  await checkWritable(db);
  const bot = options.bot ?? new Bot({ store: new DbConversationStore(db, clock), now: () => clock.now() });
  await bot.warmUp();
  for (const stale of staleEntries(bot.data.kb, clock.now(), config.KNOWLEDGE_MAX_AGE_DAYS)) log.warn(describeStale(stale, config.KNOWLEDGE_MAX_AGE_DAYS));
  const slackOn = slackStatus(config);
  const teamsOn = teamsStatus(config);
  const mailer = options.mailer ?? (config.SMTP_URL ? smtpMailer(config.SMTP_URL, config.MAIL_FROM) : undefined);
  const { desk, outbox, dispatcher, inbox } = messagePath({
    bot,
    db,
    clock,
    log,
    mailer,
    mailTo: config.NPR_MAIL_TO ?? String(entry(bot.data.kb, 'contact').facts.email),
    slackSupportChannel: slackOn.on ? config.SUPPORT_SLACK_CHANNEL : undefined,
    teamsOn: teamsOn.on,
    teamsAdmins: (config.SUPPORT_TEAMS_ADMINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    ...(options.retryBaseDelayMs !== undefined ? { retryBaseDelayMs: options.retryBaseDelayMs } : {}),
    // a delivery is a lookup and a post or two, each within the API timeout
    deliveryLeaseMs: 3 * config.SLACK_API_TIMEOUT_MS,
  });
  const slack = slackOn.on ? createSlackChannel({ config, bot, dispatcher, log, bodyLimit: BODY_LIMIT_BYTES }) : undefined;
  const teams: TeamsChannel | undefined = teamsOn.on ? createTeamsChannel({ config, bot, dispatcher, log }) : undefined;
  if (slack) desk.register('slack', slack.platform);
  if (teams) desk.register('teams', teams.platform);
  const interval = options.retryIntervalMs ?? 1000;
  if (options.deliveries === false) await outbox.stop();
  if (interval > 0) {
    outbox.start(interval);
    dispatcher.start(interval);
  } else {
    // still at once for what arrives; only the timers for retries are left to the caller
    outbox.kick();
    dispatcher.kick();
  }
  // retention: at start, then daily
  const purge = () =>
    purgeOlderThan(db, config.RETENTION_DAYS)
      .then((r) => log.info('retention purge', { ...r }))
      .catch((error: unknown) => log.error('retention purge failed', errorFields(error)));
  await purge();
  const purgeTimer = setInterval(purge, 86_400_000);
  purgeTimer.unref();

  /** Ready: events can be recorded, the database answers, and neither events nor deliveries pile up. */
  const readiness = async (): Promise<{ ready: boolean; reasons: string[] }> => {
    const reasons: string[] = [];
    if (dispatcher.recordingFails) reasons.push('events cannot be recorded');
    try {
      const [i, o] = await Promise.all([inbox.counts(), outbox.counts()]);
      if (i.pending > MAX_BACKLOG) reasons.push(`${i.pending} events wait to be handled`);
      if (o.pending > MAX_BACKLOG) reasons.push(`${o.pending} deliveries wait`);
    } catch (error) {
      reasons.push(`the database does not answer: ${String(errorFields(error).error)}`);
    }
    return { ready: reasons.length === 0, reasons };
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const tooLarge = Number(req.headers['content-length'] ?? 0) > BODY_LIMIT_BYTES;
    const handle = async () => {
      if (req.method === 'GET' && path === '/healthz') {
        return send(res, 200, { status: 'ok', slack: slackOn.on, teams: teamsOn.on });
      }
      if (req.method === 'GET' && path === '/readyz') {
        const { ready, reasons } = await readiness();
        return send(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', reasons });
      }
      if (req.method === 'POST' && (path === '/slack/events' || path === '/api/messages') && tooLarge) {
        res.setHeader('connection', 'close');
        req.resume();
        return send(res, 413);
      }
      if (req.method === 'POST' && path === '/slack/events') {
        if (!slack?.requestListener) return send(res, 404, { error: 'Slack over HTTP is not configured on this server' });
        return slack.requestListener(req, res);
      }
      if (req.method === 'POST' && path === '/api/messages') {
        if (!teams) return send(res, 404, { error: 'Teams is not configured on this server' });
        // without an app id nothing is authenticated: then only this machine (the Emulator) may talk to it
        if (!config.MicrosoftAppId && !isLoopback(req.socket.remoteAddress)) {
          return send(res, 403, { error: 'Without MicrosoftAppId, /api/messages answers only requests from this machine' });
        }
        const { status, body } = await readJson(req);
        if (!body) return send(res, status);
        return teams.handle(req, res, body);
      }
      return send(res, 404);
    };
    handle().catch((error: unknown) => {
      log.error('request failed', { path, ...errorFields(error) });
      send(res, 500);
    });
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.maxConnections = MAX_CONNECTIONS;

  await new Promise<void>((resolve) => server.listen(port, '0.0.0.0', resolve));
  await slack?.start();
  const { port: actual } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${actual}`,
    slack,
    bot,
    db,
    desk,
    dispatcher,
    outbox,
    close: async () => {
      clearInterval(purgeTimer);
      await slack?.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      await dispatcher.stop();
      await outbox.stop();
      if (!options.db) await db.close();
    },
  };
}
