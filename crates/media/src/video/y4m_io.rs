use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use super::{Clock, I420Frame, StillPhoto, VideoFormat, VideoSource, check_dimensions, encode_still};
use crate::MediaError;

fn y4m_error(e: y4m::Error) -> MediaError {
    MediaError::Y4m(e.to_string())
}

/// Frames from a YUV4MPEG2 file (8-bit 4:2:0 only), optionally looping at the end.
pub struct Y4mSource {
    path: PathBuf,
    decoder: y4m::Decoder<BufReader<File>>,
    format: VideoFormat,
    clock: Clock,
    looping: bool,
    last: Option<I420Frame>,
}

impl std::fmt::Debug for Y4mSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Y4mSource({}, {:?})", self.path.display(), self.format)
    }
}

impl Y4mSource {
    pub fn open(path: &Path, looping: bool, clock: Clock) -> Result<Self, MediaError> {
        let (decoder, format) = open_decoder(path)?;
        Ok(Self { path: path.to_owned(), decoder, format, clock, looping, last: None })
    }
}

fn open_decoder(path: &Path) -> Result<(y4m::Decoder<BufReader<File>>, VideoFormat), MediaError> {
    let file = File::open(path).map_err(MediaError::io("opening the Y4M file"))?;
    let decoder = y4m::Decoder::new(BufReader::new(file)).map_err(y4m_error)?;
    match decoder.get_colorspace() {
        y4m::Colorspace::C420 | y4m::Colorspace::C420jpeg | y4m::Colorspace::C420paldv | y4m::Colorspace::C420mpeg2 => {
        }
        other => return Err(MediaError::UnsupportedFormat(format!("Y4M colorspace {other:?}; 8-bit 4:2:0 only"))),
    }
    let (width, height) = (decoder.get_width() as u32, decoder.get_height() as u32);
    check_dimensions(width, height)?;
    let rate = decoder.get_framerate();
    let fps = if rate.den == 0 { 0 } else { (rate.num as f64 / rate.den as f64).round() as u32 };
    Ok((decoder, VideoFormat { width, height, fps }))
}

impl VideoSource for Y4mSource {
    fn format(&self) -> VideoFormat {
        self.format
    }

    fn next_frame(&mut self) -> Result<Option<I420Frame>, MediaError> {
        let VideoFormat { width, height, .. } = self.format;
        let planes = match self.decoder.read_frame() {
            Ok(frame) => [frame.get_y_plane().to_vec(), frame.get_u_plane().to_vec(), frame.get_v_plane().to_vec()],
            Err(y4m::Error::EOF) if self.looping => {
                let (decoder, format) = open_decoder(&self.path)?;
                if format != self.format {
                    return Err(MediaError::Y4m("the file changed while looping".into()));
                }
                self.decoder = decoder;
                return self.next_frame();
            }
            Err(y4m::Error::EOF) => return Ok(None),
            Err(e) => return Err(y4m_error(e)),
        };
        let [y, u, v] = planes;
        let frame = I420Frame::from_planes(width, height, y, u, v, (self.clock)())?;
        self.last = Some(frame.clone());
        Ok(Some(frame))
    }

    /// The file's current picture as a photo (a file has no higher resolution to offer).
    fn capture_still(&mut self) -> Result<StillPhoto, MediaError> {
        match &self.last {
            Some(frame) => encode_still(frame),
            None => match self.next_frame()? {
                Some(frame) => encode_still(&frame),
                None => Err(MediaError::Y4m("the file has no frames".into())),
            },
        }
    }
}

/// Writes pictures to a YUV4MPEG2 file (C420jpeg, the colourspace ffmpeg writes for yuv420p), unbuffered: each
/// frame is in the file when `write` returns.
pub struct Y4mWriter {
    encoder: y4m::Encoder<File>,
    width: u32,
    height: u32,
}

impl std::fmt::Debug for Y4mWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Y4mWriter({}x{})", self.width, self.height)
    }
}

impl Y4mWriter {
    pub fn create(path: &Path, format: VideoFormat) -> Result<Self, MediaError> {
        check_dimensions(format.width, format.height)?;
        let file = File::create(path).map_err(MediaError::io("creating the Y4M file"))?;
        let encoder =
            y4m::encode(format.width as usize, format.height as usize, y4m::Ratio::new(format.fps as usize, 1))
                .with_colorspace(y4m::Colorspace::C420jpeg)
                .write_header(file)
                .map_err(y4m_error)?;
        Ok(Self { encoder, width: format.width, height: format.height })
    }

    /// Width and height of the pictures this file holds.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    pub fn write(&mut self, frame: &I420Frame) -> Result<(), MediaError> {
        if (frame.width(), frame.height()) != (self.width, self.height) {
            return Err(MediaError::InvalidFrame(format!(
                "{}x{} frame into a {}x{} file",
                frame.width(),
                frame.height(),
                self.width,
                self.height
            )));
        }
        self.encoder.write_frame(&y4m::Frame::new([frame.y(), frame.u(), frame.v()], None)).map_err(y4m_error)
    }
}
