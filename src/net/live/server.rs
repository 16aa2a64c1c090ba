//! A capacity-limited HTTP server on loopback (hyper): `capacity` requests are served at a
//! time, each taking `service` (simulated work), up to `queue_limit` wait, the rest get 503.
//! It can be killed (stops listening and drops its connections) and restarted. Any local program
//! can connect: it holds at most `MAX_CONNECTIONS` at once and backs off on accept errors
//! (`net::accept`).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::net::accept::BoundedListener;
use crate::netsim::admission::{Admission, Admit};

/// Connections held at once: more than `netlens load`'s 1,000 clients, far fewer than the
/// file descriptors a process may open.
pub const MAX_CONNECTIONS: usize = 1_024;

type Waiting = oneshot::Sender<()>;

#[derive(Clone, Copy, Debug)]
pub struct ServerConfig {
    pub capacity: usize,
    pub queue_limit: usize,
    pub service: Duration,
}

/// A running live server; dropping it stops it.
pub struct LiveServer {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for LiveServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the server on 127.0.0.1 (an ephemeral port, or `port` when given, to restart on
/// the same address).
pub async fn start(config: ServerConfig, port: u16) -> std::io::Result<LiveServer> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    let admission = Arc::new(Mutex::new(Admission::<Waiting>::new(config.capacity, config.queue_limit)));
    let task = tokio::spawn(async move {
        let mut listener = BoundedListener::new(listener, MAX_CONNECTIONS, "load server");
        let mut connections = tokio::task::JoinSet::new();
        loop {
            let (stream, _, place) = listener.next().await;
            let _ = stream.set_nodelay(true);
            let admission = admission.clone();
            connections.spawn(async move {
                let _place = place;
                let service = service_fn(move |request| handle(request, admission.clone(), config.service));
                let _ = http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), service).await;
            });
            // Reap finished connections so the set does not grow without bound.
            while connections.try_join_next().is_some() {}
        }
        // Aborting this task drops the JoinSet, which aborts every connection: a killed server.
    });
    Ok(LiveServer { addr, task })
}

/// Gives a freed slot to the first waiting request still there.
fn release(admission: &Mutex<Admission<Waiting>>) {
    loop {
        let next = admission.lock().unwrap_or_else(std::sync::PoisonError::into_inner).finish();
        match next {
            // That request gave up waiting; the slot goes on to the next.
            Some(waiting) => {
                if waiting.send(()).is_ok() {
                    return;
                }
            }
            None => return,
        }
    }
}

async fn handle(
    _request: Request<Incoming>,
    admission: Arc<Mutex<Admission<Waiting>>>,
    service: Duration,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (sender, receiver) = oneshot::channel();
    let decision = admission.lock().unwrap_or_else(std::sync::PoisonError::into_inner).arrive(sender);
    match decision {
        Admit::Start(_) => {}
        Admit::Queued => {
            if receiver.await.is_err() {
                return Ok(reply(StatusCode::SERVICE_UNAVAILABLE, "dropped"));
            }
        }
        Admit::Refused(_) => return Ok(reply(StatusCode::SERVICE_UNAVAILABLE, "busy")),
    }
    // The work a request costs; the slot is released even if the client has gone.
    tokio::time::sleep(service).await;
    release(&admission);
    Ok(reply(StatusCode::OK, "hello"))
}

fn reply(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    response
}
