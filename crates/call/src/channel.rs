//! The call's data-channel protocol: what travels beside the audio and video. Versioned, typed and
//! size-limited, in a compact binary form (every byte counts at 100 kb/s), and decoding never panics:
//! anything malformed is a [`ChannelError`].
//!
//! Frame: version (1), message type (1), then the type's fields. Integers are big-endian; text is a u16
//! length and UTF-8; byte strings are a u16 length and the bytes.

/// The protocol version this build speaks.
pub const VERSION: u8 = 1;
/// The largest frame either side sends or accepts (fits an SCTP message without fragmentation trouble).
pub const MAX_FRAME_BYTES: usize = 16 * 1024;
/// The largest photo chunk: a frame with headroom for its header.
pub const MAX_CHUNK_BYTES: usize = 12 * 1024;
/// The longest chat line or note section, in bytes.
pub const MAX_TEXT_BYTES: usize = 8 * 1024;
/// The longest field of a prescription item, in bytes.
pub const MAX_ITEM_FIELD_BYTES: usize = 1024;
/// The most items one prescription carries.
pub const MAX_ITEMS: usize = 20;

/// The most earlier visits and vitals a history carries (fewer when they do not fit a frame).
pub const MAX_HISTORY_VISITS: usize = 20;
pub const MAX_HISTORY_VITALS: usize = 600;

/// Names a pushed record so that its receipt can be matched and a repeated push stored once (a UUID).
pub type RecordId = [u8; 16];

/// A vital sign sent live, with the precision the device gave (mantissa × 10^exponent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveVital {
    /// The LOINC code, e.g. `59408-5` for SpO2.
    pub loinc: String,
    pub mantissa: i32,
    pub exponent: i8,
    /// The UCUM unit, e.g. `%`.
    pub unit: String,
    /// Milliseconds since the call started.
    pub at_ms: u32,
}

/// The doctor's SOAP note, pushed to the kiosk that keeps the patient's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotesPush {
    pub record_id: RecordId,
    pub subjective: String,
    pub objective: String,
    pub assessment: String,
    pub plan: String,
}

/// One medicine as prescribed; the route is its code (`oral`, `topical`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrescribedItem {
    pub drug: String,
    pub dose: String,
    pub route: String,
    pub frequency: String,
    pub duration: String,
    pub instructions: String,
}

/// The doctor's e-prescription, pushed to the kiosk (its record and its printer). Who prescribed is not in
/// it: the kiosk takes the doctor's name and PMDC number from the server, which authenticated them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrescriptionPush {
    pub record_id: RecordId,
    pub items: Vec<PrescribedItem>,
}

/// One earlier visit in the patient's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastVisit {
    /// Unix milliseconds.
    pub started_at_ms: u64,
    pub reason: String,
    pub assessment: String,
    pub plan: String,
    /// The medicines prescribed, e.g. `Amoxicillin 500 mg; Paracetamol 500 mg`.
    pub medicines: String,
}

/// One recorded vital sign, its value as written (`36.8`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastVital {
    pub loinc: String,
    pub value: String,
    pub unit: String,
    /// Unix milliseconds.
    pub at_ms: u64,
}

/// The patient's record as the doctor needs it, sent by the kiosk (which keeps it) when the call starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryPush {
    pub name: String,
    /// `female`, `male`, `other` or `unknown`.
    pub sex: String,
    pub age_years: u16,
    /// Newest first.
    pub visits: Vec<PastVisit>,
    /// Oldest first.
    pub vitals: Vec<PastVital>,
}

impl PastVisit {
    fn text_bytes(&self) -> usize {
        self.reason.len() + self.assessment.len() + self.plan.len() + self.medicines.len()
    }
}

impl PastVital {
    fn text_bytes(&self) -> usize {
        self.loinc.len() + self.value.len() + self.unit.len()
    }
}

impl HistoryPush {
    /// The history cut to fit one frame, keeping the newest: whichever of visits and vitals takes more room
    /// gives up its oldest first, so long notes do not crowd out every trend, nor many readings every visit.
    pub fn fitted(mut self) -> Result<Self, ChannelError> {
        self.visits.truncate(MAX_HISTORY_VISITS);
        let excess = self.vitals.len().saturating_sub(MAX_HISTORY_VITALS);
        self.vitals.drain(..excess);
        loop {
            match Message::History(self.clone()).encode() {
                Ok(_) => return Ok(self),
                Err(ChannelError::TooLarge(_)) if !self.visits.is_empty() || !self.vitals.is_empty() => {
                    let visit_bytes: usize = self.visits.iter().map(PastVisit::text_bytes).sum();
                    let vital_bytes: usize = self.vitals.iter().map(PastVital::text_bytes).sum();
                    if self.vitals.is_empty() || (visit_bytes > vital_bytes && !self.visits.is_empty()) {
                        self.visits.pop();
                    } else {
                        let cut = self.vitals.len().div_ceil(10);
                        self.vitals.drain(..cut);
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CameraCommand {
    /// Switch to the next camera (the kiosk may have a room camera and a handheld one).
    Switch,
    /// Zoom, in percent of the full picture (100 = no zoom).
    Zoom(u16),
    /// Take a full-resolution still photo and send it.
    TakePhoto,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Vital(LiveVital),
    Chat {
        text: String,
    },
    /// A still photo is on its way: its id, size and JPEG bytes in chunks.
    PhotoOffer {
        photo_id: u32,
        total_bytes: u32,
    },
    PhotoChunk {
        photo_id: u32,
        offset: u32,
        bytes: Vec<u8>,
    },
    /// The receiver holds the photo's bytes up to `received`; after a reconnect the sender resumes there.
    PhotoAck {
        photo_id: u32,
        received: u32,
    },
    Camera(CameraCommand),
    /// The kiosk's cameras the doctor can switch between, said when the call starts.
    Cameras {
        count: u8,
    },
    Notes(NotesPush),
    Prescription(PrescriptionPush),
    History(HistoryPush),
    /// The kiosk's answer to a pushed record: stored in the patient's record, or refused.
    Receipt {
        record_id: RecordId,
        stored: bool,
    },
    /// The end-of-call quality summary each side sends the other.
    QualitySummary {
        seconds: u32,
        mean_kbps: u32,
        freeze_ms: u32,
        audio_concealed_permille: u16,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    #[error("empty frame")]
    Empty,
    #[error("frame of {0} bytes is over the {MAX_FRAME_BYTES}-byte limit")]
    TooLarge(usize),
    #[error("protocol version {0} is not spoken here (this side speaks {VERSION})")]
    UnsupportedVersion(u8),
    #[error("unknown message type {0}")]
    UnknownType(u8),
    #[error("{0} is cut short")]
    Truncated(&'static str),
    #[error("{0} bytes after the end of the message")]
    TrailingBytes(usize),
    #[error("{field} is not valid: {reason}")]
    Invalid { field: &'static str, reason: &'static str },
}

const VITAL: u8 = 1;
const CHAT: u8 = 2;
const PHOTO_OFFER: u8 = 3;
const PHOTO_CHUNK: u8 = 4;
const PHOTO_ACK: u8 = 5;
const CAMERA: u8 = 6;
const NOTES: u8 = 7;
const PRESCRIPTION: u8 = 8;
const QUALITY: u8 = 9;
const RECEIPT: u8 = 10;
const HISTORY: u8 = 11;
const CAMERAS: u8 = 12;

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }
    fn record_id(&mut self, v: &RecordId) {
        self.0.extend_from_slice(v);
    }
    fn bytes(&mut self, v: &[u8]) {
        // Lengths were checked by `validate` before encoding.
        self.u16(u16::try_from(v.len()).unwrap_or(u16::MAX));
        self.0.extend_from_slice(v);
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    what: &'static str,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ChannelError> {
        if self.bytes.len() < n {
            return Err(ChannelError::Truncated(self.what));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }
    fn u8(&mut self) -> Result<u8, ChannelError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, ChannelError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, ChannelError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, ChannelError> {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(self.take(8)?);
        Ok(u64::from_be_bytes(bytes))
    }
    fn record_id(&mut self) -> Result<RecordId, ChannelError> {
        let mut id = [0; 16];
        id.copy_from_slice(self.take(16)?);
        Ok(id)
    }
    fn bytes(&mut self) -> Result<&'a [u8], ChannelError> {
        let len = usize::from(self.u16()?);
        self.take(len)
    }
    fn text(&mut self, field: &'static str, max: usize) -> Result<String, ChannelError> {
        let bytes = self.bytes()?;
        if bytes.len() > max {
            return Err(ChannelError::Invalid { field, reason: "too long" });
        }
        let text = std::str::from_utf8(bytes).map_err(|_| ChannelError::Invalid { field, reason: "not UTF-8" })?;
        check_text(field, text, max)?;
        Ok(text.to_owned())
    }
}

fn check_text(field: &'static str, text: &str, max: usize) -> Result<(), ChannelError> {
    if text.len() > max {
        return Err(ChannelError::Invalid { field, reason: "too long" });
    }
    // Line breaks and tabs belong in notes; other control characters do not belong anywhere.
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t')) {
        return Err(ChannelError::Invalid { field, reason: "control characters" });
    }
    Ok(())
}

fn check_code(field: &'static str, text: &str) -> Result<(), ChannelError> {
    let fine = !text.is_empty() && text.len() <= 32 && text.chars().all(|c| c.is_ascii_graphic());
    if fine { Ok(()) } else { Err(ChannelError::Invalid { field, reason: "1-32 printable ASCII characters" }) }
}

impl PrescribedItem {
    fn fields(&self) -> [&String; 6] {
        [&self.drug, &self.dose, &self.route, &self.frequency, &self.duration, &self.instructions]
    }
}

impl Message {
    /// Checks the limits a peer would check, so nothing is sent that the other side must refuse.
    pub fn validate(&self) -> Result<(), ChannelError> {
        match self {
            Message::Vital(v) => {
                check_code("vital code", &v.loinc)?;
                check_code("vital unit", &v.unit)
            }
            Message::Chat { text } => check_text("chat text", text, MAX_TEXT_BYTES),
            Message::Notes(notes) => {
                for section in [&notes.subjective, &notes.objective, &notes.assessment, &notes.plan] {
                    check_text("note section", section, MAX_TEXT_BYTES)?;
                }
                Ok(())
            }
            Message::History(history) => {
                if history.visits.len() > MAX_HISTORY_VISITS || history.vitals.len() > MAX_HISTORY_VITALS {
                    return Err(ChannelError::Invalid { field: "history", reason: "too many entries" });
                }
                check_text("history", &history.name, MAX_ITEM_FIELD_BYTES)?;
                check_code("history", &history.sex)?;
                for visit in &history.visits {
                    for text in [&visit.reason, &visit.assessment, &visit.plan, &visit.medicines] {
                        check_text("history visit", text, MAX_ITEM_FIELD_BYTES)?;
                    }
                }
                for vital in &history.vitals {
                    for code in [&vital.loinc, &vital.value, &vital.unit] {
                        check_code("history vital", code)?;
                    }
                }
                Ok(())
            }
            Message::Prescription(prescription) => {
                if prescription.items.is_empty() || prescription.items.len() > MAX_ITEMS {
                    return Err(ChannelError::Invalid { field: "prescription", reason: "1 to 20 items" });
                }
                for item in &prescription.items {
                    for field in item.fields() {
                        check_text("prescription item", field, MAX_ITEM_FIELD_BYTES)?;
                    }
                }
                Ok(())
            }
            Message::PhotoChunk { bytes, .. } if bytes.is_empty() || bytes.len() > MAX_CHUNK_BYTES => {
                Err(ChannelError::Invalid { field: "photo chunk", reason: "1 to 12 KiB" })
            }
            Message::PhotoOffer { total_bytes: 0, .. } => {
                Err(ChannelError::Invalid { field: "photo size", reason: "empty photo" })
            }
            Message::Camera(CameraCommand::Zoom(percent)) if !(100..=800).contains(percent) => {
                Err(ChannelError::Invalid { field: "zoom", reason: "100 to 800 %" })
            }
            _ => Ok(()),
        }
    }

    pub fn encode(&self) -> Result<Vec<u8>, ChannelError> {
        self.validate()?;
        let mut w = Writer(vec![VERSION]);
        match self {
            Message::Vital(v) => {
                w.u8(VITAL);
                w.bytes(v.loinc.as_bytes());
                w.u32(v.mantissa.cast_unsigned());
                w.u8(v.exponent.cast_unsigned());
                w.bytes(v.unit.as_bytes());
                w.u32(v.at_ms);
            }
            Message::Chat { text } => {
                w.u8(CHAT);
                w.bytes(text.as_bytes());
            }
            Message::PhotoOffer { photo_id, total_bytes } => {
                w.u8(PHOTO_OFFER);
                w.u32(*photo_id);
                w.u32(*total_bytes);
            }
            Message::PhotoChunk { photo_id, offset, bytes } => {
                w.u8(PHOTO_CHUNK);
                w.u32(*photo_id);
                w.u32(*offset);
                w.bytes(bytes);
            }
            Message::PhotoAck { photo_id, received } => {
                w.u8(PHOTO_ACK);
                w.u32(*photo_id);
                w.u32(*received);
            }
            Message::Camera(command) => {
                w.u8(CAMERA);
                match command {
                    CameraCommand::Switch => w.u8(0),
                    CameraCommand::Zoom(percent) => {
                        w.u8(1);
                        w.u16(*percent);
                    }
                    CameraCommand::TakePhoto => w.u8(2),
                }
            }
            Message::Cameras { count } => {
                w.u8(CAMERAS);
                w.u8(*count);
            }
            Message::Notes(notes) => {
                w.u8(NOTES);
                w.record_id(&notes.record_id);
                for section in [&notes.subjective, &notes.objective, &notes.assessment, &notes.plan] {
                    w.bytes(section.as_bytes());
                }
            }
            Message::Prescription(prescription) => {
                w.u8(PRESCRIPTION);
                w.record_id(&prescription.record_id);
                // At most MAX_ITEMS, checked by `validate`.
                w.u8(u8::try_from(prescription.items.len()).unwrap_or(u8::MAX));
                for item in &prescription.items {
                    for field in item.fields() {
                        w.bytes(field.as_bytes());
                    }
                }
            }
            Message::History(history) => {
                w.u8(HISTORY);
                w.bytes(history.name.as_bytes());
                w.bytes(history.sex.as_bytes());
                w.u16(history.age_years);
                // Counts within MAX_HISTORY_VISITS and MAX_HISTORY_VITALS, checked by `validate`.
                w.u16(u16::try_from(history.visits.len()).unwrap_or(u16::MAX));
                for visit in &history.visits {
                    w.u64(visit.started_at_ms);
                    for text in [&visit.reason, &visit.assessment, &visit.plan, &visit.medicines] {
                        w.bytes(text.as_bytes());
                    }
                }
                w.u16(u16::try_from(history.vitals.len()).unwrap_or(u16::MAX));
                for vital in &history.vitals {
                    for code in [&vital.loinc, &vital.value, &vital.unit] {
                        w.bytes(code.as_bytes());
                    }
                    w.u64(vital.at_ms);
                }
            }
            Message::Receipt { record_id, stored } => {
                w.u8(RECEIPT);
                w.record_id(record_id);
                w.u8(u8::from(*stored));
            }
            Message::QualitySummary { seconds, mean_kbps, freeze_ms, audio_concealed_permille } => {
                w.u8(QUALITY);
                w.u32(*seconds);
                w.u32(*mean_kbps);
                w.u32(*freeze_ms);
                w.u16(*audio_concealed_permille);
            }
        }
        if w.0.len() > MAX_FRAME_BYTES {
            return Err(ChannelError::TooLarge(w.0.len()));
        }
        Ok(w.0)
    }

    pub fn decode(frame: &[u8]) -> Result<Self, ChannelError> {
        if frame.len() > MAX_FRAME_BYTES {
            return Err(ChannelError::TooLarge(frame.len()));
        }
        let (&version, rest) = frame.split_first().ok_or(ChannelError::Empty)?;
        if version != VERSION {
            return Err(ChannelError::UnsupportedVersion(version));
        }
        let (&kind, body) = rest.split_first().ok_or(ChannelError::Truncated("message type"))?;
        let mut r = Reader { bytes: body, what: "message" };
        let message = match kind {
            VITAL => {
                r.what = "vital";
                let loinc = r.text("vital code", 32)?;
                let mantissa = r.u32()?.cast_signed();
                let exponent = r.u8()?.cast_signed();
                let unit = r.text("vital unit", 32)?;
                Message::Vital(LiveVital { loinc, mantissa, exponent, unit, at_ms: r.u32()? })
            }
            CHAT => Message::Chat { text: r.text("chat text", MAX_TEXT_BYTES)? },
            PHOTO_OFFER => Message::PhotoOffer { photo_id: r.u32()?, total_bytes: r.u32()? },
            PHOTO_CHUNK => {
                r.what = "photo chunk";
                Message::PhotoChunk { photo_id: r.u32()?, offset: r.u32()?, bytes: r.bytes()?.to_vec() }
            }
            PHOTO_ACK => Message::PhotoAck { photo_id: r.u32()?, received: r.u32()? },
            CAMERA => match r.u8()? {
                0 => Message::Camera(CameraCommand::Switch),
                1 => Message::Camera(CameraCommand::Zoom(r.u16()?)),
                2 => Message::Camera(CameraCommand::TakePhoto),
                _ => return Err(ChannelError::Invalid { field: "camera command", reason: "unknown" }),
            },
            NOTES => {
                r.what = "notes";
                let record_id = r.record_id()?;
                let mut section = || r.text("note section", MAX_TEXT_BYTES);
                Message::Notes(NotesPush {
                    record_id,
                    subjective: section()?,
                    objective: section()?,
                    assessment: section()?,
                    plan: section()?,
                })
            }
            PRESCRIPTION => {
                r.what = "prescription";
                let record_id = r.record_id()?;
                let count = usize::from(r.u8()?);
                if count == 0 || count > MAX_ITEMS {
                    return Err(ChannelError::Invalid { field: "prescription", reason: "1 to 20 items" });
                }
                let mut items = Vec::with_capacity(count);
                for _ in 0..count {
                    let mut field = || r.text("prescription item", MAX_ITEM_FIELD_BYTES);
                    items.push(PrescribedItem {
                        drug: field()?,
                        dose: field()?,
                        route: field()?,
                        frequency: field()?,
                        duration: field()?,
                        instructions: field()?,
                    });
                }
                Message::Prescription(PrescriptionPush { record_id, items })
            }
            HISTORY => {
                r.what = "history";
                let name = r.text("history", MAX_ITEM_FIELD_BYTES)?;
                let sex = r.text("history", 32)?;
                let age_years = r.u16()?;
                let visit_count = usize::from(r.u16()?);
                if visit_count > MAX_HISTORY_VISITS {
                    return Err(ChannelError::Invalid { field: "history", reason: "too many entries" });
                }
                let mut visits = Vec::with_capacity(visit_count);
                for _ in 0..visit_count {
                    let started_at_ms = r.u64()?;
                    let mut text = || r.text("history visit", MAX_ITEM_FIELD_BYTES);
                    visits.push(PastVisit {
                        started_at_ms,
                        reason: text()?,
                        assessment: text()?,
                        plan: text()?,
                        medicines: text()?,
                    });
                }
                let vital_count = usize::from(r.u16()?);
                if vital_count > MAX_HISTORY_VITALS {
                    return Err(ChannelError::Invalid { field: "history", reason: "too many entries" });
                }
                let mut vitals = Vec::with_capacity(vital_count);
                for _ in 0..vital_count {
                    let mut code = || r.text("history vital", 32);
                    let (loinc, value, unit) = (code()?, code()?, code()?);
                    vitals.push(PastVital { loinc, value, unit, at_ms: r.u64()? });
                }
                Message::History(HistoryPush { name, sex, age_years, visits, vitals })
            }
            RECEIPT => {
                r.what = "receipt";
                let record_id = r.record_id()?;
                let stored = match r.u8()? {
                    0 => false,
                    1 => true,
                    _ => return Err(ChannelError::Invalid { field: "receipt", reason: "unknown outcome" }),
                };
                Message::Receipt { record_id, stored }
            }
            CAMERAS => Message::Cameras { count: r.u8()? },
            QUALITY => Message::QualitySummary {
                seconds: r.u32()?,
                mean_kbps: r.u32()?,
                freeze_ms: r.u32()?,
                audio_concealed_permille: r.u16()?,
            },
            other => return Err(ChannelError::UnknownType(other)),
        };
        if !r.bytes.is_empty() {
            return Err(ChannelError::TrailingBytes(r.bytes.len()));
        }
        message.validate()?;
        Ok(message)
    }
}
