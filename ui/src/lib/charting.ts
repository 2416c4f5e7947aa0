// uPlot, loaded when the first chart is drawn so the start-up bundle stays small on the kiosk's cheap PC.
//
// uPlot builds `new Intl.NumberFormat(navigator.language)` as its module loads. WebKitGTK derives the tag from
// the process locale, and under C.UTF-8 (common on minimal Debian installs) reports "C", which Intl rejects with
// a RangeError: the import failed and, loaded eagerly, took the whole window with it. The app's own language
// stands in for such a tag.

import type uPlot from "uplot";

/** Whether `Intl.NumberFormat` accepts `tag`, as uPlot needs. */
export function usableLocale(tag: string): boolean {
  try {
    new Intl.NumberFormat(tag);
    return true;
  } catch {
    return false;
  }
}

export async function loadUplot(appLanguage: string): Promise<typeof uPlot> {
  if (!usableLocale(navigator.language)) {
    Object.defineProperty(navigator, "language", { value: appLanguage, configurable: true });
  }
  const module = await import("uplot");
  return module.default;
}
