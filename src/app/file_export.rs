//! Results and plots written to files, always through `write_atomically`.

use std::path::Path;

use egui::{ColorImage, Rect};

use crate::engine::ScenarioRun;
use crate::fsio::write_atomically;
use crate::model::Diagnostic;
use crate::report;

/// Every metric of every policy, one row a policy: `lapse run --format csv`.
pub fn write_results_csv(path: &Path, run: &ScenarioRun) -> Result<(), Diagnostic> {
    let text = report::csv::run_csv(run);
    write_atomically(path, |w| w.write_all(text.as_bytes()))
}

/// The time series, one row a policy and bucket.
pub fn write_series_csv(path: &Path, run: &ScenarioRun) -> Result<(), Diagnostic> {
    let text = report::csv::series_csv(run);
    write_atomically(path, |w| w.write_all(text.as_bytes()))
}

/// The part of a screenshot inside `rect` (points), clamped to the image.
pub fn crop(image: &ColorImage, rect: Rect, pixels_per_point: f32) -> ColorImage {
    let [w, h] = image.size;
    let px = |v: f32, max: usize| ((v * pixels_per_point).round().max(0.0) as usize).min(max);
    let (x0, x1) = (px(rect.min.x, w), px(rect.max.x, w));
    let (y0, y1) = (px(rect.min.y, h), px(rect.max.y, h));
    let mut pixels = Vec::with_capacity((x1 - x0) * (y1 - y0));
    for y in y0..y1 {
        pixels.extend_from_slice(&image.pixels[y * w + x0..y * w + x1]);
    }
    ColorImage::new([x1 - x0, y1 - y0], pixels)
}

/// Encodes an image as PNG (RGBA, 8 bits a channel).
pub fn png_bytes(image: &ColorImage) -> Result<Vec<u8>, String> {
    let [w, h] = image.size;
    let rgba: Vec<u8> = image
        .pixels
        .iter()
        .flat_map(|c| c.to_srgba_unmultiplied())
        .collect();
    let buffer = image::RgbaImage::from_raw(w as u32, h as u32, rgba)
        .ok_or_else(|| "the screenshot has the wrong size".to_string())?;
    let mut bytes = std::io::Cursor::new(Vec::new());
    buffer
        .write_to(&mut bytes, image::ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(bytes.into_inner())
}

pub fn write_png(path: &Path, image: &ColorImage) -> Result<(), Diagnostic> {
    let bytes = png_bytes(image)
        .map_err(|e| Diagnostic::in_file(path, format!("cannot encode the image: {e}")))?;
    write_atomically(path, |w| w.write_all(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{Color32, pos2};

    #[test]
    fn crops_inside_the_image_and_encodes_png() {
        // A 4x2 image: left half red, right half blue.
        let mut pixels = vec![Color32::RED; 8];
        for y in 0..2 {
            for x in 2..4 {
                pixels[y * 4 + x] = Color32::BLUE;
            }
        }
        let image = ColorImage::new([4, 2], pixels);
        // At 2 pixels a point, the rect (1,0)-(9,9) covers pixels x 2..4, y 0..2.
        let part = crop(
            &image,
            Rect::from_min_max(pos2(1.0, 0.0), pos2(9.0, 9.0)),
            2.0,
        );
        assert_eq!(part.size, [2, 2]);
        assert!(part.pixels.iter().all(|&c| c == Color32::BLUE));
        let png = png_bytes(&part).expect("encodes");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }
}
