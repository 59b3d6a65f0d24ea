interface ActiveScenario<T> {
  readonly value: T;
  /** Requests it still applies to; undefined = every request until cleared. */
  remaining: number | undefined;
}

/** Scenarios by key (a mailbox, or the token endpoint): one active scenario per key, for the next N requests or until cleared. */
export class Scenarios<T> {
  private readonly byKey = new Map<string, ActiveScenario<T>>();

  /** Replaces the key's scenario. `times` absent: until cleared. */
  set(key: string, value: T, times?: number): void {
    if (times !== undefined && (!Number.isInteger(times) || times < 1))
      throw new RangeError(`times must be a positive integer, not ${times}`);
    this.byKey.set(key, { value, remaining: times });
  }

  /** The scenario for one request to `key`, counting it against `times`. */
  take(key: string): T | undefined {
    const scenario = this.byKey.get(key);
    if (!scenario) return undefined;
    if (scenario.remaining !== undefined && --scenario.remaining <= 0) this.byKey.delete(key);
    return scenario.value;
  }

  clear(key?: string): void {
    if (key === undefined) this.byKey.clear();
    else this.byKey.delete(key);
  }
}
