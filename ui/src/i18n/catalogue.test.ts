import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalogues, languages } from ".";

// Every `t("key")` with a literal key in the UI's source exists in every catalogue, and every catalogue has
// exactly the English one's keys with the same placeholders.
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(svelte|ts)$/.test(entry.name) && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ""): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === "string" ? [[prefix + key, value] as [string, string]] : leaves(value, `${prefix}${key}.`),
  );
}

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe("the catalogues", () => {
  const root = join(import.meta.dirname, "..");
  const used = sources(root).flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/\bt\("([a-zA-Z0-9_.-]+)"/g)].map((m) => [file, m[1]] as const),
  );
  const english = new Map(leaves(catalogues.en));

  it("finds the keys", () => expect(used.length).toBeGreaterThan(30));
  it.each(used)("%s uses %s, which exists in English", (_file, key) => expect(english.has(key)).toBe(true));

  describe.each(languages.filter((tag) => tag !== "en"))("%s", (tag) => {
    const translated = new Map(leaves(catalogues[tag] as Tree));
    it.each([...english.keys()])("has %s with the same placeholders", (key) => {
      const text = translated.get(key);
      expect(typeof text).toBe("string");
      expect(placeholders(text ?? "")).toEqual(placeholders(english.get(key) ?? ""));
    });
    it("has no key English lacks", () => expect([...translated.keys()].filter((k) => !english.has(k))).toEqual([]));
  });

  it.each(languages)("names %s in every catalogue", (tag) => {
    for (const other of languages) expect(new Map(leaves(catalogues[other] as Tree)).has(`language.${tag}`)).toBe(true);
  });
});
