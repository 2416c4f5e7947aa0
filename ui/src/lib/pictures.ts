// The call's pictures as they arrive: the newest of each view, how many came, and who wants to know. A
// screen draws the newest picture soon after it arrives, so a slow page drops pictures rather than falling
// behind. Drawing is not tied to animation frames: WebKit runs those at one a second in a window without
// focus, and the doctor's video must keep moving while they type notes elsewhere.

import { readPhoto, readPicture, type Picture, type View } from "./picture";

export class PictureHub {
  latest: Record<View, Picture | null> = { self: null, far: null };
  received: Record<View, number> = { self: 0, far: 0 };
  refused = 0;
  /** Still photos from the far end, oldest first (JPEG). */
  photos: Uint8Array[] = [];
  private watchers: Record<View | "photo", Set<() => void>> = { self: new Set(), far: new Set(), photo: new Set() };

  push(packet: unknown): void {
    const photo = readPhoto(packet);
    if (photo) {
      this.photos.push(photo);
      this.watchers.photo.forEach((watcher) => watcher());
      return;
    }
    const picture = readPicture(packet);
    if (!picture) {
      this.refused += 1;
      return;
    }
    this.latest[picture.view] = picture;
    this.received[picture.view] += 1;
    this.watchers[picture.view].forEach((watcher) => watcher());
  }

  /** Calls `watcher` after each new picture of `view` (or photo); returns the function that stops it. */
  watch(view: View | "photo", watcher: () => void): () => void {
    this.watchers[view].add(watcher);
    return () => this.watchers[view].delete(watcher);
  }
}
