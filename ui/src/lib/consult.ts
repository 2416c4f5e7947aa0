// What the consult screens show, folded from the events the app sends (`ConsultEvent`).

import type { ApiError, CallSecondView, ConsultEvent, LiveVitalView, QueueEntryView } from "../bindings";

export type Stage = "queued" | "accepted" | "in_call" | "ended";

export interface ConsultState {
  stage: Stage;
  position: number | null;
  estimatedWaitS: number | null;
  doctorsOnline: number | null;
  doctor: { name: string; pmdc: string | null } | null;
  /** Doctor: the patient taken. */
  patient: { label: string; kiosk: string } | null;
  queue: QueueEntryView[];
  second: CallSecondView | null;
  /** The latest live value of each vital, by LOINC code. */
  vitals: Record<string, LiveVitalView>;
  /** The call's chat, oldest first. */
  chat: { mine: boolean; text: string }[];
  peerAway: boolean;
  outcome: string | null;
  error: ApiError | null;
}

export function initialConsult(): ConsultState {
  return {
    stage: "queued",
    position: null,
    estimatedWaitS: null,
    doctorsOnline: null,
    doctor: null,
    patient: null,
    queue: [],
    second: null,
    vitals: {},
    chat: [],
    peerAway: false,
    outcome: null,
    error: null,
  };
}

export function applyEvent(state: ConsultState, event: ConsultEvent): ConsultState {
  switch (event.event) {
    case "queued":
      return { ...state, position: event.position, estimatedWaitS: event.estimated_wait_s };
    case "doctors_online":
      return { ...state, doctorsOnline: event.count };
    case "queue":
      return { ...state, queue: event.entries };
    case "accepted":
      return { ...state, stage: "accepted", doctor: { name: event.doctor, pmdc: event.pmdc }, error: null };
    case "taken":
      return {
        ...state,
        stage: "accepted",
        patient: { label: event.label, kiosk: event.kiosk },
        second: null,
        vitals: {},
        chat: [],
        outcome: null,
        error: null,
      };
    case "second":
      // A call's last seconds may trail its end: they do not bring it back.
      if (state.stage !== "accepted" && state.stage !== "in_call") return state;
      return { ...state, stage: "in_call", second: event.stats };
    case "peer_away":
      return { ...state, peerAway: true };
    case "peer_back":
      return { ...state, peerAway: false };
    case "vital":
      return { ...state, vitals: { ...state.vitals, [event.vital.loinc]: event.vital } };
    case "chat":
      return withChat(state, false, event.text);
    case "ended":
      return { ...state, stage: "ended", outcome: event.outcome, peerAway: false };
    case "failed":
      return { ...state, error: event.error };
  }
}

/** Minutes to wait, rounded up; null while unknown. */
export function waitMinutes(seconds: number | null): number | null {
  return seconds === null ? null : Math.max(1, Math.ceil(seconds / 60));
}

/** The state with a chat line added: `mine` for one this end sent. */
export function withChat(state: ConsultState, mine: boolean, text: string): ConsultState {
  return { ...state, chat: [...state.chat, { mine, text }] };
}

/** Whole minutes a queued patient has waited: `waitingS` as of `receivedAtMs`, read at `nowMs` (a clock that
 *  ticks each second may read a little before the queue arrived). */
export function minutesWaited(waitingS: number, receivedAtMs: number, nowMs: number): number {
  return Math.floor((waitingS + Math.max(0, nowMs - receivedAtMs) / 1000) / 60);
}
