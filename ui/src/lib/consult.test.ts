import { describe, expect, it } from "vitest";
import type { ConsultEvent } from "../bindings";
import {
  applyEvent,
  initialConsult,
  minutesWaited,
  photoPercent,
  waitMinutes,
  withChat,
  type ConsultState,
} from "./consult";

function fold(events: ConsultEvent[]): ConsultState {
  return events.reduce(applyEvent, initialConsult());
}

const second = {
  second: 1,
  send_kbps: 250,
  receive_kbps: 240,
  estimate_kbps: 300,
  received_fps: 15,
  width: 320,
  height: 240,
  freeze_ms: 0,
  loss_permille: 0,
  rtt_ms: 40,
  quality: "good",
};

describe("applyEvent", () => {
  const cases: [string, ConsultEvent[], Partial<ConsultState>][] = [
    ["a queued patient's place", [{ event: "queued", position: 2, estimated_wait_s: 300 }], { position: 2, estimatedWaitS: 300, stage: "queued" }],
    ["doctors online", [{ event: "doctors_online", count: 3 }], { doctorsOnline: 3 }],
    ["the doctor who took the patient", [{ event: "accepted", doctor: "Dr Saima", pmdc: "54321-P" }], { stage: "accepted", doctor: { name: "Dr Saima", pmdc: "54321-P" } }],
    ["the call once a second arrives", [{ event: "accepted", doctor: "D", pmdc: null }, { event: "second", stats: second }], { stage: "in_call", second }],
    ["the far end away and back", [{ event: "peer_away" }, { event: "peer_back" }], { peerAway: false }],
    ["the end", [{ event: "accepted", doctor: "D", pmdc: null }, { event: "second", stats: second }, { event: "ended", outcome: "completed" }], { stage: "ended", outcome: "completed" }],
    ["a second trailing the end", [{ event: "accepted", doctor: "D", pmdc: null }, { event: "ended", outcome: "completed" }, { event: "second", stats: second }], { stage: "ended", second: null }],
    ["no call before a doctor takes the patient", [{ event: "second", stats: second }], { stage: "queued", second: null }],
    ["a failure, kept beside the state", [{ event: "queued", position: 1, estimated_wait_s: null }, { event: "failed", error: { code: "server_unreachable", message: "m" } }], { position: 1, error: { code: "server_unreachable", message: "m" } }],
    ["a new patient taken clears the last call", [{ event: "vital", vital: { loinc: "59408-5", kind: "spo2", value: "97", unit: "%" } }, { event: "ended", outcome: "completed" }, { event: "taken", label: "fever", kiosk: "Thatta" }], { stage: "accepted", vitals: {}, outcome: null, patient: { label: "fever", kiosk: "Thatta" } }],
    ["a photo on its way", [{ event: "photo_progress", outgoing: false, held: 24576, total: 100000 }], { photo: { outgoing: false, held: 24576, total: 100000 } }],
    ["the kiosk's receipts", [{ event: "receipt", record_id: "n1", stored: true }, { event: "receipt", record_id: "p1", stored: false }], { receipts: { n1: true, p1: false } }],
    ["the kiosk's cameras", [{ event: "kiosk_cameras", count: 2 }], { kioskCameras: 2 }],
    ["one camera until the next kiosk says", [{ event: "kiosk_cameras", count: 2 }, { event: "taken", label: "next", kiosk: "K" }], { kioskCameras: 1 }],
    ["a photo kept", [{ event: "photo_kept", photo: { id: "ph", taken_at_ms: 1, width: 1920, height: 1080 } }], { photosKept: [{ id: "ph", taken_at_ms: 1, width: 1920, height: 1080 }] }],
  ];
  it.each(cases)("folds %s", (_, events, expected) => {
    expect(fold(events)).toMatchObject(expected);
  });

  it("keeps the chat in order, whoever wrote each line", () => {
    const state = withChat(fold([{ event: "chat", text: "Please show the rash" }]), true, "Here it is");
    expect(state.chat).toEqual([
      { mine: false, text: "Please show the rash" },
      { mine: true, text: "Here it is" },
    ]);
    expect(applyEvent(state, { event: "taken", label: "next", kiosk: "K" }).chat).toEqual([]);
  });

  it("keeps the latest value of each vital", () => {
    const state = fold([
      { event: "vital", vital: { loinc: "59408-5", kind: "spo2", value: "97", unit: "%" } },
      { event: "vital", vital: { loinc: "8867-4", kind: "heart-rate", value: "80", unit: "/min" } },
      { event: "vital", vital: { loinc: "59408-5", kind: "spo2", value: "95", unit: "%" } },
    ]);
    expect(Object.values(state.vitals).map((v) => v.value)).toEqual(["95", "80"]);
  });
});

describe("waitMinutes", () => {
  it.each([
    [null, null],
    [0, 1],
    [59, 1],
    [61, 2],
    [600, 10],
  ])("%s s is %s min", (seconds, minutes) => {
    expect(waitMinutes(seconds)).toBe(minutes);
  });
});

describe("minutesWaited", () => {
  it.each([
    [0, 1_000, 1_000, 0],
    [0, 1_500, 1_000, 0],
    [59, 0, 999, 0],
    [59, 0, 1_000, 1],
    [130, 10_000, 70_000, 3],
  ])("waited %s s at %s ms, read at %s ms: %s min", (waitingS, receivedAt, now, minutes) => {
    expect(minutesWaited(waitingS, receivedAt, now)).toBe(minutes);
  });
});

describe("filed records", () => {
  const note = (plan: string) => ({
    id: "note-1",
    author: "Dr Saima",
    pmdc: "54321-P",
    written_at_ms: 5,
    subjective: "",
    objective: "",
    assessment: "",
    plan,
  });
  it("a note filed again replaces itself rather than showing twice", () => {
    const state = fold([
      { event: "notes_filed", note: note("ORS") },
      { event: "notes_filed", note: { ...note("rest"), id: "note-2" } },
      { event: "notes_filed", note: note("ORS") },
    ]);
    expect(state.notes.map((n) => n.id)).toEqual(["note-2", "note-1"]);
  });
});

describe("photoPercent", () => {
  it.each([
    [0, 0, 0],
    [0, 100, 0],
    [50, 100, 50],
    [99_999, 100_000, 99],
    [100, 100, 100],
  ])("%i of %i bytes is %i %%", (held, total, percent) => {
    expect(photoPercent({ held, total })).toBe(percent);
  });
});
