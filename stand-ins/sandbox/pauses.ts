/**
 * The sandbox's waits (added latency, hung requests), owned here so that stop() ends them all:
 * no timer outlives the sandbox, and a held request is simply never answered.
 */
export class Pauses {
  private readonly timers = new Set<NodeJS.Timeout>();
  private held: Array<() => void> = [];
  private stopped = false;

  /** Resolves after `ms`; never, if the sandbox stops first. */
  delay(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.stopped) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  /** Resolves when `releaseHeld()` is called; never, if the sandbox stops first. */
  hold(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.stopped) this.held.push(resolve);
    });
  }

  releaseHeld(): void {
    const held = this.held;
    this.held = [];
    for (const release of held) release();
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.held = [];
  }
}
