import { describe, expect, it } from "vitest";
import type { ObservationView } from "../bindings";
import { latestByKind, unitLabel } from "./vitals";

function reading(kind: string, value: string, at: number): ObservationView {
  return {
    id: `${kind}-${at}`,
    patient: "p",
    encounter: null,
    loinc: "0000-0",
    kind,
    value,
    unit: "%",
    effective_at_ms: at,
    status: "final",
    flags: [],
    device: null,
  };
}

describe("latestByKind keeps the newest reading of each vital", () => {
  it("whatever order readings arrive in", () => {
    const latest = latestByKind([reading("spo2", "97", 2), reading("spo2", "95", 1), reading("heart-rate", "80", 1)]);
    expect([...latest.keys()].sort()).toEqual(["heart-rate", "spo2"]);
    expect(latest.get("spo2")?.value).toBe("97");
  });
});

describe("unitLabel", () => {
  const cases: [string, string][] = [
    ["Cel", "°C"],
    ["mm[Hg]", "mmHg"],
    ["kPa", "kPa"],
  ];
  it.each(cases)("%s -> %s", (unit, label) => expect(unitLabel(unit)).toBe(label));
});
