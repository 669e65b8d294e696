import { existsSync } from 'node:fs';
import { z } from 'zod';
import { maxAgeDaysSchema } from '../core/knowledge/staleness.js';
import { LEVELS } from '../log.js';

const optional = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

/** An optional setting that, when set, must pass `ok`; the message says what is allowed (never what was given: it may hold a password). */
const checked = (ok: (value: string) => boolean, allowed: string) => optional.refine((v) => v === undefined || ok(v), allowed);

/** A whole number in digits: an empty value is refused, not read as 0 (which for a port would mean "any free port"). */
const wholeNumber = (min: number, max: number) => {
  const allowed = `must be a whole number from ${min} to ${max}`;
  return z
    .string(allowed)
    .trim()
    .regex(/^\d+$/, allowed)
    .transform(Number)
    .refine((n) => n >= min && n <= max, allowed);
};

/** A choice among `values`; the error lists them. */
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values, `must be one of: ${values.join(', ')}`);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A Slack channel id: C (public) or G (private), then capital letters and digits. */
const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]+$/;
const MAIL_ADDRESS = /^[^\s@<>"]+@[^\s@<>"]+$/;
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const isHttpUrl = (v: string) => /^https?:\/\//i.test(v) && URL.canParse(v);

/**
 * What DATABASE_URL may be: a PostgreSQL URL, a `sqlite:` URL, a SQLite file path ending in
 * .sqlite or .db (relative to the working folder), or `:memory:` (tests).
 */
export function isDatabaseUrl(value: string): boolean {
  if (/^postgres(ql)?:\/\//i.test(value)) return URL.canParse(value);
  if (/^sqlite:/i.test(value)) return value.replace(/^sqlite:(\/\/)?/i, '') !== '';
  if (value === ':memory:') return true;
  return !URL_SCHEME.test(value) && /\.(sqlite3?|db)$/i.test(value);
}

/** Everything the server reads from the environment, checked once at start. */
export const configSchema = z.object({
  NODE_ENV: oneOf(['development', 'production', 'test']).default('development'),
  /** The HTTP port; 0: any free port. */
  PORT: wholeNumber(0, 65535).default(3978),
  LOG_LEVEL: oneOf(LEVELS).default('info'),
  /** Serve /metrics on this port instead of PORT; unset (or empty): on PORT. */
  METRICS_PORT: optional.pipe(wholeNumber(0, 65535).optional()),
  /** /readyz fails while this many deliveries (or events) wait. */
  READY_MAX_BACKLOG: wholeNumber(1, 10_000_000).default(1000),
  SLACK_BOT_TOKEN: optional,
  SLACK_SIGNING_SECRET: optional,
  SLACK_APP_TOKEN: optional,
  SLACK_API_URL: checked(isHttpUrl, 'must be an http:// or https:// URL'),
  /** How long one Slack Web API call may take before it counts as failed. */
  SLACK_API_TIMEOUT_MS: wholeNumber(1, 600_000).default(10_000),
  /** The Azure bot's Microsoft App ID: a GUID. */
  MicrosoftAppId: checked((v) => GUID.test(v), "must be a GUID (the Azure bot's Microsoft App ID, 8-4-4-4-12 hex digits)"),
  MicrosoftAppPassword: optional,
  MicrosoftAppType: optional.pipe(oneOf(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional()),
  MicrosoftAppTenantId: optional,
  /** Where Teams' token-signing keys are published (botbuilder's own setting); Microsoft's public cloud when unset. */
  BotOpenIdMetadata: checked(isHttpUrl, 'must be an http:// or https:// URL'),
  /** `postgres://…` for PostgreSQL; otherwise SQLite, in this file (`sqlite:…`, or a path ending in .sqlite or .db) or data/npr-bot.sqlite. */
  DATABASE_URL: checked(isDatabaseUrl, 'must be a postgres:// or postgresql:// URL, a sqlite: URL, or a SQLite file path ending in .sqlite or .db'),
  /** Slack channel id (C…) where new support cases are posted. */
  SUPPORT_SLACK_CHANNEL: checked((v) => SLACK_CHANNEL_ID.test(v), 'must be a Slack channel id: C or G followed by capital letters and digits (channel details, bottom of the About tab)'),
  /** Teams users (AAD object ids, comma-separated) who may register the support channel; unset: the first registration wins. */
  SUPPORT_TEAMS_ADMINS: optional,
  /** `smtp://user:pass@host:port` (or smtps://) for forwarding cases to NPR by e-mail. */
  SMTP_URL: checked((v) => /^smtps?:\/\//i.test(v) && URL.canParse(v), 'must be an smtp:// or smtps:// URL'),
  /** The sender of forwarded cases: an address, or "Name <address>". */
  MAIL_FROM: z
    .string()
    .trim()
    .refine((v) => MAIL_ADDRESS.test(v) || /^[^<>]*<[^\s@<>"]+@[^\s@<>"]+>$/.test(v), 'must be an e-mail address, or "Name <address>"')
    .default('npr-bot@localhost'),
  /** Where "Forward to NPR" sends a case; the contact address in knowledge/ when unset. */
  NPR_MAIL_TO: optional,
  /** Conversations and cases older than this many days are deleted. */
  RETENTION_DAYS: wholeNumber(1, 36_500).default(90),
  /** The knowledge folder; knowledge/ in the project when unset. */
  KNOWLEDGE_DIR: optional.refine((dir) => dir === undefined || existsSync(dir), 'must be an existing folder (the knowledge files)'),
  /** Entries whose facts were checked longer ago than this many days are logged at start. */
  KNOWLEDGE_MAX_AGE_DAYS: maxAgeDaysSchema,
});
export type Config = z.infer<typeof configSchema>;

/** A setting the server cannot run with: said in one line naming the setting(s), never with a stack. */
export class ConfigError extends Error {
  readonly code = 'npr_bot_config';
  constructor(
    message: string,
    /** The settings at fault. */
    readonly settings: string[] = [],
  ) {
    super(message);
  }
}

/** Zod's issues as one line: each setting named with what it allows. */
export function configErrorOf(error: z.ZodError): ConfigError {
  const settings = [...new Set(error.issues.map((i) => i.path.join('.') || '(settings)'))];
  const parts = settings.map((name) => `${name} ${error.issues.find((i) => (i.path.join('.') || '(settings)') === name)!.message}`);
  return new ConfigError(`${settings.length === 1 ? 'Invalid setting' : 'Invalid settings'}: ${parts.join('; ')}`, settings);
}

/** Reads `.env` (when present) under the real environment, which wins, then validates. */
export function readConfig(env: NodeJS.ProcessEnv = process.env, envFile = '.env'): Config {
  if (env === process.env && existsSync(envFile)) process.loadEnvFile(envFile);
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) throw configErrorOf(parsed.error);
  return parsed.data;
}

export type ChannelStatus = { on: true; mode: string } | { on: false; reason: string };

/** Whether Slack runs, and how: HTTP with a signing secret, or Socket Mode with an app token. */
export function slackStatus(c: Config): ChannelStatus {
  if (!c.SLACK_BOT_TOKEN) return { on: false, reason: 'SLACK_BOT_TOKEN is not set' };
  if (c.SLACK_APP_TOKEN) return { on: true, mode: 'Socket Mode' };
  if (!c.SLACK_SIGNING_SECRET) return { on: false, reason: 'SLACK_SIGNING_SECRET is not set (or SLACK_APP_TOKEN for Socket Mode)' };
  return { on: true, mode: 'HTTP, POST /slack/events' };
}

/**
 * Teams runs with an app id, or without one outside production: then /api/messages accepts
 * unauthenticated requests, as the Bot Framework Emulator sends them.
 */
export function teamsStatus(c: Config): ChannelStatus {
  if (c.MicrosoftAppId) return { on: true, mode: 'Bot Framework, POST /api/messages' };
  if (c.NODE_ENV !== 'production') return { on: true, mode: 'local, no authentication (Bot Framework Emulator), POST /api/messages' };
  return { on: false, reason: 'MicrosoftAppId is not set' };
}

/**
 * What keeps Teams from authenticating with the settings given (nothing is called at start: the
 * settings must at least be complete); undefined when it can, or runs locally without an app id.
 */
export function teamsCredentialsProblem(c: Config): string | undefined {
  if (!c.MicrosoftAppId) return undefined;
  if (c.MicrosoftAppType !== 'UserAssignedMSI' && !c.MicrosoftAppPassword) return 'teams: MicrosoftAppId is set but MicrosoftAppPassword is not';
  if (c.MicrosoftAppType === 'SingleTenant' && !c.MicrosoftAppTenantId) return 'teams: MicrosoftAppType is SingleTenant but MicrosoftAppTenantId is not set';
  return undefined;
}

/** In production a half-configured channel stops the start instead of running unprotected. */
export function productionProblems(c: Config): string[] {
  if (c.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  if (c.SLACK_BOT_TOKEN && !c.SLACK_SIGNING_SECRET && !c.SLACK_APP_TOKEN) {
    problems.push('SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is not: Slack requests could not be verified.');
  }
  if (!c.MicrosoftAppId && (c.MicrosoftAppPassword || c.MicrosoftAppTenantId || c.MicrosoftAppType)) {
    problems.push('Microsoft app settings are set but MicrosoftAppId is not: Teams requests could not be verified.');
  }
  return problems;
}
