//! Accepts connections for the demo site and serves HTTP/1.1 on each, in the clear or inside TLS.

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

/// A client that has not finished sending its request head in this time is disconnected.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves every connection `listener` accepts until the task is dropped. With `tls`, each
/// connection must first complete a TLS handshake.
pub async fn serve(listener: TcpListener, tls: Option<Arc<rustls::ServerConfig>>, started: SystemTime) {
    let acceptor = tls.map(TlsAcceptor::from);
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(v) => v,
            Err(e) => {
                // Usually out of file descriptors: wait a little rather than spin.
                tracing::warn!(error = %e, "demo site could not accept a connection");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        // Without this, a response written in two pieces (TLS often does) waits for the client's
        // delayed ACK: Nagle's algorithm would add a 40 ms stall to the "wait" phase on Linux.
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let result = match acceptor {
                None => serve_connection(TokioIo::new(stream), started).await,
                Some(acceptor) => match acceptor.accept(stream).await {
                    Ok(tls_stream) => serve_connection(TokioIo::new(tls_stream), started).await,
                    Err(e) => {
                        tracing::debug!(error = %e, %peer, "TLS handshake with a client failed");
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
