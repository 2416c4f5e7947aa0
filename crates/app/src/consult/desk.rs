//! The task behind a `Desk`: it follows the server's messages (the queue, the doctor's acceptance, the
//! descriptions, the end) and the screen's commands, and runs the call when both ends are ready.

use std::sync::Arc;
use std::time::Duration;

use eclinic_call::channel::Message;
use eclinic_call_session::{Call, CallCommand, CallHooks, CallObserver, CallReport, NetworkSetup, SessionError};
use eclinic_connect::Signal;
use eclinic_media::video::I420Frame;
use eclinic_signal::wire::QueueEntry;
use eclinic_signal::{ClientMessage as C, ServerMessage as S};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::events::{ConsultEvent, LiveVitalView, QueueEntryView, outcome_code, saturate};
use super::media::{Speaker, call_media};
use super::picture::{View, picture_packet, self_view_packet};
use super::{ConsultSink, DeskCommand};
use crate::pace::{LIVE_VITAL_EVERY, Pace};
use crate::{ApiError, AppError};

/// No consult lasts longer; a call left running by mistake ends by itself.
const LONGEST_CALL: Duration = Duration::from_secs(4 * 3600);
/// How long leaving waits for the call's orderly end (the far end's summary).
const HANG_UP_LIMIT: Duration = Duration::from_secs(5);

struct ScreenObserver {
    sink: Arc<dyn ConsultSink>,
    speaker: Option<Speaker>,
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
            _ => {}
        }
    }
}

struct RunningCall {
    started: tokio::time::Instant,
    vitals: Pace,
    commands: mpsc::UnboundedSender<CallCommand>,
    task: JoinHandle<Result<CallReport, SessionError>>,
}

/// The desk's state: the connection, the consult in progress and its call.
pub(super) struct Line {
    signal: Signal,
    network: NetworkSetup,
    sink: Arc<dyn ConsultSink>,
    /// The consult this desk is part of (queued, or in progress).
    consult: Option<String>,
    /// A doctor took it: leaving ends it rather than cancelling.
    accepted: bool,
    /// Doctor: the call offered, waiting for the kiosk's answer.
    offered: Option<Call>,
    call: Option<RunningCall>,
    /// Doctor: the waiting patients.
    queue: Vec<QueueEntry>,
}

enum Next {
    Continue,
    Stop,
}

fn fail(sink: &dyn ConsultSink, error: AppError) {
    sink.event(ConsultEvent::Failed { error: ApiError::from(error) });
}

/// Waits for the running call to end; never, when there is none.
async fn call_ended(call: &mut Option<RunningCall>) -> Result<CallReport, SessionError> {
    match call {
        Some(running) => match (&mut running.task).await {
            Ok(result) => result,
            Err(_) => Err(SessionError::ConnectionFailed),
        },
        None => std::future::pending().await,
    }
}

pub(super) async fn run(mut line: Line, mut commands: mpsc::UnboundedReceiver<DeskCommand>) {
    loop {
        let next = tokio::select! {
            message = line.signal.recv() => match message {
                Ok(Some(message)) => line.handle_server(message).await,
                Ok(None) => {
                    fail(&*line.sink, AppError::ServerClosed);
                    Next::Stop
                }
                Err(e) => {
                    fail(&*line.sink, e.into());
                    Next::Stop
                }
            },
            command = commands.recv() => match command {
                Some(command) => line.handle_command(command).await,
                // The desk was dropped: sign-out, a new visit, or the window closing.
                None => Next::Stop,
            },
            ended = call_ended(&mut line.call) => {
                line.call = None;
                line.call_ended(ended).await
            }
        };
        if let Next::Stop = next {
            break;
        }
    }
    line.leave().await;
}

impl Line {
    pub(super) fn new(signal: Signal, network: NetworkSetup, sink: Arc<dyn ConsultSink>) -> Self {
        Self { signal, network, sink, consult: None, accepted: false, offered: None, call: None, queue: Vec::new() }
    }

    async fn send(&mut self, message: &C) -> Next {
        match self.signal.send(message).await {
            Ok(()) => Next::Continue,
            Err(e) => {
                fail(&*self.sink, e.into());
                Next::Stop
            }
        }
    }

    fn show_queue(&mut self) {
        // Emergencies first, then urgent, then routine; the longest waiting first within each.
        self.queue.sort_by(|a, b| b.priority.cmp(&a.priority).then(b.queued_for_s.cmp(&a.queued_for_s)));
        let entries = self.queue.iter().map(QueueEntryView::from).collect();
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
                self.queue = entries;
                self.show_queue();
            }
            S::QueueUpdated { entry } => {
                self.queue.retain(|e| e.consult_id != entry.consult_id);
                self.queue.push(entry);
                self.show_queue();
            }
            S::QueueRemoved { consult_id } => {
                self.queue.retain(|e| e.consult_id != consult_id);
                self.show_queue();
            }
            S::Accepted { doctor, .. } => {
                self.accepted = true;
                self.sink.event(ConsultEvent::Accepted { doctor: doctor.name, pmdc: doctor.pmdc });
            }
            S::ConsultStarted { consult_id, kiosk, label, .. } => {
                self.consult = Some(consult_id.clone());
                self.accepted = true;
                self.sink.event(ConsultEvent::Taken { label, kiosk });
                return self.offer(consult_id).await;
            }
            S::Offer { consult_id, sdp } => return self.answer(consult_id, &sdp).await,
            S::Answer { sdp, .. } => {
                if let Some(mut call) = self.offered.take() {
                    match call.accept_answer(&sdp).await {
                        Ok(()) => self.start_call(call),
                        Err(e) => return self.call_failed(e).await,
                    }
                }
            }
            S::PeerAway { .. } => self.sink.event(ConsultEvent::PeerAway),
            S::PeerBack { .. } => self.sink.event(ConsultEvent::PeerBack),
            S::Ended { consult_id, outcome } if self.consult.as_ref() == Some(&consult_id) => {
                self.consult = None;
                self.accepted = false;
                self.offered = None;
                self.hang_up().await;
                self.sink.event(ConsultEvent::Ended { outcome: outcome_code(outcome).to_owned() });
            }
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
        let offered = async {
            let mut call = Call::new(&self.network, call_media()?).await?;
            let offer = call.offer().await?;
            Ok::<_, AppError>((call, offer))
        };
        match offered.await {
            Ok((call, sdp)) => {
                self.offered = Some(call);
                self.send(&C::Offer { consult_id, sdp }).await
            }
            Err(e) => self.give_up(e).await,
        }
    }

    /// Kiosk: the doctor's offer; answer and start.
    async fn answer(&mut self, consult_id: String, offer: &str) -> Next {
        if self.call.is_some() {
            // A second offer is an ICE restart, which this version does not do: the call carries on.
            tracing::warn!("ignored a renegotiation offer");
            return Next::Continue;
        }
        let answered = async {
            let mut call = Call::new(&self.network, call_media()?).await?;
            let answer = call.answer(offer).await?;
            Ok::<_, AppError>((call, answer))
        };
        match answered.await {
            Ok((call, sdp)) => {
                let next = self.send(&C::Answer { consult_id, sdp }).await;
                self.start_call(call);
                next
            }
            Err(e) => self.give_up(e).await,
        }
    }

    fn start_call(&mut self, call: Call) {
        let observer = ScreenObserver { sink: Arc::clone(&self.sink), speaker: Speaker::open_default() };
        let (hooks, commands) = CallHooks::new(Arc::new(observer));
        let sink = Arc::clone(&self.sink);
        let task = tokio::spawn(call.run(LONGEST_CALL, hooks, move |second| {
            sink.event(ConsultEvent::Second { stats: second.into() });
        }));
        let started = tokio::time::Instant::now();
        self.call = Some(RunningCall { started, vitals: Pace::new(LIVE_VITAL_EVERY), commands, task });
    }

    async fn call_failed(&mut self, error: SessionError) -> Next {
        self.give_up(error.into()).await
    }

    /// The call could not be made: tell the screen and end the consult for both ends.
    async fn give_up(&mut self, error: AppError) -> Next {
        fail(&*self.sink, error);
        self.offered = None;
        match self.consult.clone() {
            Some(consult_id) => self.send(&C::End { consult_id }).await,
            None => Next::Continue,
        }
    }

    /// The call ended by itself (the link failed, or the longest call): end the consult too.
    async fn call_ended(&mut self, ended: Result<CallReport, SessionError>) -> Next {
        if let Err(e) = ended {
            fail(&*self.sink, e.into());
        }
        match self.consult.clone() {
            Some(consult_id) => self.send(&C::End { consult_id }).await,
            None => Next::Continue,
        }
    }

    async fn handle_command(&mut self, command: DeskCommand) -> Next {
        match command {
            DeskCommand::Take(consult_id) => self.send(&C::Accept { consult_id }).await,
            DeskCommand::HangUp => {
                self.hang_up().await;
                match self.consult.clone() {
                    Some(consult_id) => self.send(&C::End { consult_id }).await,
                    None => Next::Continue,
                }
            }
            DeskCommand::Chat(text) => {
                if let Some(call) = &self.call {
                    let _ = call.commands.send(CallCommand::Send(Message::Chat { text }));
                }
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

    /// Ends the call, waiting a little for its orderly close.
    async fn hang_up(&mut self) {
        if let Some(call) = self.call.take() {
            let _ = call.commands.send(CallCommand::HangUp);
            if tokio::time::timeout(HANG_UP_LIMIT, call.task).await.is_err() {
                tracing::warn!("the call did not close in time");
            }
        }
    }

    /// Leaving the desk: a queued patient is taken out of the queue, a consult in progress ends.
    async fn leave(mut self) {
        self.hang_up().await;
        if let Some(consult_id) = self.consult.take() {
            let last = if self.accepted { C::End { consult_id } } else { C::CancelQueue { consult_id } };
            // The connection closes next; if this is lost the server's grace period ends the consult.
            let _ = self.signal.send(&last).await;
        }
        self.signal.close().await;
    }
}
