import type { PrescriptionSheetView } from "../bindings";

// What the window prints: the app draws this sheet only for `@media print` (and hides everything else then).
export const printJob = $state<{ sheet: PrescriptionSheetView | null }>({ sheet: null });
