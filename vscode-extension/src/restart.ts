// When the server process dies: restart it, unless it keeps dying (then stop and tell the user,
// rather than loop). Pure logic, unit-tested under plain Node.

/** Decides whether a crash is followed by a restart. */
export class CrashPolicy {
  private readonly crashes: number[] = [];

  /**
   * @param maxRestarts restarts allowed within `windowMs`
   * @param windowMs the sliding window, in milliseconds
   */
  constructor(
    readonly maxRestarts = 5,
    readonly windowMs = 3 * 60 * 1000,
  ) {}

  /** Records a crash at `now` (ms); true when the server should be restarted. */
  shouldRestart(now: number): boolean {
    this.crashes.push(now);
    while (this.crashes.length > 0 && now - this.crashes[0] > this.windowMs) {
      this.crashes.shift();
    }
    return this.crashes.length <= this.maxRestarts;
  }

  /** Crashes counted in the current window. */
  get recentCrashes(): number {
    return this.crashes.length;
  }

  /** Forgets past crashes (after a restart the user asked for). */
  reset(): void {
    this.crashes.length = 0;
  }
}
