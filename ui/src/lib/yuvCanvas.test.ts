import { describe, expect, it } from "vitest";
import { i420ToRgba } from "./yuvCanvas";

function flat(y: number, u: number, v: number) {
  return { view: "far" as const, width: 2, height: 2, y: new Uint8Array(4).fill(y), u: new Uint8Array([u]), v: new Uint8Array([v]) };
}

describe("i420ToRgba", () => {
  const cases: [string, [number, number, number], [number, number, number]][] = [
    ["black", [16, 128, 128], [0, 0, 0]],
    ["white", [235, 128, 128], [255, 255, 255]],
    ["red", [81, 90, 240], [255, 0, 0]],
    ["green", [145, 54, 34], [0, 255, 0]],
    ["blue", [41, 240, 110], [0, 0, 255]],
  ];
  it.each(cases)("%s", (_, [y, u, v], rgb) => {
    const out = new Uint8ClampedArray(16);
    i420ToRgba(flat(y, u, v), out);
    for (let pixel = 0; pixel < 4; pixel++) {
      const got = Array.from(out.slice(pixel * 4, pixel * 4 + 3));
      got.forEach((channel, i) => expect(Math.abs(channel - rgb[i])).toBeLessThanOrEqual(3));
      expect(out[pixel * 4 + 3]).toBe(255);
    }
  });
});
