//! The built-in demo services: a web site (http, and https with a certificate made at start-up)
//! and a DNS responder for the `demo.test` zone, all on loopback unless asked otherwise. They make
//! the client/server half of the curriculum work offline on one machine.

pub mod assets;
pub mod bodies;
pub mod certificate;
pub mod dns_responder;
pub mod server;
pub mod site;

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::SystemTime;

use tokio::net::{TcpListener, UdpSocket};
use tokio::task::JoinHandle;

use crate::record::DemoAddresses;
use crate::record::request::{DEFAULT_DNS_PORT, DEFAULT_HTTP_PORT, DEFAULT_HTTPS_PORT};
use certificate::DemoCertificate;
use dns_responder::ZoneAddresses;

/// Which port a service should listen on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortChoice {
    /// This port or fail: the user named it.
    Exactly(u16),
    /// This port if free, else any free port: the app's defaults.
    Prefer(u16),
    /// Do not start this service.
    Off,
}

/// Where and how to run the demo services.
#[derive(Clone, Debug)]
pub struct DemoConfig {
    pub bind: IpAddr,
    pub http: PortChoice,
    pub https: PortChoice,
    pub dns: PortChoice,
    /// What the web site takes from strangers at most.
    pub limits: server::Limits,
}

impl Default for DemoConfig {
    /// Loopback, on the usual ports or free ones.
    fn default() -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            http: PortChoice::Prefer(DEFAULT_HTTP_PORT),
            https: PortChoice::Prefer(DEFAULT_HTTPS_PORT),
            dns: PortChoice::Prefer(DEFAULT_DNS_PORT),
            limits: server::Limits::default(),
        }
    }
}

impl DemoConfig {
    /// Loopback on ports the system picks: for tests, which run side by side.
    pub fn ephemeral() -> Self {
        Self {
            http: PortChoice::Prefer(0),
            https: PortChoice::Prefer(0),
            dns: PortChoice::Prefer(0),
            ..Self::default()
        }
    }
}

/// The running services. Dropping this stops them.
pub struct DemoServices {
    pub addresses: DemoAddresses,
    /// The https certificate authority in PEM, for `curl --cacert` and `netlens fetch --cacert`.
    pub authority_pem: Option<String>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for DemoServices {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl DemoServices {
    /// Binds every service, then starts serving. Must be called inside a tokio runtime. Fails
    /// with a one-line reason when a port cannot be had.
    pub async fn start(config: &DemoConfig) -> Result<Self, String> {
        let started = SystemTime::now();
        let (PortChoice::Exactly(_) | PortChoice::Prefer(_)) = config.http else {
            return Err("the demo web site needs an http port".into());
        };
        let http_listener = bind_tcp(config.bind, config.http, "demo web site").await?;
        let dns_socket = match config.dns {
            PortChoice::Off => None,
            choice => Some(bind_udp(config.bind, choice, "demo DNS responder").await?),
        };
        let (https_listener, certificate) = match config.https {
            PortChoice::Off => (None, None),
            choice => {
                let certificate = DemoCertificate::generate()?;
                (Some(bind_tcp(config.bind, choice, "demo https site").await?), Some(certificate))
            }
        };

        let local = |r: io::Result<SocketAddr>| r.map_err(|e| format!("could not read a bound address: {e}"));
        let http = local(http_listener.local_addr())?;
        let https = https_listener.as_ref().map(|l| local(l.local_addr())).transpose()?;
        let dns = match &dns_socket {
            Some(s) => local(s.local_addr())?,
            None => SocketAddr::new(config.bind, 0),
        };

        let limits = config.limits;
        let mut tasks = vec![tokio::spawn(server::serve(http_listener, None, started, limits))];
        if let (Some(listener), Some(certificate)) = (https_listener, &certificate) {
            let tls = Some(certificate.server_config.clone());
            tasks.push(tokio::spawn(server::serve(listener, tls, started, limits)));
        }
        if let Some(socket) = dns_socket {
            tasks.push(tokio::spawn(dns_responder::serve(socket, zone_addresses(config.bind))));
        }
        tracing::info!(%http, ?https, %dns, "demo services started");
        Ok(Self {
            addresses: DemoAddresses {
                http,
                https,
                dns,
                certificate_der: certificate.as_ref().map(|c| c.authority_der.clone()),
            },
            authority_pem: certificate.map(|c| c.authority_pem),
            tasks,
        })
    }
}

/// Demo names point at the address the site listens on, so another machine that uses this
/// responder reaches this machine; on a wildcard or loopback bind, at loopback.
fn zone_addresses(bind: IpAddr) -> ZoneAddresses {
    let mut zone = ZoneAddresses::default();
    match bind {
        IpAddr::V4(v4) if !v4.is_unspecified() => zone.v4 = v4,
        IpAddr::V6(v6) if !v6.is_unspecified() => zone.v6 = v6,
        _ => {}
    }
    zone
}

async fn bind_tcp(ip: IpAddr, choice: PortChoice, what: &str) -> Result<TcpListener, String> {
    bind_with(ip, choice, what, TcpListener::bind).await
}

async fn bind_udp(ip: IpAddr, choice: PortChoice, what: &str) -> Result<UdpSocket, String> {
    bind_with(ip, choice, what, UdpSocket::bind).await
}

/// Binds with `bind` on the chosen port; a preferred port that is taken gives way to a free one.
async fn bind_with<T, Fut>(
    ip: IpAddr,
    choice: PortChoice,
    what: &str,
    bind: impl Fn(SocketAddr) -> Fut,
) -> Result<T, String>
where
    Fut: std::future::Future<Output = io::Result<T>>,
{
    let port = port_of(choice);
    match bind(SocketAddr::new(ip, port)).await {
        Ok(bound) => Ok(bound),
        Err(e) if matches!(choice, PortChoice::Prefer(p) if p != 0) => {
            tracing::info!(port, error = %e, "{what}: preferred port taken, using a free one");
            bind(SocketAddr::new(ip, 0)).await.map_err(|e| bind_error(what, ip, 0, &e))
        }
        Err(e) => Err(bind_error(what, ip, port, &e)),
    }
}

fn port_of(choice: PortChoice) -> u16 {
    match choice {
        PortChoice::Exactly(p) | PortChoice::Prefer(p) => p,
        PortChoice::Off => 0,
    }
}

fn bind_error(what: &str, ip: IpAddr, port: u16, e: &io::Error) -> String {
    let hint = match e.kind() {
        io::ErrorKind::AddrInUse => " (another program uses that port; choose another with --port/--dns-port)",
        io::ErrorKind::PermissionDenied => " (ports below 1024 need administrator rights)",
        io::ErrorKind::AddrNotAvailable => " (this machine has no such address)",
        _ => "",
    };
    format!("{what}: cannot listen on {}: {e}{hint}", SocketAddr::new(ip, port))
}
