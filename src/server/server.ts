import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import getRawBody from 'raw-body';
import { Bot } from '../core/bot.js';
import { systemClock, type Clock } from '../core/clock.js';
import { entry } from '../core/knowledge/entry.js';
import { openDb, ping, type Db } from '../store/db.js';
import { unresolvedCases } from '../store/cases.js';
import { describeStale, staleEntries } from '../core/knowledge/staleness.js';
import { checkWritable, migrate } from '../store/migrations.js';
import { DbConversationStore } from '../store/conversations.js';
import { undelivered, type OutboxWorker } from '../store/outbox.js';
import { purgeOlderThan } from '../store/purge.js';
import type { SupportDesk } from '../support/desk.js';
import type { Dispatcher } from '../support/dispatch.js';
import { messagePath } from '../support/path.js';
import { smtpMailer, type Mailer } from '../support/mail.js';
// the platform SDKs load only for a channel that is on: the channel modules are imported below, when needed
import type { SlackChannel } from '../channels/slack/app.js';
import type { TeamsChannel } from '../channels/teams/adapter.js';
import { lazyTeamsChannel } from '../channels/teams/lazy.js';
import { ConfigError, slackStatus, teamsCredentialsProblem, teamsStatus, type Config } from './config.js';
import { Metrics, routeOf } from './metrics.js';
import { errorFields, type Logger } from '../log.js';

/** Request bodies larger than this are refused (413) as they arrive, never buffered whole. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** Slowloris and stuck clients: the time a request's headers, and the whole request, may take. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** Open connections at most; beyond, new ones are refused rather than slowing every request. */
const MAX_CONNECTIONS = 1024;
/** At shutdown: how long requests in progress may take to finish before their connections are closed. */
export const SHUTDOWN_GRACE_MS = 10_000;
/** Then how long the event being handled and the deliveries being sent may take (a delivery left unfinished is looked up before it is sent again). */
const SHUTDOWN_WORK_MS = 3_000;
/** Readiness fails when the database does not answer `SELECT 1` within this time. */
const READY_DB_TIMEOUT_MS = 2_000;

export interface Readiness {
  ready: boolean;
  /** Why not, one reason each: the database, the backlog, a platform's credentials. */
  reasons: string[];
}

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
  /** This server's metrics (its own registry). */
  metrics: Metrics;
  /** Where /metrics is served when METRICS_PORT is set (http://127.0.0.1:port); otherwise on `url`. */
  metricsUrl?: string;
  /** What /readyz answers. */
  readiness(): Promise<Readiness>;
  /**
   * Stops accepting connections, lets the requests in progress finish (for at most `graceMs`, then
   * closes what is left), lets the dispatcher and the outbox finish the work in hand, and closes
   * the database (unless it was passed in).
   */
  close(options?: { graceMs?: number }): Promise<void>;
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
  /**
   * A setting found bad after the start (Slack refused SLACK_BOT_TOKEN): main.ts says so in one
   * line and exits 1. Unset: logged, and /readyz says not ready.
   */
  onFatal?: (error: ConfigError) => void;
}

export const isLoopback = (address: string | undefined) => !!address && /^(127\.|::1$|::ffff:127\.)/.test(address);

/** Why a response is an error, for its log line (never a body): set where the server answers one itself. */
const reasons = new WeakMap<ServerResponse, string>();

function send(res: ServerResponse, status: number, body?: unknown, reason?: string) {
  if (reason ?? (status >= 400 && typeof (body as { error?: unknown })?.error === 'string')) reasons.set(res, reason ?? (body as { error: string }).error);
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
  const metrics = new Metrics(
    {
      outboxBacklog: () => undelivered(db),
      inboxBacklog: async () => (await inbox.counts()).pending,
      unresolvedCases: () => unresolvedCases(db),
    },
    log,
  );
  const { desk, outbox, dispatcher, inbox } = messagePath({
    observer: metrics,
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
  const onCredentialsRejected = options.onFatal
    ? (error: string) => options.onFatal!(new ConfigError(`Invalid setting: SLACK_BOT_TOKEN is refused by Slack (auth.test: ${error}); set the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page`, ['SLACK_BOT_TOKEN']))
    : undefined;
  const slack = slackOn.on
    ? (await import('../channels/slack/app.js')).createSlackChannel({ config, bot, dispatcher, log, bodyLimit: BODY_LIMIT_BYTES, onCredentialsRejected, ...(options.retryBaseDelayMs !== undefined ? { retryBaseDelayMs: options.retryBaseDelayMs } : {}) })
    : undefined;
  const loadTeams = async () => (await import('../channels/teams/adapter.js')).createTeamsChannel({ config, bot, dispatcher, log });
  // with an app id Teams loads now; without one (the Emulator, no settings at all) on its first request or delivery
  const teams: TeamsChannel | undefined = !teamsOn.on ? undefined : config.MicrosoftAppId ? await loadTeams() : lazyTeamsChannel(loadTeams);
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

  /**
   * Ready: the database answers (SELECT 1 within READY_DB_TIMEOUT_MS) and events can be recorded,
   * fewer than READY_MAX_BACKLOG deliveries (or events) wait, and each platform that is on has
   * credentials it can use (Slack: auth.test accepted the token; Teams: app id and password set).
   */
  const readiness = async (): Promise<Readiness> => {
    const reasons: string[] = [];
    const max = config.READY_MAX_BACKLOG;
    if (dispatcher.recordingFails) reasons.push('events cannot be recorded');
    try {
      await ping(db, READY_DB_TIMEOUT_MS);
      const [events, deliveries] = await Promise.all([inbox.counts(), undelivered(db)]);
      if (deliveries >= max) reasons.push(`${deliveries} deliveries wait (READY_MAX_BACKLOG ${max})`);
      if (events.pending >= max) reasons.push(`${events.pending} events wait to be handled (READY_MAX_BACKLOG ${max})`);
    } catch (error) {
      reasons.push(`the database does not answer: ${String(errorFields(error).error)}`);
    }
    const credentials = slack?.credentials();
    if (credentials?.state === 'checking') reasons.push('slack credentials not yet checked');
    if (credentials?.state === 'rejected') reasons.push(`slack refused SLACK_BOT_TOKEN (${credentials.error})`);
    const teamsProblem = teamsOn.on ? teamsCredentialsProblem(config) : undefined;
    if (teamsProblem) reasons.push(teamsProblem);
    return { ready: reasons.length === 0, reasons };
  };

  let lastReadiness: string | undefined;
  const serveMetrics = async (res: ServerResponse) => {
    const { contentType, body } = await metrics.scrape();
    res.writeHead(200, { 'content-type': contentType }).end(body);
  };
  /** Every response counted by route and status; one log line per error (route, status, reason: never a body), and per request at debug. */
  const observe = (req: IncomingMessage, res: ServerResponse, path: string) => {
    const started = performance.now();
    res.once('finish', () => {
      const status = res.statusCode;
      metrics.request(path, status);
      if (status < 400 && !log.enabled('debug')) return;
      if (path === '/readyz' && status === 503) return; // logged when readiness changes
      const fields = { method: req.method, route: routeOf(path), status, ms: Math.round(performance.now() - started) };
      if (status < 400) return log.debug('HTTP request', fields);
      const withReason = { ...fields, reason: reasons.get(res) ?? STATUS_CODES[status] };
      if (status >= 500 && status !== 503) log.error('HTTP error', withReason);
      else log.warn('HTTP error', withReason);
    });
  };
  const metricsServer =
    config.METRICS_PORT === undefined
      ? undefined
      : createServer((req, res) => {
          const path = (req.url ?? '/').split('?')[0]!;
          observe(req, res, path);
          if (req.method !== 'GET' || path !== '/metrics') return send(res, 404, undefined, 'only GET /metrics is served on METRICS_PORT');
          serveMetrics(res).catch((error: unknown) => send(res, 500, undefined, `metrics failed: ${String(errorFields(error).error)}`));
        });

  let closing = false;
  // a kept-alive connection is closed once its response is out, instead of waiting out keepAliveTimeout
  const closeWhenIdle = () => void (closing && setImmediate(() => server.closeIdleConnections()));
  const server = createServer((req, res) => {
    res.once('finish', closeWhenIdle);
    const path = (req.url ?? '/').split('?')[0]!;
    observe(req, res, path);
    const tooLarge = Number(req.headers['content-length'] ?? 0) > BODY_LIMIT_BYTES;
    const handle = async () => {
      if (req.method === 'GET' && path === '/healthz') {
        return send(res, 200, { status: 'ok', slack: slackOn.on, teams: teamsOn.on });
      }
      if (req.method === 'GET' && path === '/readyz') {
        const { ready, reasons: why } = await readiness();
        // a probe asks every few seconds: a change of readiness is logged, not every answer
        const state = why.join('; ');
        if (state !== lastReadiness) {
          if (ready) log.info('ready');
          else log.warn(`not ready: ${state}`, { reasons: why });
          lastReadiness = state;
        }
        return send(res, ready ? 200 : 503, { ready, status: ready ? 'ready' : 'not ready', reasons: why });
      }
      if (req.method === 'GET' && path === '/metrics' && !metricsServer) return serveMetrics(res);
      if (req.method === 'POST' && (path === '/slack/events' || path === '/api/messages') && tooLarge) {
        res.setHeader('connection', 'close');
        req.resume();
        return send(res, 413, undefined, `body over ${BODY_LIMIT_BYTES} bytes`);
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
        if (!body) return send(res, status, undefined, status === 413 ? `body over ${BODY_LIMIT_BYTES} bytes` : 'the body is not a JSON object');
        return teams.handle(req, res, body);
      }
      return send(res, 404, undefined, 'no such route');
    };
    // the HTTP error line carries the reason (the error's message and code): no second line, no stack
    handle().catch((error: unknown) => {
      const { error: message, code } = errorFields(error);
      send(res, 500, undefined, `the request failed: ${String(message)}${code ? ` (${String(code)})` : ''}`);
    });
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.maxConnections = MAX_CONNECTIONS;

  await new Promise<void>((resolve) => server.listen(port, '0.0.0.0', resolve));
  if (metricsServer) await new Promise<void>((resolve) => metricsServer.listen(config.METRICS_PORT, '0.0.0.0', resolve));
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
    metrics,
    metricsUrl: metricsServer ? `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}` : undefined,
    readiness,
    close: async ({ graceMs = SHUTDOWN_GRACE_MS } = {}) => {
      closing = true;
      clearInterval(purgeTimer);
      await slack?.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const late = setTimeout(() => {
        log.warn(`requests still in progress after ${graceMs} ms: their connections are closed`);
        server.closeAllConnections();
      }, graceMs);
      if (metricsServer) {
        metricsServer.close();
        metricsServer.closeAllConnections();
      }
      await closed;
      clearTimeout(late);
      // the dispatcher and the outbox went on working while requests finished; now only what is in hand
      let waiting: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        dispatcher.stop().then(() => outbox.stop()).then(() => true),
        new Promise<false>((resolve) => (waiting = setTimeout(resolve, SHUTDOWN_WORK_MS, false))),
      ]);
      clearTimeout(waiting);
      if (!finished) {
        void outbox.stop(); // takes nothing new while the database closes
        log.warn('stopping with work in hand: what was being handled or delivered is taken over once its lease runs out');
      }
      slack?.close();
      if (!options.db) await db.close();
    },
  };
}
