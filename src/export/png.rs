//! The window as a PNG: egui's viewport screenshot (the frame as the GPU drew it), encoded here
//! on the file thread — encoding a large window takes longer than a frame.

use std::io::Cursor;

use egui::ColorImage;

/// The image as PNG bytes.
pub fn encode(image: &ColorImage) -> Result<Vec<u8>, String> {
    let [w, h] = image.size;
    let pixels: Vec<u8> = image.pixels.iter().flat_map(|p| p.to_srgba_unmultiplied()).collect();
    let buffer = image::RgbaImage::from_raw(w as u32, h as u32, pixels)
        .ok_or_else(|| format!("the screenshot's {w}×{h} pixels do not match its size"))?;
    let mut out = Cursor::new(Vec::new());
    buffer.write_to(&mut out, image::ImageFormat::Png).map_err(|e| format!("cannot encode the PNG: {e}"))?;
    Ok(out.into_inner())
}
