//! The task behind a `Desk`: it follows the server's messages (the queue, the doctor's acceptance, the
//! descriptions, the end) and the screen's commands, and runs the call when both ends are ready.

use std::sync::Arc;
use std::time::Duration;

use eclinic_call::channel::{Message, RecordId};
use eclinic_call_session::{
    Call, CallCommand, CallHooks, CallObserver, CallReport, Description, NetworkSetup, PhotoProgress, SessionError,
};
use eclinic_connect::{ConnectError, Signal};
use eclinic_domain::NoteId;
use eclinic_media::video::{I420Frame, StillPhoto};
use eclinic_signal::wire::{ErrorCode, QueueEntry};
use eclinic_signal::{ClientMessage as C, ServerMessage as S};
use std::time::Instant;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::events::{ConsultEvent, LiveVitalView, QueueEntryView, outcome_code, saturate};
use super::filing::Filing;
use super::media::{Speaker, call_media};
use super::picture::{View, photo_packet, picture_packet, self_view_packet};
use super::{ConsultSink, DeskCommand, description_message};
use crate::documents::DoctorIdentity;
use crate::pace::{LIVE_VITAL_EVERY, Pace};
use crate::{ApiError, AppError};

/// No consult lasts longer; a call left running by mistake ends by itself.
const LONGEST_CALL: Duration = Duration::from_secs(4 * 3600);
/// How long leaving waits for the call's orderly end (the far end's summary).
const HANG_UP_LIMIT: Duration = Duration::from_secs(5);

/// What the call hands the desk to act on (filing, answering), rather than only to show.
pub(super) enum Arrival {
    /// Notes, a prescription or a receipt from the far end.
    Record(Message),
    /// A photo this end's camera took for the far end.
    Photo(StillPhoto),
}

struct ScreenObserver {
    sink: Arc<dyn ConsultSink>,
    speaker: Option<Speaker>,
    arrivals: mpsc::UnboundedSender<Arrival>,
}

impl CallObserver for ScreenObserver {
    fn picture_sent(&self, frame: &I420Frame) {
        self.sink.picture(self_view_packet(frame));
    }
    fn picture_received(&self, frame: &I420Frame) {
        self.sink.picture(picture_packet(View::Far, frame));
    }
    fn speech_received(&self, pcm: &[i16]) {
        if let Some(speaker) = &self.speaker {
            speaker.play(pcm);
        }
    }
    fn message(&self, message: &Message) {
        match message {
            Message::Vital(vital) => self.sink.event(ConsultEvent::Vital { vital: LiveVitalView::from(vital) }),
            Message::Chat { text } => self.sink.event(ConsultEvent::Chat { text: text.clone() }),
            Message::History(history) => self.sink.event(ConsultEvent::History { history: history.into() }),
            Message::Cameras { count } => self.sink.event(ConsultEvent::KioskCameras { count: *count }),
            Message::Notes(_) | Message::Prescription(_) | Message::Receipt { .. } => {
                let _ = self.arrivals.send(Arrival::Record(message.clone()));
            }
            _ => {}
        }
    }
    fn photo_taken(&self, photo: &StillPhoto) {
        let _ = self.arrivals.send(Arrival::Photo(photo.clone()));
    }
    fn photo_progress(&self, progress: PhotoProgress) {
        let PhotoProgress { outgoing, held, total } = progress;
        self.sink.event(ConsultEvent::PhotoProgress { outgoing, held, total });
    }
    fn photo_received(&self, jpeg: &[u8]) {
        self.sink.picture(photo_packet(jpeg));
    }
}

struct RunningCall {
    started: tokio::time::Instant,
    vitals: Pace,
    commands: mpsc::UnboundedSender<CallCommand>,
    /// This end's descriptions for an ICE restart, to send through the server.
    descriptions: mpsc::UnboundedReceiver<Description>,
    task: JoinHandle<Result<CallReport, SessionError>>,
}

/// The desk's state: the connection, the consult in progress and its call.
pub(super) struct Line {
    /// `None` once the server connection is lost: a call in progress goes on (media is end to end) until
    /// either end hangs up.
    signal: Option<Signal>,
    network: NetworkSetup,
    sink: Arc<dyn ConsultSink>,
    /// The consult this desk is part of (queued, or in progress).
    consult: Option<String>,
    /// A doctor took it: leaving ends it rather than cancelling.
    accepted: bool,
    /// Doctor: the call offered, waiting for the kiosk's answer.
    offered: Option<Call>,
    call: Option<RunningCall>,
    /// Doctor: the waiting patients, each with when the server said how long it had waited.
    queue: Vec<(QueueEntry, Instant)>,
    /// Kiosk: the open visit's record, where the consult's documents go.
    filing: Option<Filing>,
    /// Kiosk: the doctor who took the patient, as the server named them.
    doctor: Option<DoctorIdentity>,
    arrivals: mpsc::UnboundedSender<Arrival>,
    /// What the calls handed over, filed in turn (and all of it once a call has ended).
    arrived: mpsc::UnboundedReceiver<Arrival>,
}

enum Next {
    Continue,
    Stop,
}

/// A call from this end: the doctor offers, the kiosk answers (and lends the doctor its camera).
async fn new_call(network: &NetworkSetup, kiosk: bool) -> Result<Call, AppError> {
    Ok(Call::new(network, call_media(kiosk)?).await?)
}

fn fail(sink: &dyn ConsultSink, error: AppError) {
    sink.event(ConsultEvent::Failed { error: ApiError::from(error) });
}

/// What the running call has for the desk.
enum FromCall {
    Ended(Result<CallReport, SessionError>),
    /// Its ICE restart's description, for the far end.
    Description(Description),
}

/// Waits for the running call to end or to restart ICE; never, when there is none.
async fn from_call(call: &mut Option<RunningCall>) -> FromCall {
    let Some(running) = call else { return std::future::pending().await };
    tokio::select! {
        ended = &mut running.task => FromCall::Ended(ended.unwrap_or(Err(SessionError::ConnectionFailed))),
        Some(description) = running.descriptions.recv() => FromCall::Description(description),
    }
}

/// The next message from the server; never, once the connection is lost.
async fn next_message(signal: &mut Option<Signal>) -> Result<Option<S>, ConnectError> {
    match signal {
        Some(signal) => signal.recv().await,
        None => std::future::pending().await,
    }
}

/// The outcome shown when a call ends after the server connection was lost.
const DISCONNECTED: &str = "disconnected";

pub(super) async fn run(mut line: Line, mut commands: mpsc::UnboundedReceiver<DeskCommand>) {
    loop {
        let next = tokio::select! {
            message = next_message(&mut line.signal) => match message {
                Ok(Some(message)) => line.handle_server(message).await,
                // A message this build cannot read (a newer server's) is skipped, not fatal.
                Err(ConnectError::Wire(e)) => {
                    tracing::warn!(error = %e, "skipped an unreadable server message");
                    Next::Continue
                }
                Ok(None) => line.lost_server(AppError::ServerClosed),
                Err(e) => line.lost_server(e.into()),
            },
            command = commands.recv() => match command {
                Some(command) => line.handle_command(command).await,
                // The desk was dropped: sign-out, a new visit, or the window closing.
                None => Next::Stop,
            },
            from_call = from_call(&mut line.call) => match from_call {
                FromCall::Ended(ended) => {
                    line.call = None;
                    line.call_ended(ended).await
                }
                FromCall::Description(description) => line.send_description(description).await,
            },
            Some(arrival) = line.arrived.recv() => {
                line.handle_arrival(arrival).await;
                Next::Continue
            }
        };
        if let Next::Stop = next {
            break;
        }
    }
    line.leave().await;
}

impl Line {
    pub(super) fn new(
        signal: Signal,
        network: NetworkSetup,
        sink: Arc<dyn ConsultSink>,
        filing: Option<Filing>,
    ) -> Self {
        let (arrivals, arrived) = mpsc::unbounded_channel();
        Self {
            signal: Some(signal),
            network,
            sink,
            consult: None,
            accepted: false,
            offered: None,
            call: None,
            queue: Vec::new(),
            filing,
            doctor: None,
            arrivals,
            arrived,
        }
    }

    async fn send(&mut self, message: &C) -> Next {
        let Some(signal) = &mut self.signal else { return Next::Continue };
        match signal.send(message).await {
            Ok(()) => Next::Continue,
            Err(e) => self.lost_server(e.into()),
        }
    }

    /// The server connection is gone: the desk ends (a queued patient's consult with it), unless a call is
    /// in progress.
    fn lost_server(&mut self, error: AppError) -> Next {
        fail(&*self.sink, error);
        self.signal = None;
        if self.call.is_some() { Next::Continue } else { self.ended_without_server() }
    }

    /// Without the server the consult cannot be ended for both: each end's call ends on its own.
    fn ended_without_server(&mut self) -> Next {
        self.sink.event(ConsultEvent::Ended { outcome: DISCONNECTED.to_owned() });
        Next::Stop
    }

    fn show_queue(&mut self) {
        let mut entries: Vec<QueueEntryView> = self
            .queue
            .iter()
            .map(|(entry, told_at)| {
                let mut view = QueueEntryView::from(entry);
                view.waiting_s = view.waiting_s.saturating_add(saturate(told_at.elapsed().as_secs()));
                view
            })
            .collect();
        // Emergencies first, then urgent, then routine; the longest waiting first within each.
        entries.sort_by(|a, b| b.priority_rank.cmp(&a.priority_rank).then(b.waiting_s.cmp(&a.waiting_s)));
        self.sink.event(ConsultEvent::Queue { entries });
    }

    async fn handle_server(&mut self, message: S) -> Next {
        match message {
            S::Queued { consult_id, position, estimated_wait_s, .. } => {
                self.consult = Some(consult_id);
                self.sink.event(ConsultEvent::Queued { position, estimated_wait_s: estimated_wait_s.map(saturate) });
            }
            S::Position { position, estimated_wait_s, .. } => {
                self.sink.event(ConsultEvent::Queued { position, estimated_wait_s: estimated_wait_s.map(saturate) });
            }
            S::DoctorsOnline { count } => self.sink.event(ConsultEvent::DoctorsOnline { count }),
            S::QueueSnapshot { entries } => {
                let now = Instant::now();
                self.queue = entries.into_iter().map(|entry| (entry, now)).collect();
                self.show_queue();
            }
            S::QueueUpdated { entry } => {
                self.queue.retain(|(e, _)| e.consult_id != entry.consult_id);
                self.queue.push((entry, Instant::now()));
                self.show_queue();
            }
            S::QueueRemoved { consult_id } => {
                self.queue.retain(|(e, _)| e.consult_id != consult_id);
                self.show_queue();
            }
            S::Accepted { doctor, .. } => {
                self.accepted = true;
                self.doctor = Some(DoctorIdentity { name: doctor.name.clone(), pmdc: doctor.pmdc.clone() });
                self.sink.event(ConsultEvent::Accepted { doctor: doctor.name, pmdc: doctor.pmdc });
            }
            S::ConsultStarted { consult_id, kiosk, label, .. } => {
                self.consult = Some(consult_id.clone());
                self.accepted = true;
                self.sink.event(ConsultEvent::Taken { label, kiosk });
                return self.offer(consult_id).await;
            }
            // A second offer during the call is the doctor's ICE restart.
            S::Offer { sdp, .. } if self.call.is_some() => {
                self.to_call(CallCommand::RemoteDescription(Description::Offer(sdp)));
            }
            S::Offer { consult_id, sdp } => return self.answer(consult_id, &sdp).await,
            S::Answer { sdp, .. } => match self.offered.take() {
                Some(mut call) => match call.accept_answer(&sdp).await {
                    Ok(()) => self.start_call(call),
                    Err(e) => {
                        call.close().await;
                        return self.give_up(e.into()).await;
                    }
                },
                // The kiosk's answer to this end's ICE restart.
                None => {
                    self.to_call(CallCommand::RemoteDescription(Description::Answer(sdp)));
                }
            },
            S::PeerAway { .. } => self.sink.event(ConsultEvent::PeerAway),
            S::PeerBack { .. } => self.sink.event(ConsultEvent::PeerBack),
            S::Ended { consult_id, outcome } if self.consult.as_ref() == Some(&consult_id) => {
                self.consult = None;
                self.accepted = false;
                self.discard_offer().await;
                self.hang_up().await;
                self.sink.event(ConsultEvent::Ended { outcome: outcome_code(outcome).to_owned() });
            }
            // Our own end crossed the far end's: the consult is already over.
            S::Error { code: ErrorCode::UnknownConsult, consult_id: Some(id), .. }
                if Some(&id) != self.consult.as_ref() => {}
            // Refusals are not fatal: the doctor tried for a patient someone else took, the queue is full…
            S::Error { code, message, .. } => {
                tracing::info!(?code, %message, "the server refused a consult message");
                fail(&*self.sink, AppError::Refused(code));
            }
            _ => {}
        }
        Next::Continue
    }

    /// Doctor: the consult is ours; offer the call.
    async fn offer(&mut self, consult_id: String) -> Next {
        let mut call = match new_call(&self.network, false).await {
            Ok(call) => call,
            Err(e) => return self.give_up(e).await,
        };
        match call.offer().await {
            Ok(sdp) => {
                self.discard_offer().await;
                self.offered = Some(call);
                self.send(&C::Offer { consult_id, sdp }).await
            }
            Err(e) => {
                call.close().await;
                self.give_up(e.into()).await
            }
        }
    }

    /// Doctor: the call offered and not answered is not needed any more.
    async fn discard_offer(&mut self) {
        if let Some(call) = self.offered.take() {
            call.close().await;
        }
    }

    /// Kiosk: the doctor's offer; answer and start.
    async fn answer(&mut self, consult_id: String, offer: &str) -> Next {
        let mut call = match new_call(&self.network, true).await {
            Ok(call) => call,
            Err(e) => return self.give_up(e).await,
        };
        match call.answer(offer).await {
            Ok(sdp) => {
                let next = self.send(&C::Answer { consult_id, sdp }).await;
                self.start_call(call);
                self.send_history().await;
                next
            }
            Err(e) => {
                call.close().await;
                self.give_up(e.into()).await
            }
        }
    }

    fn start_call(&mut self, call: Call) {
        let observer = ScreenObserver {
            sink: Arc::clone(&self.sink),
            speaker: Speaker::open_default(),
            arrivals: self.arrivals.clone(),
        };
        let (hooks, commands, descriptions) = CallHooks::with_signalling(Arc::new(observer));
        let sink = Arc::clone(&self.sink);
        let task = tokio::spawn(call.run(LONGEST_CALL, hooks, move |second| {
            sink.event(ConsultEvent::Second { stats: second.into() });
        }));
        let started = tokio::time::Instant::now();
        self.call = Some(RunningCall { started, vitals: Pace::new(LIVE_VITAL_EVERY), commands, descriptions, task });
    }

    /// The running call's ICE restart: its offer (doctor) or answer (kiosk) goes through the server.
    async fn send_description(&mut self, description: Description) -> Next {
        let Some(consult_id) = self.consult.clone() else { return Next::Continue };
        self.send(&description_message(consult_id, description)).await
    }

    /// Kiosk: the patient's history goes to the doctor as the call starts (the channel holds it until it
    /// opens). Without it the consult goes on; the screen is told.
    async fn send_history(&mut self) {
        let Some(filing) = &self.filing else { return };
        match filing.history().await {
            Ok(history) => {
                self.to_call(CallCommand::Send(Message::History(history)));
            }
            Err(e) => fail(&*self.sink, e),
        }
    }

    /// The call could not be made: tell the screen and end the consult for both ends.
    async fn give_up(&mut self, error: AppError) -> Next {
        fail(&*self.sink, error);
        self.discard_offer().await;
        self.end_consult().await
    }

    /// Asks the server to end the consult in progress; its `ended` then reaches both ends.
    async fn end_consult(&mut self) -> Next {
        match self.consult.clone() {
            Some(consult_id) => self.send(&C::End { consult_id }).await,
            None => Next::Continue,
        }
    }

    /// The call ended by itself (the link failed, or the longest call): end the consult too.
    async fn call_ended(&mut self, ended: Result<CallReport, SessionError>) -> Next {
        self.file_arrived().await;
        if let Err(e) = ended {
            fail(&*self.sink, e.into());
        }
        if self.signal.is_none() {
            return self.ended_without_server();
        }
        self.end_consult().await
    }

    async fn handle_command(&mut self, command: DeskCommand) -> Next {
        match command {
            DeskCommand::Take(consult_id) => self.send(&C::Accept { consult_id }).await,
            // The server's `ended` reaches both ends at once, and each hangs up then: the summaries cross.
            DeskCommand::HangUp if self.consult.is_some() && self.signal.is_some() => self.end_consult().await,
            DeskCommand::HangUp => {
                self.hang_up().await;
                if self.signal.is_none() {
                    return self.ended_without_server();
                }
                Next::Continue
            }
            DeskCommand::Call(command, taken) => {
                // The screen only shows a line as sent (a photo as asked for…) when a call took it.
                let _ = taken.send(self.to_call(command));
                Next::Continue
            }
            DeskCommand::Vital(mut vital) => {
                if let Some(call) = &mut self.call {
                    let since_start = call.started.elapsed();
                    if call.vitals.admit(&vital.loinc, since_start) {
                        vital.at_ms = u32::try_from(since_start.as_millis()).unwrap_or(u32::MAX);
                        let _ = call.commands.send(CallCommand::Send(Message::Vital(vital)));
                    }
                }
                Next::Continue
            }
        }
    }

    /// Hands a command to the running call; false when there is none.
    fn to_call(&self, command: CallCommand) -> bool {
        self.call.as_ref().is_some_and(|call| call.commands.send(command).is_ok())
    }

    /// Kiosk: files what the doctor sent and answers with a receipt; doctor: shows the kiosk's receipt.
    async fn handle_arrival(&mut self, arrival: Arrival) {
        let (record_id, filed) = match arrival {
            Arrival::Record(Message::Receipt { record_id, stored }) => {
                let record_id = NoteId::from_bytes(record_id).to_string();
                self.sink.event(ConsultEvent::Receipt { record_id, stored });
                return;
            }
            Arrival::Record(Message::Notes(push)) => {
                let filed = match &self.filing {
                    Some(filing) => {
                        filing.notes(&push, self.doctor.as_ref()).await.map(|note| ConsultEvent::NotesFiled { note })
                    }
                    None => Err(AppError::NoVisit),
                };
                (push.record_id, filed)
            }
            Arrival::Record(Message::Prescription(push)) => {
                let filed = match &self.filing {
                    Some(filing) => filing
                        .prescription(&push, self.doctor.as_ref())
                        .await
                        .map(|prescription| ConsultEvent::PrescriptionFiled { prescription }),
                    None => Err(AppError::NoVisit),
                };
                (push.record_id, filed)
            }
            Arrival::Record(_) => return,
            Arrival::Photo(still) => {
                if let Some(filing) = &self.filing {
                    match filing.photo(&still).await {
                        Ok(photo) => self.sink.event(ConsultEvent::PhotoKept { photo }),
                        Err(e) => fail(&*self.sink, e),
                    }
                }
                return;
            }
        };
        self.answer_record(record_id, filed);
    }

    fn answer_record(&self, record_id: RecordId, filed: Result<ConsultEvent, AppError>) {
        let stored = filed.is_ok();
        match filed {
            Ok(event) => self.sink.event(event),
            Err(e) => {
                tracing::warn!(error = %e, "a document from the doctor was not filed");
                fail(&*self.sink, e);
            }
        }
        self.to_call(CallCommand::Send(Message::Receipt { record_id, stored }));
    }

    /// Ends the call, waiting a little for its orderly close; one that does not close in time is stopped.
    /// What it handed over before it ended is filed before anything else happens.
    async fn hang_up(&mut self) {
        if let Some(mut call) = self.call.take() {
            let _ = call.commands.send(CallCommand::HangUp);
            if tokio::time::timeout(HANG_UP_LIMIT, &mut call.task).await.is_err() {
                tracing::warn!("the call did not close in time");
                call.task.abort();
            }
        }
        self.file_arrived().await;
    }

    /// Files everything the calls have handed over and not yet filed.
    async fn file_arrived(&mut self) {
        while let Ok(arrival) = self.arrived.try_recv() {
            self.handle_arrival(arrival).await;
        }
    }

    /// Leaving the desk: a queued patient is taken out of the queue, a consult in progress ends.
    async fn leave(mut self) {
        self.discard_offer().await;
        self.hang_up().await;
        let Some(mut signal) = self.signal.take() else { return };
        if let Some(consult_id) = self.consult.take() {
            let last = if self.accepted { C::End { consult_id } } else { C::CancelQueue { consult_id } };
            // The connection closes next; if this is lost the server's grace period ends the consult.
            let _ = signal.send(&last).await;
        }
        signal.close().await;
    }
}
