//! Step mode at scale: the routing scene with 10,000 peers, run until at least 1,000,000
//! messages have been delivered (log off, counters on). Run: `cargo bench --bench network`.

use std::time::Instant;

use netlens::netsim::NetScene;
use netlens::netsim::scenes::overlay::{Mode, Overlay};

fn main() {
    let peers = 10_000;
    // Paths average about 6.5 hops here, so this many end-to-end messages make over 1M deliveries.
    let end_to_end = 200_000;
    let start = Instant::now();
    let mut scene = Overlay::with_messages(1, peers, Mode::Routing, end_to_end).expect("scene");
    scene.set_logging(false);
    let built = start.elapsed();
    let mut steps = 0u64;
    while scene.messages_delivered() < 1_000_000 && scene.step() {
        steps += 1;
    }
    let elapsed = start.elapsed();
    let delivered = scene.messages_delivered();
    println!(
        "step mode: {peers} peers, {delivered} messages delivered in {steps} events: {:.2} s ({:.2} M messages/s; building the overlay took {:.0} ms)",
        elapsed.as_secs_f64(),
        delivered as f64 / elapsed.as_secs_f64() / 1e6,
        built.as_secs_f64() * 1000.0
    );
    assert!(delivered >= 1_000_000, "only {delivered} messages");
}
