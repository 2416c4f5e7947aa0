import { describe, expect, it } from "vitest";
import { formatCnic, isCompleteCnic } from "./cnic";

describe("formatCnic puts the dashes where they belong however it is typed", () => {
  const cases: [string, string][] = [
    ["3520248392016", "35202-4839201-6"],
    ["35202-4839201-6", "35202-4839201-6"],
    ["35202 4839201 6", "35202-4839201-6"],
    ["352024", "35202-4"],
    ["35202", "35202"],
    ["3520248392016999", "35202-4839201-6"],
    ["abc", ""],
  ];
  it.each(cases)("%s -> %s", (typed, expected) => expect(formatCnic(typed)).toBe(expected));
});

describe("isCompleteCnic", () => {
  const cases: [string, boolean][] = [
    ["35202-4839201-6", true],
    ["85202-4839201-6", false], // no province 8
    ["35202-4839201", false],
    ["3520248392016", false],
  ];
  it.each(cases)("%s -> %s", (text, expected) => expect(isCompleteCnic(text)).toBe(expected));
});
