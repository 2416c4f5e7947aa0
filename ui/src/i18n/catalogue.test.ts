import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import en from "./en.json";

// Every `t("key")` with a literal key in the UI's source exists in the catalogue.
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(svelte|ts)$/.test(entry.name) && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

function lookup(key: string): unknown {
  return key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], en);
}

describe("the English catalogue", () => {
  const root = join(import.meta.dirname, "..");
  const keys = sources(root).flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/\bt\("([a-zA-Z0-9_.-]+)"/g)].map((m) => [file, m[1]] as const),
  );
  it("finds the keys", () => expect(keys.length).toBeGreaterThan(30));
  it.each(keys)("%s uses %s, which exists", (_file, key) => expect(typeof lookup(key)).toBe("string"));
});
