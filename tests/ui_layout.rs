//! Every view fits a projector: at 1024×768 at 100 % and at 1280×720 at 150 % zoom, no control
//! is cut off or pushed past the edge of the window. Checked on the real app through its
//! AccessKit tree: every labelled control (button, checkbox, combo box, slider, number field,
//! text field) and every label lies inside the window's width and below its top. Lists that
//! scroll (the event list, the node list, the plots) may go on below the window.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable, by};
use netlens::app::{AppConfig, NetlensApp};

/// A projector's size in pixels and the zoom the teacher uses.
const PROJECTORS: [([f32; 2], f32); 2] = [([1024.0, 768.0], 1.0), ([1280.0, 720.0], 1.5)];

fn controls(role: Role) -> bool {
    matches!(
        role,
        Role::Button
            | Role::CheckBox
            | Role::ComboBox
            | Role::Slider
            | Role::SpinButton
            | Role::TextInput
            | Role::RadioButton
            | Role::Label
    )
}

fn controls_only(role: Role) -> bool {
    role != Role::Label && controls(role)
}

/// Controls that are cut off or outside the window: (label, rect).
fn outside(harness: &Harness<'_, NetlensApp>, width: f32, height: f32) -> Vec<String> {
    harness
        .query_all(by().predicate(|n| controls(n.role()) && n.bounding_box().is_some()))
        .filter_map(|n| {
            let node = n.accesskit_node();
            let label = node.label().or_else(|| node.value()).unwrap_or_default();
            let r = n.rect();
            // Nothing may stick out at the sides or the top. At the bottom a list or panel that
            // scrolls may go on below the window (it is reachable by scrolling), but a control
            // in the upper part — a toolbar — must be whole.
            let toolbar_cut = controls_only(node.role()) && r.min.y < height * 0.6 && r.max.y > height + 0.5;
            let cut = r.min.x < -0.5 || r.max.x > width + 0.5 || r.min.y < -0.5 || toolbar_cut;
            cut.then(|| format!("{label:?} at {:.0},{:.0}–{:.0},{:.0}", r.min.x, r.min.y, r.max.x, r.max.y))
        })
        .collect()
}

fn check_view(tab: &str) {
    for (pixels, zoom) in PROJECTORS {
        let (width, height) = (pixels[0] / zoom, pixels[1] / zoom);
        let mut harness = Harness::builder()
            .with_size([width, height])
            .build_eframe(|cc| NetlensApp::new(cc, AppConfig::test_with_demo()));
        // The app's zoom, as the teacher sets it; the harness's size is already in points.
        harness.ctx.set_zoom_factor(zoom);
        harness.set_size(egui::vec2(width, height));
        harness.run_steps(3);
        // With something to show: the demo page loaded, the first packet scene run.
        while harness.state().demo_addresses().is_none() {
            harness.step();
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        harness.get_by_label("Fetch").click();
        harness.run_steps(2);
        harness.key_press(egui::Key::Enter);
        harness.get_by_label(tab).click();
        // Measure the view only once it shows what it is about: the page loaded, the packet
        // scene's run installed (its ladder, events and inspector drawn), the Network scene open.
        let ready = |h: &Harness<'_, NetlensApp>| match tab {
            "Fetch" => h.query_all_by_label_contains("Done:").next().is_some(),
            "Packets" => {
                let model = h.state().packets_model();
                model.trace().is_some() && !model.busy() && h.query_all_by_label_contains("Events:").next().is_some()
            }
            _ => !h.state().network_model().graph().nodes.is_empty(),
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !ready(&harness) {
            assert!(std::time::Instant::now() < deadline, "the {tab} view never showed its content");
            harness.step();
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        // One more frame laid out with the content in place.
        harness.run_steps(2);
        let bad = outside(&harness, width, height);
        assert!(bad.is_empty(), "{tab} at {pixels:?} and {}%: cut off: {bad:#?}", zoom * 100.0);
    }
}

#[test]
fn the_fetch_view_fits_a_projector() {
    check_view("Fetch");
}

#[test]
fn the_packets_view_fits_a_projector() {
    check_view("Packets");
}

#[test]
fn the_network_view_fits_a_projector() {
    check_view("Network");
}
