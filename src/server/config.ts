import { existsSync } from 'node:fs';
import { z } from 'zod';
import { maxAgeDaysSchema } from '../core/knowledge/staleness.js';

const optional = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

/** Everything the server reads from the environment, checked once at start. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  SLACK_BOT_TOKEN: optional,
  SLACK_SIGNING_SECRET: optional,
  SLACK_APP_TOKEN: optional,
  SLACK_API_URL: z.url().optional().or(z.literal('').transform(() => undefined)),
  /** How long one Slack Web API call may take before it counts as failed. */
  SLACK_API_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  MicrosoftAppId: optional,
  MicrosoftAppPassword: optional,
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional().or(z.literal('').transform(() => undefined)),
  MicrosoftAppTenantId: optional,
  /** Where Teams' token-signing keys are published (botbuilder's own setting); Microsoft's public cloud when unset. */
  BotOpenIdMetadata: z.url().optional().or(z.literal('').transform(() => undefined)),
  /** `postgres://…` for PostgreSQL; otherwise SQLite, in this file or data/npr-bot.sqlite. */
  DATABASE_URL: optional,
  /** Slack channel id (C…) where new support cases are posted. */
  SUPPORT_SLACK_CHANNEL: optional,
  /** Teams users (AAD object ids, comma-separated) who may register the support channel; unset: the first registration wins. */
  SUPPORT_TEAMS_ADMINS: optional,
  /** `smtp://user:pass@host:port` (or smtps://) for forwarding cases to NPR by e-mail. */
  SMTP_URL: optional,
  MAIL_FROM: z.string().trim().default('npr-bot@localhost'),
  /** Where "Forward to NPR" sends a case; the contact address in knowledge/ when unset. */
  NPR_MAIL_TO: optional,
  /** Conversations and cases older than this many days are deleted. */
  RETENTION_DAYS: z.coerce.number().int().positive().default(90),
  /** The knowledge folder; knowledge/ in the project when unset. */
  KNOWLEDGE_DIR: optional.refine((dir) => dir === undefined || existsSync(dir), 'no such folder'),
  /** Entries whose facts were checked longer ago than this many days are logged at start. */
  KNOWLEDGE_MAX_AGE_DAYS: maxAgeDaysSchema,
});
export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  readonly code = 'npr_bot_config';
}

/** Reads `.env` (when present) under the real environment, which wins, then validates. */
export function readConfig(env: NodeJS.ProcessEnv = process.env, envFile = '.env'): Config {
  if (env === process.env && existsSync(envFile)) process.loadEnvFile(envFile);
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`Configuration is invalid:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
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
