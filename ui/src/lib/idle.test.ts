import { describe, expect, it } from "vitest";
import { type Clock, IdleTimer } from "./idle";

/** A clock that runs only when told: `advance(ms)` fires what is due. */
class FakeClock implements Clock {
  now = 0;
  private next = 1;
  private due = new Map<number, { at: number; run: () => void }>();
  setTimeout(run: () => void, ms: number): unknown {
    const id = this.next++;
    this.due.set(id, { at: this.now + ms, run });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.due.delete(handle as number);
  }
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const [id, timer] = [...this.due.entries()].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
      if (timer === undefined || timer.at > until) break;
      this.due.delete(id as number);
      this.now = timer.at;
      timer.run();
    }
    this.now = until;
  }
}

type Step = ["wait", number] | ["touch"] | ["hold"] | ["release"] | ["stop"];

/** Runs the steps on a 1000 ms timer and gives the times at which it fired. */
function firesAt(steps: Step[]): number[] {
  const clock = new FakeClock();
  const fired: number[] = [];
  const timer = new IdleTimer(1000, () => fired.push(clock.now), clock);
  const releases: (() => void)[] = [];
  for (const step of steps) {
    if (step[0] === "wait") clock.advance(step[1]);
    else if (step[0] === "touch") timer.touch();
    else if (step[0] === "hold") releases.push(timer.hold());
    else if (step[0] === "release") releases.shift()?.();
    else timer.stop();
  }
  return fired;
}

describe("the idle timer", () => {
  it.each<[string, Step[], number[]]>([
    ["fires once after the quiet time", [["wait", 5000]], [1000]],
    ["a touch starts the quiet time again", [["wait", 900], ["touch"], ["wait", 5000]], [1900]],
    ["not before the quiet time", [["wait", 999]], []],
    ["never while held", [["hold"], ["wait", 10_000]], []],
    ["counts from the release", [["hold"], ["wait", 3000], ["release"], ["wait", 5000]], [4000]],
    ["two holds: the second release counts", [["hold"], ["hold"], ["release"], ["wait", 3000], ["release"], ["wait", 2000]], [4000]],
    ["a stopped timer never fires", [["wait", 500], ["stop"], ["touch"], ["wait", 5000]], []],
    ["touches after firing do not re-arm it", [["wait", 1000], ["touch"], ["wait", 5000]], [1000]],
  ])("%s", (_name, steps, expected) => expect(firesAt(steps)).toEqual(expected));

  it("a release called twice counts once", () => {
    const clock = new FakeClock();
    const fired: number[] = [];
    const timer = new IdleTimer(1000, () => fired.push(clock.now), clock);
    const first = timer.hold();
    timer.hold();
    first();
    first();
    clock.advance(5000);
    expect(fired).toEqual([]);
  });
});
