//! `netlens serve`: the demo web site (http and https) and DNS responder, without the window,
//! until Ctrl-C. Loopback only unless `--bind` names another address.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::output::fail;
use crate::net::demo::{DemoConfig, DemoServices, PortChoice};
use crate::record::request::{DEFAULT_DNS_PORT, DEFAULT_HTTP_PORT, DEFAULT_HTTPS_PORT};

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The address to listen on. The default, 127.0.0.1, is reachable only from this machine;
    /// give this machine's network address (or 0.0.0.0) for a class to reach it.
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,
    /// The web site's port [default: 8080, or a free port if taken].
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// The https twin's port [default: 8443, or a free port if taken].
    #[arg(long, value_name = "N")]
    pub https_port: Option<u16>,
    /// The DNS responder's UDP port [default: 8053, or a free port if taken].
    #[arg(long, value_name = "N")]
    pub dns_port: Option<u16>,
    /// Where to write the https certificate authority (PEM) for clients to trust.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
}

fn choice(given: Option<u16>, default: u16) -> PortChoice {
    given.map_or(PortChoice::Prefer(default), PortChoice::Exactly)
}

pub fn run(args: ServeArgs) -> ExitCode {
    let config = DemoConfig {
        bind: args.bind,
        http: choice(args.port, DEFAULT_HTTP_PORT),
        https: choice(args.https_port, DEFAULT_HTTPS_PORT),
        dns: choice(args.dns_port, DEFAULT_DNS_PORT),
        ..DemoConfig::default()
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().thread_name("netlens-serve").build() {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    runtime.block_on(async move {
        let services = match DemoServices::start(&config).await {
            Ok(s) => s,
            Err(reason) => return fail(&reason),
        };
        let a = &services.addresses;
        let ca_file = args.ca_file.unwrap_or_else(|| std::env::temp_dir().join("netlens-demo-ca.pem"));
        if let Some(pem) = &services.authority_pem
            && let Err(e) = std::fs::write(&ca_file, pem)
        {
            return fail(&format!("cannot write the certificate authority to {}: {e}", ca_file.display()));
        }
        println!("netlens demo site    http://{}/   ({})", a.http, a.home_url());
        if let Some(https) = a.https {
            println!(
                "netlens demo https   https://{https}/   (trust {} : curl --cacert, netlens fetch --cacert)",
                ca_file.display()
            );
        }
        println!(
            "netlens demo DNS     udp {}   answers *.demo.test  (dig @{} -p {} www.demo.test)",
            a.dns,
            a.dns.ip(),
            a.dns.port()
        );
        println!("try: netlens fetch {} --dns-server {}", a.home_url(), a.dns);
        if !args.bind.is_loopback() {
            println!("note: listening on {}: other machines on this network can reach these services.", args.bind);
        }
        println!("press Ctrl-C to stop");
        match tokio::signal::ctrl_c().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&format!("cannot wait for Ctrl-C: {e}")),
        }
    })
}
