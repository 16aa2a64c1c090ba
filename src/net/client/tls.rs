//! Our own rustls link in the connector chain: performs the TLS handshake over the recorded TCP
//! transport (so the handshake records are captured), notes what was negotiated and the server's
//! certificate, and records the decrypted HTTP above it.

use std::fmt;
use std::io::{self, Read, Write};
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use ureq::Error;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, LazyBuffers, NextTimeout, Transport, TransportAdapter,
};

use super::recorder::{Layer, LoadRecorder};
use super::tcp_transport::TcpTransport;
use super::transport::Recording;
use crate::record::{CertificateInfo, Phase, Span, TlsInfo};

/// Builds the client configuration: the Mozilla roots built into netlens (so it works without the
/// OS's store) plus any extra authorities, such as the demo site's.
pub fn client_config(extra_roots: &[Vec<u8>]) -> Result<Arc<ClientConfig>, String> {
    let mut roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    for der in extra_roots {
        roots
            .add(CertificateDer::from(der.clone()))
            .map_err(|e| format!("a certificate to trust could not be used: {e}"))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS set-up failed: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Wraps https connections in TLS; passes http connections through.
pub struct RecordingTlsConnector {
    pub recorder: Arc<LoadRecorder>,
    pub config: Arc<ClientConfig>,
}

impl fmt::Debug for RecordingTlsConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecordingTlsConnector")
    }
}

impl Connector<Recording<TcpTransport>> for RecordingTlsConnector {
    type Out = Box<dyn Transport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<Recording<TcpTransport>>,
    ) -> Result<Option<Self::Out>, Error> {
        let Some(tcp) = chained else { return Ok(None) };
        if !details.needs_tls() {
            return Ok(Some(Box::new(tcp)));
        }
        self.recorder.set_phase(Phase::Tls);
        let start_us = self.recorder.now_us();
        let connection = tcp.connection();
        let host = details.uri.host().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
        let name = ServerName::try_from(host.to_string()).map_err(|_| {
            self.fail(format!("'{host}' cannot be checked against a certificate"));
            Error::Tls("invalid server name")
        })?;
        let mut conn = ClientConnection::new(self.config.clone(), name).map_err(|e| {
            self.fail(format!("TLS set-up failed: {e}"));
            Error::Tls("TLS set-up failed")
        })?;
        let mut socket = TransportAdapter::new(tcp.boxed(), details.current_time.clone());
        socket.set_timeout(details.timeout);
        while conn.is_handshaking() {
            if let Err(e) = conn.complete_io(&mut socket) {
                return Err(self.handshake_error(e));
            }
        }
        let info = negotiated(&conn);
        self.recorder.record_tls(connection, Span { start_us, end_us: self.recorder.now_us() }, info);
        let buffers = LazyBuffers::new(details.config.input_buffer_size(), details.config.output_buffer_size());
        let tls = TlsTransport { buffers, stream: StreamOwned::new(conn, socket) };
        Ok(Some(Box::new(Recording::new(tls, self.recorder.clone(), connection, Layer::Http))))
    }
}

impl RecordingTlsConnector {
    fn fail(&self, message: String) {
        self.recorder.note_failure(Phase::Tls, message);
    }

    fn handshake_error(&self, e: io::Error) -> Error {
        let timed_out = matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock);
        let detail = e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()).map(explain_rustls_error);
        let message = match (timed_out, detail) {
            (true, _) => "the TLS handshake did not finish within the timeout".to_string(),
            (false, Some(detail)) => format!("TLS handshake failed: {detail}"),
            (false, None) => format!("TLS handshake failed: {e}"),
        };
        self.fail(message);
        if timed_out { Error::Timeout(ureq::Timeout::Connect) } else { Error::Tls("TLS handshake failed") }
    }
}

/// A rustls error in words a student can act on.
fn explain_rustls_error(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => {
            "the server's certificate was not issued by an authority this client trusts (UnknownIssuer)".into()
        }
        rustls::Error::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. }) => {
            "the server's certificate is for a different name than the one in the URL".into()
        }
        rustls::Error::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => {
            "the server's certificate has expired".into()
        }
        rustls::Error::InvalidCertificate(C::NotValidYet | C::NotValidYetContext { .. }) => {
            "the server's certificate is not valid yet (check this computer's clock)".into()
        }
        other => other.to_string(),
    }
}

/// What the handshake settled on.
fn negotiated(conn: &ClientConnection) -> TlsInfo {
    let version = match conn.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3".to_string(),
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2".to_string(),
        Some(other) => format!("{other:?}"),
        None => "unknown".to_string(),
    };
    TlsInfo {
        version,
        cipher_suite: conn.negotiated_cipher_suite().map_or_else(|| "unknown".into(), |s| format!("{:?}", s.suite())),
        alpn: conn.alpn_protocol().map(|p| String::from_utf8_lossy(p).into_owned()),
        certificate: conn.peer_certificates().and_then(|certs| certs.first()).and_then(|c| describe_certificate(c)),
    }
}

/// The subject, issuer, validity and names of a DER certificate.
pub fn describe_certificate(der: &[u8]) -> Option<CertificateInfo> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let names = cert
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|san| san.value.general_names.iter().map(general_name).collect())
        .unwrap_or_default();
    let validity = cert.validity();
    Some(CertificateInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before: validity.not_before.to_string(),
        not_after: validity.not_after.to_string(),
        names,
    })
}

/// A subject alternative name as a person writes it: `www.demo.test`, `127.0.0.1`.
fn general_name(name: &x509_parser::extensions::GeneralName<'_>) -> String {
    use x509_parser::extensions::GeneralName;
    match name {
        GeneralName::DNSName(n) => (*n).to_string(),
        GeneralName::IPAddress(bytes) => match bytes.len() {
            4 => std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string(),
            16 => <[u8; 16]>::try_from(*bytes)
                .map_or_else(|_| format!("{bytes:02x?}"), |o| std::net::Ipv6Addr::from(o).to_string()),
            _ => format!("{bytes:02x?}"),
        },
        other => other.to_string(),
    }
}

/// HTTP over an established TLS session.
struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TlsTransport")
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        self.stream.flush()?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}
