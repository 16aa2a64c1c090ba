//! "Join the class swarm": the teacher starts a class (a class code is made up), a student types
//! the code and the teacher's address (or finds the class by mDNS), both give a display name.
//! Nothing listens until one of the two buttons is pressed.

use egui::{RichText, Ui};

use crate::model::swarm::SwarmIntent;
use crate::worker_api::swarm::SwarmStart;

pub struct JoinForm {
    pub name: String,
    pub code: String,
    pub address: String,
    pub on_network: bool,
    pub mdns: bool,
    pub bucket_size: usize,
    pub replication: usize,
    pub upload_kib: u64,
    /// Under test: loopback only, no multicast (the two boxes are disabled).
    pub sandboxed: bool,
}

impl Default for JoinForm {
    fn default() -> Self {
        Self {
            name: String::new(),
            code: String::new(),
            address: String::new(),
            on_network: false,
            mdns: false,
            bucket_size: 3,
            replication: 3,
            upload_kib: 512,
            sandboxed: false,
        }
    }
}

impl JoinForm {
    fn start(&self, teacher: bool) -> SwarmStart {
        SwarmStart {
            teacher,
            code: self.code.clone(),
            join: self.address.clone(),
            name: if self.name.trim().is_empty() { "anonymous".into() } else { self.name.clone() },
            on_network: self.on_network,
            mdns: self.mdns,
            bucket_size: self.bucket_size,
            replication: self.replication,
            upload_kib: self.upload_kib,
        }
    }

    pub fn show(&mut self, ui: &mut Ui, message: Option<&str>, intents: &mut Vec<SwarmIntent>) {
        egui::Frame::new().inner_margin(16.0).show(ui, |ui| {
            ui.set_max_width(760.0);
            self.contents(ui, message, intents);
        });
    }

    fn contents(&mut self, ui: &mut Ui, message: Option<&str>, intents: &mut Vec<SwarmIntent>) {
        ui.heading("Join the class swarm");
        ui.label(
            "Every laptop in the room becomes a peer of one real peer-to-peer network (rust-libp2p: \
             Kademlia, rendezvous, gossipsub). The class code keeps two classes apart.",
        );
        if let Some(message) = message {
            ui.colored_label(ui.visuals().warn_fg_color, message);
        }
        ui.add_space(8.0);
        egui::Grid::new("swarm_join").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
            ui.label("Your name");
            ui.add(
                egui::TextEdit::singleline(&mut self.name)
                    .desired_width(420.0)
                    .hint_text("shown to the class, at most 24 characters")
                    .char_limit(24),
            );
            ui.end_row();
            ui.label("Class code");
            ui.add(
                egui::TextEdit::singleline(&mut self.code)
                    .desired_width(420.0)
                    .hint_text("e.g. CHASE2 (the teacher's is made up if empty)")
                    .char_limit(16),
            );
            ui.end_row();
            ui.label("Teacher's address");
            ui.add(
                egui::TextEdit::singleline(&mut self.address)
                    .desired_width(420.0)
                    .hint_text("/ip4/…/tcp/…/p2p/… (empty: find by mDNS)"),
            );
            ui.end_row();
        });
        ui.add_enabled_ui(!self.sandboxed, |ui| {
            ui.checkbox(
                &mut self.on_network,
                "Other laptops can reach me (listen on the local network, not only this machine)",
            )
            .on_disabled_hover_text("Off under test: loopback only");
            ui.checkbox(
                &mut self.mdns,
                "Find the class on this network (mDNS multicast; desktop firewalls may block it)",
            )
            .on_disabled_hover_text("Off under test: no multicast");
        });
        egui::CollapsingHeader::new("Class settings").show(ui, |ui| {
            ui.add(
                egui::Slider::new(&mut self.bucket_size, 2..=8)
                    .text("bucket size k (small: lookups take several rounds)"),
            );
            ui.add(egui::Slider::new(&mut self.replication, 1..=5).text("copies r of each piece"));
            ui.add(egui::Slider::new(&mut self.upload_kib, 0..=8192).text("upload cap, KiB/s (0: none)"));
        });
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button(RichText::new("Start a class (teacher)").strong()).clicked() {
                intents.push(SwarmIntent::Start(self.start(true)));
            }
            let can_join = !self.code.trim().is_empty() && (!self.address.trim().is_empty() || self.mdns);
            if ui
                .add_enabled(can_join, egui::Button::new(RichText::new("Join the class swarm").strong()))
                .on_disabled_hover_text("Type the class code, and the teacher's address or tick mDNS")
                .clicked()
            {
                intents.push(SwarmIntent::Start(self.start(false)));
            }
        });
    }
}
