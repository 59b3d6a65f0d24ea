/** How many gated calls are in flight now, and the most there ever were at once. */
export interface InFlight {
  now: number;
  peak: number;
}

export function inFlight(): InFlight {
  return { now: 0, peak: 0 };
}

/** A call that stays in flight until released, counted in `counter` while it runs. */
export function gate(counter: InFlight) {
  let release: () => void = () => undefined;
  let started = false;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const call = async () => {
    started = true;
    counter.now++;
    counter.peak = Math.max(counter.peak, counter.now);
    await released;
    counter.now--;
  };
  return { call, release: () => release(), started: () => started };
}

/** Lets every promise callback that is already due run. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));
