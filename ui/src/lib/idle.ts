/** The timer functions an `IdleTimer` uses; tests give fake ones. */
export interface Clock {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: Clock = {
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Calls `onIdle` once when nobody has touched the window for `timeoutMs`. While something holds it awake (a
 * consult in progress: people talk to the doctor without touching anything) it does not fire; the quiet time
 * counts again from the last release.
 */
export class IdleTimer {
  private handle: unknown = null;
  private holds = 0;
  private fired = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly onIdle: () => void,
    private readonly clock: Clock = realClock,
  ) {
    this.arm();
  }

  /** Someone used the window. */
  touch(): void {
    if (!this.fired) this.arm();
  }

  /** Keeps the window awake until the returned function is called (once). */
  hold(): () => void {
    this.holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds -= 1;
      this.touch();
    };
  }

  stop(): void {
    this.fired = true;
    this.clock.clearTimeout(this.handle);
  }

  private arm(): void {
    this.clock.clearTimeout(this.handle);
    this.handle = this.clock.setTimeout(() => this.expire(), this.timeoutMs);
  }

  private expire(): void {
    if (this.holds > 0) return this.arm();
    this.fired = true;
    this.onIdle();
  }
}

/** The window's idle timer while someone is signed in at the kiosk, for the screens that keep it awake. */
let watching: IdleTimer | null = null;

export function watchIdle(timer: IdleTimer | null): void {
  watching?.stop();
  watching = timer;
}

/** Keeps the window from locking until the returned function is called (a no-op when nothing watches). */
export function keepAwake(): () => void {
  return watching?.hold() ?? (() => {});
}

/** Someone used the window. */
export function touched(): void {
  watching?.touch();
}
