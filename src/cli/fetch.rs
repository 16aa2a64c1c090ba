//! `netlens fetch URL`: one page load, reported like `curl -v` (text) or as one JSON object.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use super::output::{Format, fail};
use super::report_text;
use crate::net::client::PageLoader;
use crate::record::request::DEFAULT_DNS_PORT;
use crate::record::{FetchOptions, FetchRequest};

/// Bytes of each body and of each direction's raw traffic kept for the report.
const CLI_PREVIEW_BYTES: usize = 1024 * 1024;

#[derive(Args, Debug)]
pub struct FetchArgs {
    /// The address to fetch, such as http://www.demo.test:8080/ (http:// is assumed if missing).
    pub url: String,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// How to look up names outside demo.test.
    #[arg(long, value_enum, default_value_t = DnsChoice::System)]
    pub dns: DnsChoice,
    /// The demo DNS responder to ask for names in demo.test (IP:PORT, or IP for port 8053).
    #[arg(long, value_name = "ADDR", value_parser = parse_dns_server)]
    pub dns_server: Option<SocketAddr>,
    /// With --dns wire: the nameserver to ask (IP:PORT, or IP for port 53) instead of the first
    /// one in /etc/resolv.conf.
    #[arg(long, value_name = "ADDR", value_parser = parse_nameserver)]
    pub nameserver: Option<SocketAddr>,
    /// Fetch only the page, not the images, stylesheets and scripts it names.
    #[arg(long)]
    pub no_subresources: bool,
    /// Redirects to follow before giving up (0 shows the redirect itself).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub max_redirects: u32,
    /// Longest time for each request, from DNS to the body's last byte, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 120.0, value_parser = parse_seconds)]
    pub timeout: f64,
    /// Longest time to wait for a TCP connection, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10.0, value_parser = parse_seconds)]
    pub connect_timeout: f64,
    /// Also trust this certificate authority (PEM or DER), e.g. the one `netlens serve` prints.
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Also save the page load as HAR 1.2 (DevTools' Network panel imports it).
    #[arg(long, value_name = "FILE")]
    pub har: Option<PathBuf>,
    /// Keep Cookie, Set-Cookie and Authorization values in the HAR (redacted by default).
    #[arg(long)]
    pub keep_secrets: bool,
}

fn parse_dns_server(text: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    text.parse::<IpAddr>()
        .map(|ip| SocketAddr::new(ip, DEFAULT_DNS_PORT))
        .map_err(|_| format!("'{text}' is not an address such as 127.0.0.1:8053"))
}

fn parse_nameserver(text: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    text.parse::<IpAddr>()
        .map(|ip| SocketAddr::new(ip, 53))
        .map_err(|_| format!("'{text}' is not an address such as 192.0.2.53"))
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && s <= 86_400.0 => Ok(s),
        _ => Err(format!("'{text}' is not a number of seconds between 0 and 86400")),
    }
}

pub fn run(args: FetchArgs) -> ExitCode {
    let request = match FetchRequest::parse(&args.url) {
        Ok(r) => r,
        Err(e) => return fail(&format!("malformed URL: {e}")),
    };
    let mut options = FetchOptions {
        dns_mode: args.dns.into(),
        nameserver: args.nameserver,
        subresources: !args.no_subresources,
        max_redirects: args.max_redirects,
        total_timeout: Duration::from_secs_f64(args.timeout),
        connect_timeout: Duration::from_secs_f64(args.connect_timeout.min(args.timeout)),
        read_timeout: Duration::from_secs_f64(args.timeout.min(30.0)),
        // The reports show heads, not bodies; a smaller preview keeps big downloads lean. It
        // still holds any sensible HTML page whole, for finding its sub-resources.
        preview_bytes: CLI_PREVIEW_BYTES,
        ..FetchOptions::default()
    };
    if let Some(server) = args.dns_server {
        options.demo_dns = server;
    }
    if let Some(path) = &args.cacert {
        match read_certificates(path) {
            Ok(certs) => options.extra_roots.extend(certs),
            Err(reason) => return fail(&reason),
        }
    }
    let loader = match PageLoader::new(&options) {
        Ok(l) => l,
        Err(e) => return fail(&e.message),
    };
    let started = std::time::SystemTime::now();
    let result = loader.run_silently(&request);
    if let Some(path) = &args.har {
        let document = crate::export::har::document(request.as_str(), &result.exchanges, started, args.keep_secrets);
        let text = serde_json::to_string_pretty(&document).unwrap_or_default() + "\n";
        if let Err(reason) = super::output::write_file(path, text.as_bytes()) {
            return fail(&reason);
        }
    }

    let report = match args.format {
        Format::Text => report_text::render(&result),
        Format::Json => crate::record::fetch_json::render(request.as_str(), &result.exchanges, result.error.as_ref()),
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(report.as_bytes()).and_then(|()| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return fail(&format!("cannot write the report: {e}"));
    }
    if result.got_response() {
        if let Some(error) = &result.error {
            eprintln!("netlens: note: {}", error.message);
        }
        ExitCode::SUCCESS
    } else {
        let reason = result
            .error
            .as_ref()
            .map_or_else(|| "no response".to_string(), |e| format!("{}: {}", e.kind.as_str(), e.message));
        fail(&reason)
    }
}

/// Certificates from a PEM file (one or more) or a single DER file.
fn read_certificates(path: &PathBuf) -> Result<Vec<Vec<u8>>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if !bytes.starts_with(b"-----BEGIN") {
        return Ok(vec![bytes]);
    }
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let certs: Result<Vec<_>, _> = CertificateDer::pem_slice_iter(&bytes).map(|c| c.map(|c| c.to_vec())).collect();
    match certs {
        Ok(certs) if !certs.is_empty() => Ok(certs),
        Ok(_) => Err(format!("{} holds no certificate", path.display())),
        Err(e) => Err(format!("{} is not a valid PEM certificate file: {e}", path.display())),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DnsChoice {
    /// The operating system's resolver (its packets are not visible).
    System,
    /// A UDP query to the nameserver in /etc/resolv.conf, so the bytes show.
    Wire,
}

impl From<DnsChoice> for crate::record::DnsMode {
    fn from(choice: DnsChoice) -> Self {
        match choice {
            DnsChoice::System => crate::record::DnsMode::System,
            DnsChoice::Wire => crate::record::DnsMode::Wire,
        }
    }
}
