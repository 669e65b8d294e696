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
