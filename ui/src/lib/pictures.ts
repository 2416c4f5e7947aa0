// The call's pictures as they arrive: the newest of each view, and how many came. Screens draw the newest on
// each animation frame, so a slow page drops pictures rather than falling behind.

import { readPicture, type Picture, type View } from "./picture";

export class PictureHub {
  latest: Record<View, Picture | null> = { self: null, far: null };
  received: Record<View, number> = { self: 0, far: 0 };
  refused = 0;

  push(packet: unknown): void {
    const picture = readPicture(packet);
    if (!picture) {
      this.refused += 1;
      return;
    }
    this.latest[picture.view] = picture;
    this.received[picture.view] += 1;
  }
}
