//! `netlens simulate SCENE`: runs a scene in the packet simulator and prints one line per
//! packet (or JSON), optionally saving the run as a capture.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::output::{Format, fail};
use crate::capture::{CaptureFormat, write_capture};
use crate::packet::flag_names;
use crate::sim::{OverrideAction, PacketOverride, Scene, simulate};
use crate::trace::Trace;

#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// A built-in scene (see `netlens scenes`) or a scene file.
    pub scene: String,
    /// Seed for the link's random choices (default: the scene's own).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Probability of losing each packet, 0–0.9.
    #[arg(long, value_name = "P")]
    pub loss: Option<f64>,
    /// Probability of duplicating each packet.
    #[arg(long, value_name = "P")]
    pub dup: Option<f64>,
    /// Probability of holding a packet back so later ones overtake it.
    #[arg(long, value_name = "P")]
    pub reorder: Option<f64>,
    /// One-way delay in milliseconds.
    #[arg(long, value_name = "MS")]
    pub delay: Option<f64>,
    /// Random extra delay, up to this many milliseconds.
    #[arg(long, value_name = "MS")]
    pub jitter: Option<f64>,
    /// Link speed in bits per second (0: no serialization delay).
    #[arg(long, value_name = "BPS")]
    pub bandwidth: Option<u64>,
    /// Largest IP packet the link carries.
    #[arg(long, value_name = "N")]
    pub mtu: Option<usize>,
    /// Drop packet number K (repeatable).
    #[arg(long, value_name = "K")]
    pub drop: Vec<usize>,
    /// Show the run as a capture at this point would hold it (client, router or server), labelled
    /// from that capture's packets alone; the router exists in two-hop scenes.
    #[arg(long, value_name = "POINT", value_parser = parse_capture_point)]
    pub at: Option<crate::trace::CapturePoint>,
    /// Save the run as a capture (pcapng when the name ends in .pcapng, else pcap).
    #[arg(long, value_name = "FILE")]
    pub pcap: Option<PathBuf>,
    /// Save the ladder (the whole run, as the Packets view draws it) as an SVG picture.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Save the ladder as a Mermaid sequenceDiagram (one arrow per packet).
    #[arg(long, value_name = "FILE")]
    pub mermaid: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

fn parse_capture_point(text: &str) -> Result<crate::trace::CapturePoint, String> {
    crate::trace::CapturePoint::parse(text)
        .ok_or_else(|| format!("{text:?} is not a capture point: client, router or server"))
}

fn ms_to_us(ms: f64) -> Result<u64, String> {
    if ms.is_finite() && (0.0..=10_000.0).contains(&ms) {
        Ok((ms * 1000.0).round() as u64)
    } else {
        Err(format!("{ms} ms is not a delay between 0 and 10000 ms"))
    }
}

/// The scene with the command line's changes applied.
pub fn scene_from(args: &SimulateArgs) -> Result<Scene, String> {
    let mut scene = find_scene(&args.scene)?;
    for link in std::iter::once(&mut scene.link).chain(scene.reverse_link.as_mut()) {
        if let Some(p) = args.loss {
            link.loss = p;
        }
        if let Some(p) = args.dup {
            link.duplicate = p;
        }
        if let Some(p) = args.reorder {
            link.reorder = p;
        }
        if let Some(ms) = args.delay {
            link.delay_us = ms_to_us(ms)?;
        }
        if let Some(ms) = args.jitter {
            link.jitter_us = ms_to_us(ms)?;
        }
        if let Some(bps) = args.bandwidth {
            link.bandwidth_bps = bps;
        }
        if let Some(mtu) = args.mtu {
            link.mtu = mtu;
        }
    }
    if let Some(seed) = args.seed {
        scene.seed = seed;
    }
    scene.overrides.extend(args.drop.iter().map(|&packet| PacketOverride { packet, action: OverrideAction::Drop }));
    if let Some(problem) = scene.problem() {
        return Err(problem);
    }
    Ok(scene)
}

pub fn run(args: SimulateArgs) -> ExitCode {
    let scene = match scene_from(&args) {
        Ok(scene) => scene,
        Err(reason) => return fail(&reason),
    };
    let whole = Trace::from_sim(simulate(&scene));
    let Some(run) = whole.sim.as_deref() else { return fail("the simulator returned no run") };
    let captured = match args.at {
        None => None,
        Some(point) => match Trace::captured_at(run, point) {
            Some(trace) => Some(trace),
            None => return fail(&format!("{} has one hop and no router to capture at (try two-hops)", scene.name)),
        },
    };
    let trace = captured.as_ref().unwrap_or(&whole);
    if let Some(path) = &args.pcap {
        let written = std::fs::File::create(path).and_then(|file| {
            let mut out = std::io::BufWriter::new(file);
            write_capture(trace, CaptureFormat::for_path(path), &mut out)?;
            std::io::Write::flush(&mut out)
        });
        if let Err(e) = written {
            return fail(&format!("cannot write {}: {e}", path.display()));
        }
    }
    if args.svg.is_some() || args.mermaid.is_some() {
        let (drawing, shown) = crate::ui::render::ladder_of_run(trace, 900.0, false);
        if let Some(path) = &args.svg
            && let Err(reason) = super::output::write_file(path, drawing.svg().as_bytes())
        {
            return fail(&reason);
        }
        let lanes = crate::trace::ladder_text::lane_names(trace, 0);
        if let Some(path) = &args.mermaid
            && let Err(reason) = super::output::write_file(
                path,
                crate::export::mermaid::ladder_diagram(trace, &lanes, &shown, true).as_bytes(),
            )
        {
            return fail(&reason);
        }
    }
    let out = match args.format {
        Format::Text => text_report(trace, &whole),
        Format::Json => serde_json::to_string_pretty(&crate::trace::json::report(trace)).unwrap_or_default() + "\n",
    };
    super::output::print_or_fail(&out)
}

/// One line per packet of `trace` (the whole run or a capture of it), then the whole run's summary.
fn text_report(trace: &Trace, whole: &Trace) -> String {
    let Some(run) = whole.sim.as_deref() else { return String::new() };
    let mut out = format!("# {} — {}\n", trace.title, run.outcome);
    for (i, p) in trace.packets.iter().enumerate() {
        let (from, to) = trace.from_to(p);
        let arrival = match (p.arrive_us, p.lost_us) {
            (Some(t), _) => format!("{} at {:.3} ms", p.fate.name(), t as f64 / 1000.0),
            (None, Some(t)) => format!("lost at {:.3} ms", t as f64 / 1000.0),
            _ => p.fate.name().to_string(),
        };
        let tcp = if p.is_tcp() {
            format!("{:<11} seq={} ack={} len={}", flag_names(p.flags), p.analysis.rel_seq, p.analysis.rel_ack, p.len)
        } else {
            format!("{:<11} len={}", "UDP/IP", p.len)
        };
        let truth = crate::trace::truth::disagreement(trace, i).map_or_else(String::new, |t| format!("  truth: {t}"));
        out.push_str(&format!(
            "#{:<4} {:>10.3} ms  {from} > {to}  {tcp}  {arrival}  [{}]{truth}\n",
            p.number,
            p.t_us as f64 / 1000.0,
            p.label_text()
        ));
    }
    let s = crate::trace::json::summary(whole);
    out.push_str(&format!(
        "summary: {} packets, {} lost, {} duplicated, {} reordered, {} retransmissions, {} bytes delivered, completed at {}\n",
        s["packets"],
        s["lost"],
        s["duplicated"],
        s["reordered"],
        s["retransmissions"],
        s["bytes_delivered"],
        run.completed_us.map_or("—".to_string(), |t| format!("{:.3} ms", t as f64 / 1000.0))
    ));
    out
}

/// A built-in scene by name, or a scene file by path (read here: the simulator reads no files);
/// the error is one line.
fn find_scene(name_or_path: &str) -> Result<Scene, String> {
    if let Some(scene) = Scene::named(name_or_path) {
        return Ok(scene);
    }
    let path = std::path::Path::new(name_or_path);
    if !path.exists() {
        let names: Vec<&str> = Scene::names().collect();
        return Err(format!("no scene called {name_or_path:?}; try one of: {}", names.join(", ")));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {name_or_path}: {e}"))?;
    let mut scene = Scene::parse(&text).map_err(|e| format!("{name_or_path}: {e}"))?;
    if scene.name.is_empty() {
        scene.name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    }
    Ok(scene)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_scene_names_the_choices() {
        let err = find_scene("nope").unwrap_err();
        assert!(err.contains("handshake"), "{err}");
    }
}
