// A picture from the call, as `eclinic_app::consult::picture` packs it: version 1, the view (0 self, 1 far),
// width and height (u16, little-endian), then the I420 planes Y, U and V. A still photo from the far end is
// version 1, view 2, then its JPEG bytes.

export type View = "self" | "far";

export interface Picture {
  view: View;
  width: number;
  height: number;
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
}

const VERSION = 1;
const HEADER = 6;
const PHOTO_VIEW = 2;
const JPEG_START = [0xff, 0xd8];

/** The JPEG photo in `packet`, or null when it holds none. */
export function readPhoto(packet: unknown): Uint8Array | null {
  if (!(packet instanceof ArrayBuffer) || packet.byteLength < 4) return null;
  const bytes = new Uint8Array(packet);
  if (bytes[0] !== VERSION || bytes[1] !== PHOTO_VIEW) return null;
  const jpeg = bytes.subarray(2);
  return jpeg[0] === JPEG_START[0] && jpeg[1] === JPEG_START[1] ? jpeg : null;
}

/** The picture in `packet`, or null when it is not one this build can draw. */
export function readPicture(packet: unknown): Picture | null {
  if (!(packet instanceof ArrayBuffer) || packet.byteLength < HEADER) return null;
  const header = new DataView(packet, 0, HEADER);
  if (header.getUint8(0) !== VERSION) return null;
  const viewByte = header.getUint8(1);
  if (viewByte > 1) return null;
  const width = header.getUint16(2, true);
  const height = header.getUint16(4, true);
  if (width === 0 || height === 0 || width % 2 !== 0 || height % 2 !== 0) return null;
  const luma = width * height;
  const chroma = luma / 4;
  if (packet.byteLength !== HEADER + luma + 2 * chroma) return null;
  return {
    view: viewByte === 0 ? "self" : "far",
    width,
    height,
    y: new Uint8Array(packet, HEADER, luma),
    u: new Uint8Array(packet, HEADER + luma, chroma),
    v: new Uint8Array(packet, HEADER + luma + chroma, chroma),
  };
}
