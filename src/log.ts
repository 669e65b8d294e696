/**
 * Logs: pino JSON lines on stderr, one object per line, `level` as its name and `time` in ISO
 * form. Callers pass only redacted text: questions are never logged, conversations only as a
 * hash (`conversationHash`), and errors as fields (`errorFields`), never with their stack.
 * For people reading along: `npm start | npx pino-pretty` (pino-pretty is a devDependency).
 */
import { createHash } from 'node:crypto';
import { pino, type Logger as PinoLogger } from 'pino';

export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Level = (typeof LEVELS)[number];

type Fields = Record<string, unknown>;

export interface Logger {
  trace(msg: string, fields?: Fields): void;
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  fatal(msg: string, fields?: Fields): void;
  /** Whether lines at `level` are written (to skip work for lines nobody reads). */
  enabled(level: Level): boolean;
  /** Writes out what is buffered: before `process.exit`. */
  flush(): void;
}

/**
 * A logger at `level` writing each line to `write` (tests capture lines so), or to stderr
 * (asynchronously, flushed at exit).
 */
export function createLogger(level: Level = 'info', write?: (line: string) => void): Logger {
  const destination = write ? { write } : pino.destination({ dest: 2, sync: false });
  const p: PinoLogger = pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const at = (l: Level) => (msg: string, fields?: Fields) => (fields ? p[l](fields, msg) : p[l](msg));
  return {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
    enabled: (l) => p.isLevelEnabled(l),
    flush: () => {
      if ('flushSync' in destination) {
        try {
          destination.flushSync();
        } catch {
          /* nothing written yet, or stderr is gone */
        }
      }
    },
  };
}

/** An error as log fields: its message and code, never its stack. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { error: error.message, code: (error as { code?: unknown }).code };
  return { error: String(error) };
}

/** A conversation id as logs show it: the first 12 hex digits of its SHA-256, enough to follow one conversation, not to read it. */
export function conversationHash(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 12);
}
