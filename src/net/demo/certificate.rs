//! A certificate authority and a server certificate made fresh each time the demo site starts, so
//! https works offline: clients that should trust the demo site are given the authority.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The names the demo server's certificate is valid for.
pub const CERTIFICATE_NAMES: [&str; 6] =
    ["www.demo.test", "api.demo.test", "img.demo.test", "localhost", "127.0.0.1", "::1"];

/// The demo site's TLS identity.
pub struct DemoCertificate {
    /// The authority's certificate, which a client must trust (DER).
    pub authority_der: Vec<u8>,
    pub authority_pem: String,
    pub server_config: Arc<rustls::ServerConfig>,
}

impl DemoCertificate {
    /// Makes a new authority ("netlens demo CA") and a server certificate it signs, valid from a
    /// day ago for 30 days.
    pub fn generate() -> Result<Self, String> {
        let err = |what: &str, e: &dyn std::fmt::Display| format!("could not make the demo certificate ({what}): {e}");
        let now = SystemTime::now();
        let validity = |params: &mut CertificateParams| {
            params.not_before = (now - Duration::from_secs(86_400)).into();
            params.not_after = (now + Duration::from_secs(30 * 86_400)).into();
        };

        let authority_key = KeyPair::generate().map_err(|e| err("authority key", &e))?;
        let mut authority = CertificateParams::default();
        authority.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        authority.distinguished_name.push(DnType::CommonName, "netlens demo CA");
        authority.distinguished_name.push(DnType::OrganizationName, "netlens");
        authority.key_usages =
            vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        validity(&mut authority);
        let authority_cert = authority.self_signed(&authority_key).map_err(|e| err("authority", &e))?;

        let server_key = KeyPair::generate().map_err(|e| err("server key", &e))?;
        let names: Vec<String> = CERTIFICATE_NAMES.iter().map(|n| n.to_string()).collect();
        let mut server = CertificateParams::new(names).map_err(|e| err("server names", &e))?;
        server.distinguished_name.push(DnType::CommonName, "www.demo.test");
        server.distinguished_name.push(DnType::OrganizationName, "netlens demo site");
        validity(&mut server);
        let issuer = Issuer::new(authority, &authority_key);
        let server_cert = server.signed_by(&server_key, &issuer).map_err(|e| err("server", &e))?;

        let chain = vec![server_cert.der().clone(), authority_cert.der().clone()];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| err("TLS versions", &e))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| err("server config", &e))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];

        Ok(Self {
            authority_der: CertificateDer::clone(authority_cert.der()).to_vec(),
            authority_pem: authority_cert.pem(),
            server_config: Arc::new(config),
        })
    }
}
