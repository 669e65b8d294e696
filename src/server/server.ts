import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import getRawBody from 'raw-body';
import { Bot } from '../core/bot.js';
import { entry } from '../core/knowledge/entry.js';
import { openDb, type Db } from '../store/db.js';
import { migrate } from '../store/migrations.js';
import { DbConversationStore, ProcessedEvents } from '../store/conversations.js';
import { OutboxWorker } from '../store/outbox.js';
import { purgeOlderThan } from '../store/purge.js';
import { Settings } from '../store/settings.js';
import { SupportDesk } from '../support/desk.js';
import { smtpMailer, type Mailer } from '../support/mail.js';
import { BODY_LIMIT_BYTES, createSlackChannel, type SlackChannel } from '../channels/slack/app.js';
import { createTeamsChannel, SUPPORT_CHANNEL_SETTING, type TeamsChannel } from '../channels/teams/adapter.js';
import { slackStatus, teamsStatus, type Config } from './config.js';
import { errorFields, type Logger } from './log.js';

export interface RunningServer {
  server: Server;
  /** http://127.0.0.1:port */
  url: string;
  slack?: SlackChannel;
  bot: Bot;
  db: Db;
  desk: SupportDesk;
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
  /** How often the outbox delivers; 0 leaves it to the caller (tests). */
  outboxIntervalMs?: number;
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

/** One HTTP server for both channels: POST /api/messages, POST /slack/events, GET /healthz. */
export async function startServer(config: Config, log: Logger, options: ServerOptions = {}): Promise<RunningServer> {
  const port = options.port ?? config.PORT;
  const db = options.db ?? openDb(config.DATABASE_URL);
  await migrate(db);
  const bot = options.bot ?? new Bot({ store: new DbConversationStore(db) });
  const settings = new Settings(db);
  const slackOn = slackStatus(config);
  const teamsOn = teamsStatus(config);
  const mailer = options.mailer ?? (config.SMTP_URL ? smtpMailer(config.SMTP_URL, config.MAIL_FROM) : undefined);
  const desk = new SupportDesk({
    bot,
    db,
    log,
    mailer,
    mailTo: config.NPR_MAIL_TO ?? String(entry(bot.data.kb, 'contact').facts.email),
    supportPlatform: async () => {
      if (slackOn.on && config.SUPPORT_SLACK_CHANNEL) return 'slack';
      if (teamsOn.on && (await settings.get(SUPPORT_CHANNEL_SETTING))) return 'teams';
      return undefined;
    },
  });
  const events = new ProcessedEvents(db);
  const slack = slackOn.on ? createSlackChannel({ config, bot, desk, events, log }) : undefined;
  const teams: TeamsChannel | undefined = teamsOn.on ? createTeamsChannel({ config, bot, desk, settings, log }) : undefined;
  if (slack) desk.register('slack', slack.platform);
  if (teams) desk.register('teams', teams.platform);
  const outbox = new OutboxWorker(db, (item) => desk.deliver(item), {
    onError: (item, error) => log.warn(`delivery of ${item.kind} failed; will retry`, { outbox: item.id, attempts: item.attempts + 1, ...errorFields(error) }),
  });
  if (options.outboxIntervalMs !== 0) outbox.start(options.outboxIntervalMs ?? 1000);
  // retention: at start, then daily
  const purge = () =>
    purgeOlderThan(db, config.RETENTION_DAYS)
      .then((r) => log.info('retention purge', { ...r }))
      .catch((error: unknown) => log.error('retention purge failed', errorFields(error)));
  await purge();
  const purgeTimer = setInterval(purge, 86_400_000);
  purgeTimer.unref();

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const tooLarge = Number(req.headers['content-length'] ?? 0) > BODY_LIMIT_BYTES;
    const handle = async () => {
      if (req.method === 'GET' && path === '/healthz') {
        return send(res, 200, { status: 'ok', slack: slackOn.on, teams: teamsOn.on });
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

  await new Promise<void>((resolve) => server.listen(port, '0.0.0.0', resolve));
  if (slack && !slack.requestListener) await slack.app.start();
  const { port: actual } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${actual}`,
    slack,
    bot,
    db,
    desk,
    outbox,
    close: async () => {
      clearInterval(purgeTimer);
      await outbox.stop();
      if (slack && !slack.requestListener) await slack.app.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections(); // idle keep-alive and half-read connections would hold close() open
      await closed;
      if (!options.db) await db.close();
    },
  };
}
