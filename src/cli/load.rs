//! `netlens load`: the live client/server scene on loopback. A capacity-limited server (real
//! HTTP over real TCP) and, for each client count, that many clients sending requests back to
//! back; prints requests per second, latency p50/p95 and refusals per row.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use serde_json::json;

use super::output::{Format, fail};
use crate::net::live::load::{LoadRow, measure};
use crate::net::live::server::{ServerConfig, start};

#[derive(Args, Debug)]
pub struct LoadArgs {
    /// Client counts to measure, e.g. 1,2,4,8,16,32,64.
    #[arg(long, value_delimiter = ',', default_value = "1,2,4,8,16,32,64")]
    pub clients: Vec<usize>,
    /// Requests the server works on at once.
    #[arg(long, default_value_t = 4)]
    pub capacity: usize,
    /// Requests that may wait for a slot [default: twice the capacity].
    #[arg(long)]
    pub queue: Option<usize>,
    /// Work per request, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 10)]
    pub service_ms: u64,
    /// Seconds per client count.
    #[arg(long, default_value_t = 2.0)]
    pub seconds: f64,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(args: LoadArgs) -> ExitCode {
    if args.clients.is_empty() || args.clients.iter().any(|&c| c == 0 || c > 1000) {
        return fail("--clients needs counts from 1 to 1000, e.g. 1,2,4,8");
    }
    if !(1..=1000).contains(&args.capacity) {
        return fail("--capacity must be from 1 to 1000");
    }
    if !(args.seconds.is_finite() && (0.05..=600.0).contains(&args.seconds)) {
        return fail("--seconds must be between 0.05 and 600");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    let config = ServerConfig {
        capacity: args.capacity,
        queue_limit: args.queue.unwrap_or(args.capacity * 2),
        service: Duration::from_millis(args.service_ms),
    };
    let rows: Result<Vec<LoadRow>, String> = runtime.block_on(async {
        let server = start(config, 0).await.map_err(|e| format!("cannot start the server on loopback: {e}"))?;
        let mut rows = Vec::new();
        for &clients in &args.clients {
            rows.push(measure(server.addr, clients, Duration::from_secs_f64(args.seconds)).await);
            // Let the server's queue drain before the next row.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(rows)
    });
    let rows = match rows {
        Ok(rows) => rows,
        Err(reason) => return fail(&reason),
    };
    let out = match args.format {
        Format::Json => {
            let report = json!({
                "capacity": config.capacity,
                "queue_limit": config.queue_limit,
                "service_ms": args.service_ms,
                "seconds": args.seconds,
                "rows": rows,
            });
            serde_json::to_string_pretty(&report).expect("JSON values serialize") + "\n"
        }
        Format::Text => {
            let mut out = format!(
                "server on loopback: {} slots, queue of {}, {} ms of work per request; {} s per row\n{:>8} {:>10} {:>9} {:>9} {:>8} {:>7}\n",
                config.capacity,
                config.queue_limit,
                args.service_ms,
                args.seconds,
                "clients",
                "req/s",
                "p50 ms",
                "p95 ms",
                "refused",
                "failed"
            );
            for r in &rows {
                out.push_str(&format!(
                    "{:>8} {:>10.1} {:>9.2} {:>9.2} {:>8} {:>7}\n",
                    r.clients, r.rps, r.p50_ms, r.p95_ms, r.refused, r.failed
                ));
            }
            out
        }
    };
    super::output::print_or_fail(&out)
}
