import { tick } from "svelte";
import { commands, type Paper, type PrescriptionSheetView, type VisitSummaryView } from "../bindings";
import { call } from "./api";

export type PrintJob = { kind: "prescription"; sheet: PrescriptionSheetView } | { kind: "summary"; summary: VisitSummaryView };

// What the window prints: the app draws this job's sheet only for `@media print` (and hides everything else
// then), so the screen does not change while printing.
export const printing = $state<{ job: PrintJob | null }>({ job: null });

/** Prints `job` through the OS dialog, or saves it as a PDF named `saveAs`; the file saved, if any. */
export async function printJob(job: PrintJob, saveAs: string | null, paper: Paper): Promise<string | null> {
  printing.job = job;
  await tick();
  try {
    return await call(commands.printPage(saveAs, paper));
  } finally {
    printing.job = null;
  }
}
