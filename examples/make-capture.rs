//! Writes a large synthetic capture for the benchmarks: `make-capture OUT.pcap PACKETS CONNECTIONS`.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(out), Some(packets)) = (args.get(1), args.get(2).and_then(|n| n.parse().ok())) else {
        eprintln!("usage: make-capture OUT.pcap PACKETS [CONNECTIONS]");
        std::process::exit(2);
    };
    let connections = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(1000);
    std::fs::write(out, netlens::capture::synthetic::many_connections(packets, connections))
        .expect("write the capture");
}
