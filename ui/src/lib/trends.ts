// The patient's recorded vitals as trend lines for the doctor: one chart per vital, blood pressure's two
// numbers on one chart, each with its readings in time order.

import type { PastVitalView } from "../bindings";

export interface Trend {
  /** The vital's name (`spo2`, …), or `blood-pressure` for systolic and diastolic together. */
  group: string;
  unit: string;
  /** Seconds since 1970, ascending. */
  times: number[];
  /** One line per vital in the group, a value (or null) for each time. */
  lines: { kind: string; values: (number | null)[] }[];
}

const BLOOD_PRESSURE = ["systolic", "diastolic"];

function groupOf(kind: string): string {
  return BLOOD_PRESSURE.includes(kind) ? "blood-pressure" : kind;
}

/** The trends in `vitals`, one per vital and unit (a weight in g is never drawn on a line in kg); readings of
 * an unknown vital or with an unreadable value are left out. */
export function trends(vitals: PastVitalView[]): Trend[] {
  const groups = new Map<string, { group: string; unit: string; readings: { kind: string; at: number; value: number }[] }>();
  for (const vital of vitals) {
    const value = Number(vital.value);
    if (!vital.kind || !Number.isFinite(value)) continue;
    const group = groupOf(vital.kind);
    const key = `${group} ${vital.unit}`;
    const entry = groups.get(key) ?? { group, unit: vital.unit, readings: [] };
    entry.readings.push({ kind: vital.kind, at: Math.round(vital.at_ms / 1000), value });
    groups.set(key, entry);
  }
  return [...groups.values()].map(({ group, unit, readings }) => {
    const times = [...new Set(readings.map((r) => r.at))].sort((a, b) => a - b);
    const kinds = group === "blood-pressure" ? BLOOD_PRESSURE : [readings[0].kind];
    const lines = kinds.map((kind) => ({
      kind,
      values: times.map((at) => readings.filter((r) => r.kind === kind && r.at === at).pop()?.value ?? null),
    }));
    return { group, unit, times, lines };
  });
}

/** The newest reading of each vital, by name. */
export function latest(vitals: PastVitalView[]): PastVitalView[] {
  const newest = new Map<string, PastVitalView>();
  for (const vital of vitals) {
    const known = newest.get(vital.loinc);
    if (!known || vital.at_ms >= known.at_ms) newest.set(vital.loinc, vital);
  }
  return [...newest.values()];
}

const DAY_S = 24 * 3600;

/** The x axis' span in seconds: the readings with a margin; a lone reading sits in the middle of a day. */
export function timeRange(times: number[]): [number, number] {
  if (times.length === 0) return [0, DAY_S];
  const [first, last] = [times[0], times[times.length - 1]];
  if (first === last) return [first - DAY_S / 2, last + DAY_S / 2];
  const margin = (last - first) * 0.05;
  return [first - margin, last + margin];
}

/** The y axis' span: the values with a margin, never flat, so a single reading shows where it lies. */
export function valueRange(min: number | null, max: number | null): [number, number] {
  if (min === null || max === null) return [0, 1];
  const margin = max === min ? Math.max(1, Math.abs(max) * 0.1) : (max - min) * 0.1;
  return [Math.floor(min - margin), Math.ceil(max + margin)];
}

/** A tick on the time axis in the UI's language: the hour within two days, otherwise the date. */
export function timeLabel(seconds: number, spanSeconds: number, language: string): string {
  const at = new Date(seconds * 1000);
  return spanSeconds <= 2 * DAY_S
    ? at.toLocaleTimeString(language, { hour: "2-digit", minute: "2-digit" })
    : at.toLocaleDateString(language, { day: "numeric", month: "short", year: "2-digit" });
}
