import { describe, expect, it } from "vitest";
import type { PastVitalView } from "../bindings";
import { latest, timeLabel, timeRange, trends, valueRange } from "./trends";

const reading = (kind: string | null, value: string, at_s: number, unit = "%"): PastVitalView => ({
  loinc: `${kind}-code`,
  kind,
  value,
  unit,
  at_ms: at_s * 1000,
});

describe("trends", () => {
  it("puts each vital on its own line, in time order", () => {
    const got = trends([reading("spo2", "97", 200), reading("spo2", "94", 100), reading("heart-rate", "80", 100, "/min")]);
    expect(got).toEqual([
      { group: "spo2", unit: "%", times: [100, 200], lines: [{ kind: "spo2", values: [94, 97] }] },
      { group: "heart-rate", unit: "/min", times: [100], lines: [{ kind: "heart-rate", values: [80] }] },
    ]);
  });

  it("draws blood pressure's two numbers on one chart", () => {
    const bp = trends([
      reading("systolic", "120", 10, "mm[Hg]"),
      reading("diastolic", "80", 10, "mm[Hg]"),
      reading("systolic", "135", 20, "mm[Hg]"),
    ]);
    expect(bp).toEqual([
      {
        group: "blood-pressure",
        unit: "mm[Hg]",
        times: [10, 20],
        lines: [
          { kind: "systolic", values: [120, 135] },
          { kind: "diastolic", values: [80, null] },
        ],
      },
    ]);
  });

  it("leaves out unknown vitals and unreadable values", () => {
    expect(trends([reading(null, "5", 1), reading("spo2", "n/a", 2)])).toEqual([]);
  });
});

describe("latest", () => {
  it("keeps the newest reading of each vital", () => {
    const got = latest([reading("spo2", "94", 100), reading("spo2", "97", 200), reading("heart-rate", "80", 50)]);
    expect(got.map((v) => [v.kind, v.value])).toEqual([
      ["spo2", "97"],
      ["heart-rate", "80"],
    ]);
  });
});

describe("units", () => {
  it("draws readings in different units on different charts", () => {
    const weights = trends([reading("weight", "3500", 10, "g"), reading("weight", "4.1", 20, "kg")]);
    expect(weights.map((t) => [t.unit, t.lines[0].values])).toEqual([
      ["g", [3500]],
      ["kg", [4.1]],
    ]);
  });
});

describe("axes", () => {
  const day = 24 * 3600;
  const checkTime = (times: number[], expected: [number, number]) =>
    it(`time range of ${JSON.stringify(times)}`, () => expect(timeRange(times)).toEqual(expected));
  checkTime([], [0, day]);
  checkTime([10 * day], [9.5 * day, 10.5 * day]);
  checkTime([0, 100], [-5, 105]);

  const checkValue = (min: number | null, max: number | null, expected: [number, number]) =>
    it(`value range of ${min}..${max}`, () => expect(valueRange(min, max)).toEqual(expected));
  checkValue(96, 96, [86, 106]);
  checkValue(0.5, 0.5, [-1, 2]);
  checkValue(78, 118, [74, 122]);
  checkValue(null, null, [0, 1]);

  it("labels ticks with the hour within two days, with the date beyond", () => {
    const noon = Date.UTC(2026, 11, 3, 12, 0) / 1000;
    expect(timeLabel(noon, day, "en-GB")).toMatch(/^\d\d:00$/);
    expect(timeLabel(noon, 30 * day, "en-GB")).toMatch(/Dec 26$/);
  });
});
