import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROUTES, emptyItem, itemReady } from "./prescription";

describe("itemReady", () => {
  const full = { ...emptyItem(), drug: "Paracetamol", dose: "500 mg", frequency: "TDS", duration: "3 days" };
  it.each([
    ["a full row", full, true],
    ["no instructions needed", { ...full, instructions: "" }, true],
    ["a blank dose", { ...full, dose: "  " }, false],
    ["an empty row", emptyItem(), false],
  ])("%s", (_, item, ready) => expect(itemReady(item)).toBe(ready));
});

describe("ROUTES", () => {
  it("are the domain's route codes", () => {
    const domain = readFileSync(join(import.meta.dirname, "../../../crates/domain/src/prescription.rs"), "utf8");
    const codes = [...domain.matchAll(/Route::\w+ => "([a-z]+)"/g)].map((m) => m[1]);
    expect([...ROUTES]).toEqual(codes);
  });
});
