//! A picture as the UI receives it: one binary message, drawn with WebGL from its three planes.
//!
//! Layout (little-endian): `version u8 = 1`, `view u8` (0 self-view, 1 far end), `width u16`, `height u16`,
//! then the Y plane (`width × height` bytes), U and V (`width/2 × height/2` each; sizes are even). `ui/src/lib/picture.ts`
//! reads it.

use eclinic_media::video::I420Frame;

pub const PICTURE_FORMAT_VERSION: u8 = 1;
const HEADER_BYTES: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// What this end's camera sends.
    SelfView = 0,
    /// What the far end sent.
    Far = 1,
}

pub fn picture_packet(view: View, frame: &I420Frame) -> Vec<u8> {
    let (y, u, v) = (frame.y(), frame.u(), frame.v());
    let mut packet = Vec::with_capacity(HEADER_BYTES + y.len() + u.len() + v.len());
    packet.push(PICTURE_FORMAT_VERSION);
    packet.push(view as u8);
    // Frames are at most MAX_DIMENSION (far below 65 536) on each side: checked when they are made.
    packet.extend_from_slice(&(frame.width() as u16).to_le_bytes());
    packet.extend_from_slice(&(frame.height() as u16).to_le_bytes());
    packet.extend_from_slice(y);
    packet.extend_from_slice(u);
    packet.extend_from_slice(v);
    packet
}
