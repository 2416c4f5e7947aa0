// The doctor's prescription form: its rows as typed, and the routes a medicine may be given by (the codes
// of `eclinic_domain::Route`; the catalogue names each under `route.`).

import type { PrescriptionItemForm } from "../bindings";

export const ROUTES = [
  "oral",
  "sublingual",
  "topical",
  "inhaled",
  "nasal",
  "ophthalmic",
  "otic",
  "rectal",
  "vaginal",
  "intramuscular",
  "intravenous",
  "subcutaneous",
] as const;

export function emptyItem(): PrescriptionItemForm {
  return { drug: "", dose: "", route: "oral", frequency: "", duration: "", instructions: "" };
}

/** A row is ready when each required field has text (instructions are optional). */
export function itemReady(item: PrescriptionItemForm): boolean {
  return [item.drug, item.dose, item.frequency, item.duration].every((field) => field.trim() !== "");
}
