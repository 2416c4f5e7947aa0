// The two channels a consult streams over: its events, folded into the screen's state, and its pictures.

import { Channel } from "@tauri-apps/api/core";
import type { ConsultEvent } from "../bindings";
import { PictureHub } from "./pictures";

export function consultChannels(onEvent: (event: ConsultEvent) => void): {
  events: Channel<ConsultEvent>;
  pictures: Channel<unknown>;
  hub: PictureHub;
} {
  const hub = new PictureHub();
  const events = new Channel<ConsultEvent>();
  events.onmessage = onEvent;
  const pictures = new Channel<unknown>();
  pictures.onmessage = (packet) => hub.push(packet);
  return { events, pictures, hub };
}
