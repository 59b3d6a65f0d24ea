/**
 * One read shared by every caller that asks for the same key within `maxAgeMs` of it, so that page
 * loads close together cost one read; a read that fails is dropped at once, not shared.
 */
export class SharedRead<T> {
  private current: { readonly key: string; readonly at: number; readonly value: Promise<T> } | undefined;

  constructor(
    private readonly maxAgeMs: number,
    private readonly now: () => number,
  ) {}

  get(key: string, read: () => Promise<T>): Promise<T> {
    const now = this.now();
    const cached = this.current;
    if (cached && cached.key === key && now - cached.at < this.maxAgeMs) return cached.value;
    const value = read();
    this.current = { key, at: now, value };
    value.catch(() => {
      if (this.current?.value === value) this.current = undefined;
    });
    return value;
  }
}
