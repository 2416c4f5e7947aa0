// What the consult screens show, folded from the events the app sends (`ConsultEvent`).

import type {
  ApiError,
  CallSecondView,
  ConsultEvent,
  HistoryView,
  LiveVitalView,
  NoteView,
  PhotoView,
  PrescriptionView,
  QueueEntryView,
} from "../bindings";

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
  /** Doctor: the patient's history from the kiosk's record. */
  history: HistoryView | null;
  /** Doctor: the kiosk's cameras to switch between (1 until it says). */
  kioskCameras: number;
  /** The photo on its way, in either direction. */
  photo: { outgoing: boolean; held: number; total: number } | null;
  /** Kiosk: photos kept with the visit; the doctor's notes and prescriptions filed in its record. */
  photosKept: PhotoView[];
  notes: NoteView[];
  prescriptions: PrescriptionView[];
  /** Doctor: the kiosk's answer for each record sent, by id: stored, refused, or not yet (absent). */
  receipts: Record<string, boolean>;
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
    history: null,
    kioskCameras: 1,
    photo: null,
    photosKept: [],
    notes: [],
    prescriptions: [],
    receipts: {},
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
        history: null,
        kioskCameras: 1,
        photo: null,
        receipts: {},
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
    case "history":
      return { ...state, history: event.history };
    case "kiosk_cameras":
      return { ...state, kioskCameras: event.count };
    case "photo_progress":
      return { ...state, photo: { outgoing: event.outgoing, held: event.held, total: event.total } };
    case "photo_kept":
      return { ...state, photosKept: [...state.photosKept, event.photo] };
    case "notes_filed":
      return { ...state, notes: withRecord(state.notes, event.note) };
    case "prescription_filed":
      return { ...state, prescriptions: withRecord(state.prescriptions, event.prescription) };
    case "receipt":
      return { ...state, receipts: { ...state.receipts, [event.record_id]: event.stored } };
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

/** The records with `record` added, or replacing the one with its id (a push repeated after a lost receipt). */
function withRecord<R extends { id: string }>(records: R[], record: R): R[] {
  return [...records.filter((r) => r.id !== record.id), record];
}

/** Percent of a photo's bytes that have arrived. */
export function photoPercent(photo: { held: number; total: number }): number {
  return photo.total === 0 ? 0 : Math.floor((photo.held * 100) / photo.total);
}
