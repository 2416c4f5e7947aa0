//! Picture quality of a decoded frame against its source, computed the way ffmpeg's `psnr` and `ssim` filters
//! do on the luma plane, so the bench's figures can be checked with ffmpeg.

use crate::MediaError;
use crate::video::I420Frame;

/// PSNR of identical planes is infinite; reports and JSON carry this instead.
pub const PSNR_IDENTICAL_DB: f64 = 100.0;

fn same_size(a: &I420Frame, b: &I420Frame) -> Result<(), MediaError> {
    if (a.width(), a.height()) == (b.width(), b.height()) {
        Ok(())
    } else {
        Err(MediaError::InvalidFrame(format!(
            "comparing {}x{} with {}x{}",
            a.width(),
            a.height(),
            b.width(),
            b.height()
        )))
    }
}

/// Sum of squared luma differences (for averaging PSNR over a clip by total error, as ffmpeg does).
pub fn luma_squared_error(reference: &I420Frame, decoded: &I420Frame) -> Result<u64, MediaError> {
    same_size(reference, decoded)?;
    Ok(reference.y().iter().zip(decoded.y()).map(|(&a, &b)| u64::from(a.abs_diff(b)).pow(2)).sum())
}

/// PSNR in dB from a total squared error over `samples` luma samples.
pub fn psnr_db(squared_error: u64, samples: u64) -> f64 {
    if squared_error == 0 || samples == 0 {
        return PSNR_IDENTICAL_DB;
    }
    let mse = squared_error as f64 / samples as f64;
    (10.0 * (255.0f64 * 255.0 / mse).log10()).min(PSNR_IDENTICAL_DB)
}

/// Luma PSNR of one frame.
pub fn psnr_y(reference: &I420Frame, decoded: &I420Frame) -> Result<f64, MediaError> {
    let error = luma_squared_error(reference, decoded)?;
    Ok(psnr_db(error, reference.y().len() as u64))
}

/// Luma SSIM of one frame: 8x8 windows on a 4-pixel grid with x264's constants (ffmpeg's `ssim` filter).
pub fn ssim_y(reference: &I420Frame, decoded: &I420Frame) -> Result<f64, MediaError> {
    same_size(reference, decoded)?;
    let (width, height) = (reference.width() as usize, reference.height() as usize);
    let (a, b) = (reference.y(), decoded.y());
    const C1: f64 = 0.01 * 0.01 * 255.0 * 255.0 * 64.0;
    const C2: f64 = 0.03 * 0.03 * 255.0 * 255.0 * 64.0 * 63.0;
    let (mut total, mut windows) = (0.0, 0u64);
    for top in (0..height.saturating_sub(7)).step_by(4) {
        for left in (0..width.saturating_sub(7)).step_by(4) {
            let (mut s1, mut s2, mut ss, mut s12) = (0.0, 0.0, 0.0, 0.0);
            for row in top..top + 8 {
                for column in left..left + 8 {
                    let (x, y) = (f64::from(a[row * width + column]), f64::from(b[row * width + column]));
                    s1 += x;
                    s2 += y;
                    ss += x * x + y * y;
                    s12 += x * y;
                }
            }
            let variances = ss * 64.0 - s1 * s1 - s2 * s2;
            let covariance = s12 * 64.0 - s1 * s2;
            total += (2.0 * s1 * s2 + C1) * (2.0 * covariance + C2) / ((s1 * s1 + s2 * s2 + C1) * (variances + C2));
            windows += 1;
        }
    }
    Ok(if windows == 0 { 1.0 } else { total / windows as f64 })
}
