//! Accepts connections for the demo site and serves HTTP/1.1 on each, in the clear or inside TLS.
//! Bounded against strangers: at most `Limits::max_connections` at once (`net::accept`), a TLS
//! handshake must finish within `Limits::tls_handshake`, a request head within 30 s.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, header};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::site::{self, DemoBody};
use crate::net::accept::BoundedListener;

/// What one server takes from strangers at most.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Connections open at once; one more is closed as soon as it is accepted.
    pub max_connections: usize,
    /// A TLS client must finish its handshake in this time.
    pub tls_handshake: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        // A browser opens a handful of connections; a classroom of them fits many times over.
        Self { max_connections: 512, tls_handshake: Duration::from_secs(10) }
    }
}

/// A client that has not finished sending its request head in this time is disconnected.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves every connection `listener` accepts until the task is dropped. With `tls`, each
/// connection must first complete a TLS handshake.
pub async fn serve(listener: TcpListener, tls: Option<Arc<rustls::ServerConfig>>, started: SystemTime, limits: Limits) {
    let acceptor = tls.map(TlsAcceptor::from);
    let mut listener = BoundedListener::new(listener, limits.max_connections, "demo web site");
    loop {
        let (stream, peer, place) = listener.next().await;
        // Without this, a response written in two pieces (TLS often does) waits for the client's
        // delayed ACK: Nagle's algorithm would add a 40 ms stall to the "wait" phase on Linux.
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            // The connection's place under the cap, given back when it ends.
            let _place = place;
            let result = match acceptor {
                None => serve_connection(TokioIo::new(stream), started).await,
                Some(acceptor) => match tokio::time::timeout(limits.tls_handshake, acceptor.accept(stream)).await {
                    Ok(Ok(tls_stream)) => serve_connection(TokioIo::new(tls_stream), started).await,
                    Ok(Err(e)) => {
                        tracing::debug!(error = %e, %peer, "TLS handshake with a client failed");
                        return;
                    }
                    Err(_) => {
                        tracing::debug!(%peer, "TLS handshake not finished in time: closed");
                        return;
                    }
                },
            };
            if let Err(e) = result {
                tracing::debug!(error = %e, %peer, "demo connection ended with an error");
            }
        });
    }
}

async fn serve_connection<I>(io: I, started: SystemTime) -> Result<(), hyper::Error>
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let mut builder = http1::Builder::new();
    // Title-case names (Date, Server, Content-Type) as in the textbook's example response.
    builder.title_case_headers(true).keep_alive(true).timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
    builder.serve_connection(io, service_fn(move |request| handle(request, started))).await
}

async fn handle(request: Request<Incoming>, started: SystemTime) -> Result<Response<DemoBody>, Infallible> {
    let route = site::route(request.method(), request.uri().path(), request.uri().query());
    let accept_encoding = request.headers().get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok());
    let gzip = site::accepts_gzip(accept_encoding);
    tracing::debug!(method = %request.method(), uri = %request.uri(), ?route, "demo request");
    Ok(site::respond(route, gzip, started).await)
}
