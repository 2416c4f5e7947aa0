import type { ObservationView } from "../bindings";

/** The vitals a health worker types most, in the order of the form's list. */
export const TYPED_KINDS = ["temperature", "spo2", "heart-rate", "systolic", "diastolic", "respiratory-rate", "weight", "height", "glucose"];

/** Units as people read them (UCUM codes are for machines). */
const UNIT_LABELS: Record<string, string> = {
  Cel: "°C",
  "[degF]": "°F",
  "/min": "/min",
  "%": "%",
  "mm[Hg]": "mmHg",
  kg: "kg",
  cm: "cm",
  "mg/dL": "mg/dL",
  "mmol/L": "mmol/L",
};

export function unitLabel(unit: string): string {
  return UNIT_LABELS[unit] ?? unit;
}

/** The latest reading of each vital, newest wins. */
export function latestByKind(readings: ObservationView[]): Map<string, ObservationView> {
  const latest = new Map<string, ObservationView>();
  for (const r of readings) {
    const kind = r.kind ?? r.loinc;
    const known = latest.get(kind);
    if (!known || known.effective_at_ms <= r.effective_at_ms) latest.set(kind, r);
  }
  return latest;
}
