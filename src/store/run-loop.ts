/**
 * A worker's loop over stored work: `work` runs at once when kicked, goes round once more when
 * kicked during a run (so nothing queued meanwhile waits for the timer), and on a timer for work
 * that comes due later. Stopping takes nothing new and waits for the run in hand.
 */
export class RunLoop {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  stopped = false;

  constructor(
    private readonly work: () => Promise<unknown>,
    private readonly failed: (error: unknown) => void,
  ) {}

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.work()
      .then(() => undefined, this.failed)
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Also runs every `intervalMs`. */
  start(intervalMs: number): void {
    if (this.stopped) return;
    const tick = () => {
      this.kick();
      this.timer = setTimeout(tick, intervalMs);
      this.timer.unref();
    };
    this.timer = setTimeout(tick, 0);
    this.timer.unref();
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Resolves when no run is in progress (a kick during one makes it go round again first). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.idle();
  }
}
