import { tick } from "svelte";
import { commands, type Paper, type PrescriptionSheetView, type VisitSummaryView } from "../bindings";
import { call } from "./api";
import { keepAwake } from "./idle";

export type PrintJob = { kind: "prescription"; sheet: PrescriptionSheetView } | { kind: "summary"; summary: VisitSummaryView };

// What the window prints: the app draws this job's sheet only for `@media print` (and hides everything else
// then), so the screen does not change while printing. One job at a time: the print buttons are disabled
// while `job` is set.
export const printing = $state<{ job: PrintJob | null }>({ job: null });

/**
 * Prints `job` through the OS dialog, or saves it as a PDF named `saveAs`; the file saved, if any. The sheet
 * stays until the print is done or the dialog closed, and the window does not lock meanwhile.
 */
export async function printJob(job: PrintJob, saveAs: string | null, paper: Paper): Promise<string | null> {
  if (printing.job !== null) return null;
  printing.job = job;
  const release = keepAwake();
  await tick();
  try {
    return await call(commands.printPage(saveAs, paper));
  } finally {
    printing.job = null;
    release();
  }
}
