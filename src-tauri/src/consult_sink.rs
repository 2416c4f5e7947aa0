//! Where a consult is shown in the window: its events and its pictures over two Tauri channels. Pictures
//! go raw (an `ArrayBuffer` in the UI, read by `ui/src/lib/picture.ts`), not as JSON.

use eclinic_app::consult::ConsultSink;
use eclinic_app::consult::events::ConsultEvent;
use tauri::ipc::{Channel, InvokeResponseBody, IpcResponse};

/// One picture packet (`eclinic_app::consult::picture`).
pub struct PicturePacket(Vec<u8>);

impl IpcResponse for PicturePacket {
    fn body(self) -> tauri::Result<InvokeResponseBody> {
        Ok(InvokeResponseBody::Raw(self.0))
    }
}

impl specta::Type for PicturePacket {
    fn definition(types: &mut specta::Types) -> specta::datatype::DataType {
        // An ArrayBuffer, which the type system cannot name: `unknown`, narrowed by picture.ts.
        specta_typescript::Unknown::<()>::definition(types)
    }
}

pub struct ChannelSink {
    pub events: Channel<ConsultEvent>,
    pub pictures: Channel<PicturePacket>,
}

impl ConsultSink for ChannelSink {
    // A closed channel (the page went away) only means nobody is looking; the consult ends with the desk.
    fn event(&self, event: ConsultEvent) {
        drop(self.events.send(event));
    }
    fn picture(&self, packet: Vec<u8>) {
        drop(self.pictures.send(PicturePacket(packet)));
    }
}
