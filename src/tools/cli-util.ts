import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * A command piped into `head` sees its stdout closed early: that is the reader being done, not a
 * failure, so the command ends quietly instead of printing an EPIPE stack.
 */
export function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
}

/** The arguments after the command's name, up to a `--` (what follows it is never an option). */
const ownArgs = (args: string[]) => {
  const end = args.indexOf('--');
  return end === -1 ? args : args.slice(0, end);
};

/** `-h` or `--help` among the arguments: prints `help` on stdout and exits 0. */
export function helpIfAsked(help: string, args = process.argv.slice(2)): void {
  if (ownArgs(args).some((a) => a === '-h' || a === '--help')) {
    process.stdout.write(help);
    process.exit(0);
  }
}

/**
 * How every command starts: a closed pipe ends it quietly, and `-h` or `--help` prints `help` on
 * stdout and exits 0. For commands that read their arguments themselves (`ask` takes any words,
 * even ones that start with a dash).
 */
export function startCommand(help: string, args = process.argv.slice(2)): void {
  quietOnClosedPipe();
  helpIfAsked(help, args);
}

/** A wrong option or argument: the problem and the usage on stderr, exit 2 (never a result such as "something changed"). */
export function usageError(help: string, problem: string): never {
  process.stderr.write(`${problem}\n\n${help}`);
  process.exit(2);
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `startCommand`, then the options parsed strictly: an unknown option, or a positional argument
 * where none is taken, is a `usageError`.
 */
export function command<const O extends Options, const P extends boolean = false>(help: string, options: O, allowPositionals?: P) {
  startCommand(help);
  try {
    return parseArgs({ options, allowPositionals: allowPositionals ?? false, strict: true }) as ReturnType<typeof parseArgs<{ options: O; allowPositionals: P; strict: true }>>;
  } catch (error) {
    return usageError(help, (error as Error).message);
  }
}
