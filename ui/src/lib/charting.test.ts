import { afterEach, describe, expect, it, vi } from "vitest";
import { loadUplot, usableLocale } from "./charting";

const check = (tag: string, usable: boolean) =>
  it(`${JSON.stringify(tag)} usable: ${usable}`, () => expect(usableLocale(tag)).toBe(usable));

describe("usableLocale", () => {
  check("en-US", true);
  check("ur-PK", true);
  check("C", false); // WebKitGTK's navigator.language under C.UTF-8
  check("", false);
});

describe("loadUplot", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("stands the app's language in for a tag Intl rejects", async () => {
    vi.stubGlobal("navigator", { language: "c" });
    expect(typeof (await loadUplot("ur"))).toBe("function");
    expect(navigator.language).toBe("ur");
  });

  it("leaves a usable tag alone", async () => {
    vi.stubGlobal("navigator", { language: "en-GB" });
    await loadUplot("ur");
    expect(navigator.language).toBe("en-GB");
  });
});
