import { describe, expect, it } from "vitest";
import { readPhoto, readPicture } from "./picture";

function packet(version: number, view: number, width: number, height: number, planeBytes?: number): ArrayBuffer {
  const planes = planeBytes ?? (width * height * 3) / 2;
  const buffer = new ArrayBuffer(6 + planes);
  const header = new DataView(buffer);
  header.setUint8(0, version);
  header.setUint8(1, view);
  header.setUint16(2, width, true);
  header.setUint16(4, height, true);
  new Uint8Array(buffer, 6).forEach((_, i, plane) => (plane[i] = i % 251));
  return buffer;
}

describe("readPicture", () => {
  it("reads the planes of a well-formed picture", () => {
    const picture = readPicture(packet(1, 1, 4, 2));
    expect(picture?.view).toBe("far");
    expect([picture?.width, picture?.height]).toEqual([4, 2]);
    expect(Array.from(picture?.y ?? [])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(picture?.u ?? [])).toEqual([8, 9]);
    expect(Array.from(picture?.v ?? [])).toEqual([10, 11]);
    expect(readPicture(packet(1, 0, 320, 240))?.view).toBe("self");
  });

  const refused: [string, unknown][] = [
    ["not a buffer", "hello"],
    ["shorter than a header", new ArrayBuffer(3)],
    ["another version", packet(2, 0, 4, 2)],
    ["an unknown view", packet(1, 7, 4, 2)],
    ["zero width", packet(1, 0, 0, 2, 0)],
    ["odd size", packet(1, 0, 3, 2, 9)],
    ["truncated planes", packet(1, 0, 4, 2, 11)],
    ["trailing bytes", packet(1, 0, 4, 2, 13)],
  ];
  it.each(refused)("refuses %s", (_, input) => {
    expect(readPicture(input)).toBeNull();
  });
});

describe("readPhoto", () => {
  const bytes = (...values: number[]) => new Uint8Array(values).buffer;
  it("reads the JPEG behind the header", () => {
    expect(Array.from(readPhoto(bytes(1, 2, 0xff, 0xd8, 0xff, 0xe0)) ?? [])).toEqual([0xff, 0xd8, 0xff, 0xe0]);
  });
  const refused: [string, unknown][] = [
    ["not a buffer", "hello"],
    ["a picture", packet(1, 1, 4, 2)],
    ["another version", bytes(2, 2, 0xff, 0xd8, 0xff)],
    ["not a JPEG", bytes(1, 2, 0x89, 0x50, 0x4e)],
    ["too short", bytes(1, 2, 0xff)],
  ];
  it.each(refused)("refuses %s", (_, input) => {
    expect(readPhoto(input)).toBeNull();
  });
});
