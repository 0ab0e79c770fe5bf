//! The probe's HTTP GET: no credentials, no cookies, no automatic
//! redirects, a connect and a total timeout, a capped body, and the proxy
//! curl would choose. A failure names its cause (DNS, TCP, TLS, proxy,
//! timeout) instead of a library's error text.

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use rustls::CertificateError;
use rustls::pki_types::CertificateDer;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsProvider};
use url::Url;

use super::proxy::{ProxySettings, redacted};

/// A response from the server, whatever its status.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub location: Option<String>,
    pub content_type: Option<String>,
    /// Empty for redirects, whose bodies are not read.
    pub body: Vec<u8>,
}

/// The cause of a request that got no usable response.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The host name does not resolve.
    Dns { host: String },
    /// Nothing accepts connections at the address.
    Refused { target: String },
    /// No response within the timeout.
    Timeout {
        seconds: f64,
        /// The proxy in between, which may be the one that is silent.
        proxy: Option<String>,
    },
    /// The server's certificate was rejected.
    Certificate { problem: CertificateProblem },
    /// The server requires a client certificate, and the probe has none.
    ClientCertificate,
    /// The TLS handshake failed for another reason.
    Tls { detail: String },
    /// The proxy could not be used, could not be reached, or rejected the
    /// tunnel.
    Proxy { proxy: String, detail: String },
    /// The peer does not speak the protocol of the URL's scheme.
    NotHttp { detail: String, https: bool },
    /// The response started, but its headers or body failed.
    Response { detail: String },
    /// The body is larger than the cap, so reading stopped there.
    TooLarge { limit: u64 },
    /// Any other failure of the connection.
    Other { detail: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateProblem {
    Expired,
    NotYetValid,
    /// The certificate does not name the host of the URL.
    WrongName {
        host: String,
    },
    /// No trusted root signed the chain.
    Untrusted,
    /// The server presents a CA certificate as its own.
    CaAsServer,
    Revoked,
    Other(String),
}

impl Failure {
    /// Returns the message for the report, and the fix.
    pub fn describe(&self) -> (String, String) {
        match self {
            Failure::Dns { host } => (
                format!("the host name {host} does not resolve"),
                "check the spelling of the host, and that this machine uses the DNS servers the devices use (a VPN or split DNS can hide internal names)".into(),
            ),
            Failure::Refused { target } => (
                format!("{target} refused the connection"),
                "check the port, and that the server or the reverse proxy in front of it is running and reachable from here".into(),
            ),
            Failure::Timeout { seconds, proxy: None } => (
                format!("timed out after {} without a response", seconds_text(*seconds)),
                "check the firewalls between this machine and the server, or raise --timeout if the server is only slow".into(),
            ),
            Failure::Timeout { seconds, proxy: Some(proxy) } => (
                format!(
                    "timed out after {} without a response through the proxy {proxy}",
                    seconds_text(*seconds)
                ),
                "check that the proxy can reach the server, or raise --timeout if the server is only slow".into(),
            ),
            Failure::Certificate { problem } => certificate_text(problem),
            Failure::ClientCertificate => (
                "the server requires a client certificate, which probe does not send".into(),
                "check the site from a managed device that has the certificate".into(),
            ),
            Failure::Tls { detail } => (
                format!("the TLS handshake failed: {detail}"),
                "check that the port serves HTTPS with TLS 1.2 or 1.3".into(),
            ),
            Failure::Proxy { proxy, detail } => (
                format!("the proxy {proxy} failed: {detail}"),
                "check HTTPS_PROXY, HTTP_PROXY and NO_PROXY, and add the host to NO_PROXY if it is reached without the proxy".into(),
            ),
            Failure::NotHttp { detail, https: true } => (
                format!("the response is not TLS: {detail}"),
                "the port serves plain HTTP or another protocol: use the https:// port of the server".into(),
            ),
            Failure::NotHttp { detail, https: false } => (
                format!("the response is not valid HTTP: {detail}"),
                "the port serves TLS or another protocol (use the https:// URL, or the server's HTTP port), or the server sent a malformed response".into(),
            ),
            Failure::Response { detail } => (
                format!("the response failed: {detail}"),
                "check the server, or the reverse proxy in front of it, with curl -v".into(),
            ),
            Failure::TooLarge { limit } => (
                format!(
                    "the response is larger than {}, so reading stopped there",
                    size_text(*limit)
                ),
                "check that the URL is the base URL of the server and not of another service".into(),
            ),
            Failure::Other { detail } => (
                format!("the connection failed: {detail}"),
                "check that the server is reachable from this machine".into(),
            ),
        }
    }

    /// Returns whether the server was never reached, so that later requests
    /// to it would fail the same way.
    pub fn is_connection(&self) -> bool {
        !matches!(self, Failure::TooLarge { .. } | Failure::Response { .. })
    }
}

fn certificate_text(problem: &CertificateProblem) -> (String, String) {
    let renew = "renew the certificate and install it on the server or its reverse proxy";
    match problem {
        CertificateProblem::Expired => ("the server's certificate has expired".into(), renew.into()),
        CertificateProblem::NotYetValid => (
            "the server's certificate is not valid yet".into(),
            "check the clock of this machine and the certificate's start date".into(),
        ),
        CertificateProblem::WrongName { host } => (
            format!("the server's certificate is not valid for {host}"),
            format!("use the host name that the certificate names, or get a certificate whose subject alternative names include {host}"),
        ),
        CertificateProblem::Untrusted => (
            "the server's certificate is not signed by a trusted authority".into(),
            "if the server uses a corporate CA, pass its root with --ca-cert FILE. The devices must trust it too, so install it with the MDM".into(),
        ),
        CertificateProblem::CaAsServer => (
            "the server's certificate is a CA certificate (CA:TRUE), which TLS clients reject as a server certificate".into(),
            "issue a server certificate signed by that CA, install it on the server, and pass the CA with --ca-cert FILE".into(),
        ),
        CertificateProblem::Revoked => ("the server's certificate is revoked".into(), renew.into()),
        CertificateProblem::Other(detail) => (
            format!("the server's certificate was rejected: {detail}"),
            "check the certificate chain with openssl s_client -connect HOST:PORT -showcerts".into(),
        ),
    }
}

/// Writes a timeout such as `2.5 s` or `10 s`.
pub fn seconds_text(seconds: f64) -> String {
    format!("{} s", (seconds * 1000.0).round() / 1000.0)
}

fn size_text(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// The settings shared by every request of a run.
pub struct Client {
    /// The TLS settings the run requested: verifying, or not with
    /// `--insecure`.
    tls: TlsConfig,
    /// Verifying TLS settings, to name the certificate problem that
    /// `--insecure` skips.
    verified: TlsConfig,
    timeout: Duration,
    proxies: ProxySettings,
    user_agent: String,
}

/// The certificate trust settings of the client.
pub struct Trust<'a> {
    /// A PEM or DER file of extra roots, on top of the operating system's
    /// store.
    pub ca_cert: Option<&'a Path>,
    /// Accept any certificate (`--insecure`).
    pub insecure: bool,
}

impl Client {
    /// Builds the client. Fails, for a usage error, when `--ca-cert` cannot
    /// be used.
    pub fn new(trust: &Trust, timeout: Duration, proxies: ProxySettings) -> anyhow::Result<Client> {
        // The operating system's store: on Linux the bundle of
        // ca-certificates (or SSL_CERT_FILE), on macOS the keychain, on
        // Windows the system store (rustls-native-certs).
        let native = rustls_native_certs::load_native_certs();
        let mut roots: Vec<Certificate<'static>> = native
            .certs
            .iter()
            .map(|der| Certificate::from_der(der.as_ref()).to_owned())
            .collect();
        if let Some(path) = trust.ca_cert {
            roots.extend(read_ca_file(path)?);
        }
        let verified = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .root_certs(RootCerts::Specific(Arc::new(roots)))
            .build();
        let tls = if trust.insecure {
            TlsConfig::builder()
                .provider(TlsProvider::Rustls)
                .disable_verification(true)
                .build()
        } else {
            verified.clone()
        };
        Ok(Client {
            tls,
            verified,
            timeout,
            proxies,
            user_agent: format!("confluence-mdm/{} (probe)", env!("CARGO_PKG_VERSION")),
        })
    }

    /// Returns the proxy a request to `url` goes through, without its user
    /// info, for the report.
    pub fn proxy_for(&self, url: &Url) -> Option<String> {
        self.proxies.for_url(url).map(redacted)
    }

    /// GETs `url` once, reading at most `limit` bytes of body.
    pub fn get(&self, url: &Url, accept: &str, limit: u64) -> Result<Reply, Failure> {
        self.request(url, accept, limit, &self.tls)
    }

    /// GETs `url` once with certificate verification on, even under
    /// `--insecure`, to name the problem that `--insecure` skips.
    pub fn get_verified(&self, url: &Url, accept: &str, limit: u64) -> Result<Reply, Failure> {
        self.request(url, accept, limit, &self.verified)
    }

    fn request(
        &self,
        url: &Url,
        accept: &str,
        limit: u64,
        tls: &TlsConfig,
    ) -> Result<Reply, Failure> {
        let proxy_text = self.proxies.for_url(url);
        let proxy = match proxy_text.map(proxy_setting).transpose() {
            Ok(proxy) => proxy,
            Err(detail) => {
                return Err(Failure::Proxy {
                    proxy: proxy_text.map(redacted).unwrap_or_default(),
                    detail,
                });
            }
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(self.timeout))
            .timeout_connect(Some(self.timeout))
            .user_agent(self.user_agent.as_str())
            .proxy(proxy)
            .tls_config(tls.clone())
            .build()
            .into();
        let mut response = agent
            .get(url.as_str())
            .header("Accept", accept)
            .call()
            .map_err(|error| classify(error, url, proxy_text, self.timeout))?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let status = response.status().as_u16();
        let location = header("location");
        let content_type = header("content-type");
        let body = if is_redirect(status) {
            Vec::new()
        } else {
            response
                .body_mut()
                .with_config()
                .limit(limit)
                .read_to_vec()
                .map_err(|error| body_failure(error, self.timeout))?
        };
        Ok(Reply {
            status,
            location,
            content_type,
            body,
        })
    }
}

/// Returns whether a status is a redirect with a Location to follow. 300,
/// 304 Not Modified and the unused 305 and 306 are not.
pub fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Builds ureq's proxy setting, accepting HTTP proxies only: plain or TLS.
/// SOCKS needs a ureq feature that this build leaves out.
fn proxy_setting(text: &str) -> Result<ureq::Proxy, String> {
    let proxy = ureq::Proxy::new(text).map_err(|_| {
        format!(
            "`{}` is not a proxy URL: use http://HOST:PORT",
            redacted(text)
        )
    })?;
    match proxy.protocol() {
        ureq::ProxyProtocol::Http | ureq::ProxyProtocol::Https => Ok(proxy),
        _ => Err("only http:// and https:// proxies are supported".into()),
    }
}

/// Reads the certificates of the file given to `--ca-cert`: PEM, or one
/// DER certificate. Each must parse as a trust anchor.
fn read_ca_file(path: &Path) -> anyhow::Result<Vec<Certificate<'static>>> {
    let name = path.display();
    let bytes = std::fs::read(path).with_context(|| format!("--ca-cert {name}"))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&bytes) {
        match item {
            Ok(PemItem::Certificate(cert)) => certs.push(cert),
            Ok(_) => {}
            Err(_) => anyhow::bail!(
                "--ca-cert {name}: invalid PEM: a block has no -----END line, or its base64 is invalid"
            ),
        }
    }
    if certs.is_empty() && bytes.first() == Some(&0x30) {
        // A file that starts with an ASN.1 SEQUENCE is a DER certificate.
        certs.push(Certificate::from_der(&bytes).to_owned());
    }
    if certs.is_empty() {
        anyhow::bail!(
            "--ca-cert {name}: no certificate found; pass a PEM file with -----BEGIN CERTIFICATE----- blocks, or one DER certificate"
        );
    }
    for (index, cert) in certs.iter().enumerate() {
        let mut store = rustls::RootCertStore::empty();
        if let Err(error) = store.add(CertificateDer::from(cert.der().to_vec())) {
            anyhow::bail!(
                "--ca-cert {name}: certificate {} is not a valid DER-encoded X.509 certificate ({error})",
                index + 1
            );
        }
    }
    Ok(certs)
}

/// Turns ureq's error from sending a request and reading the response
/// head into the cause an admin can act on.
fn classify(error: ureq::Error, url: &Url, proxy: Option<&str>, timeout: Duration) -> Failure {
    let host = url.host_str().unwrap_or_default().to_owned();
    let target = match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.clone(),
    };
    let https = url.scheme() == "https";
    let failure = match error {
        ureq::Error::HostNotFound => Failure::Dns { host },
        ureq::Error::Timeout(_) => Failure::Timeout {
            seconds: timeout.as_secs_f64(),
            proxy: proxy.map(redacted),
        },
        ureq::Error::ConnectProxyFailed(detail) => {
            let has_credentials = proxy.is_some_and(|p| redacted(p) != p);
            let detail = match (detail.contains("407"), has_credentials) {
                (true, true) => {
                    "it rejected the user name and password in the proxy URL (407)".to_owned()
                }
                (true, false) => {
                    "it requires authentication (407): put the user name and password in the proxy URL".to_owned()
                }
                _ => format!("it rejected the tunnel ({detail})"),
            };
            return Failure::Proxy {
                proxy: proxy.map(redacted).unwrap_or_default(),
                detail,
            };
        }
        ureq::Error::Rustls(error) => tls_failure(&error, &host),
        ureq::Error::Protocol(error) => Failure::NotHttp {
            detail: error.to_string(),
            https,
        },
        ureq::Error::LargeResponseHeader(_, limit) => Failure::Response {
            detail: format!(
                "the response headers are larger than {}",
                size_text(limit as u64)
            ),
        },
        ureq::Error::Io(error) => io_failure(&error, &host, &target, timeout),
        other => Failure::Other {
            detail: other.to_string(),
        },
    };
    match (proxy, failure) {
        // Until the tunnel is open, only the proxy is contacted.
        (Some(proxy), Failure::Dns { .. }) => Failure::Proxy {
            proxy: redacted(proxy),
            detail: "its host name does not resolve".into(),
        },
        (Some(proxy), Failure::Refused { .. }) => Failure::Proxy {
            proxy: redacted(proxy),
            detail: "it refused the connection".into(),
        },
        (Some(proxy), Failure::Other { detail }) => Failure::Proxy {
            proxy: redacted(proxy),
            detail,
        },
        // A malformed response before the tunnel is open comes from the
        // proxy.
        (
            Some(proxy),
            Failure::NotHttp {
                detail,
                https: false,
            },
        ) => Failure::Proxy {
            proxy: redacted(proxy),
            detail: format!("it, or the server behind it, does not speak HTTP ({detail})"),
        },
        // An https:// proxy has a certificate of its own.
        (Some(proxy), Failure::Certificate { problem }) if proxy.starts_with("https://") => {
            let (message, _) = certificate_text(&problem);
            Failure::Proxy {
                proxy: redacted(proxy),
                detail: format!("TLS to it or to the server failed: {message}"),
            }
        }
        (_, failure) => failure,
    }
}

/// Turns ureq's error from reading a body into the cause. The server has
/// responded by then, so none of these is a connection failure.
fn body_failure(error: ureq::Error, timeout: Duration) -> Failure {
    match error {
        ureq::Error::BodyExceedsLimit(limit) => Failure::TooLarge { limit },
        ureq::Error::Timeout(_) => Failure::Response {
            detail: format!(
                "the body did not arrive within {}",
                seconds_text(timeout.as_secs_f64())
            ),
        },
        ureq::Error::Io(error)
            if matches!(
                error.kind(),
                io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset
            ) =>
        {
            Failure::Response {
                detail: "the server closed the connection before the end of the body".into(),
            }
        }
        other => Failure::Response {
            detail: format!("the body could not be read: {other}"),
        },
    }
}

fn io_failure(error: &io::Error, host: &str, target: &str, timeout: Duration) -> Failure {
    // rustls reports a rejected handshake as an I/O error that carries its
    // own error.
    let mut source: Option<&(dyn std::error::Error + 'static)> = error.get_ref().map(|e| e as _);
    while let Some(inner) = source {
        if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
            return tls_failure(tls, host);
        }
        source = inner.source();
    }
    match error.kind() {
        io::ErrorKind::ConnectionRefused => Failure::Refused {
            target: target.to_owned(),
        },
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Failure::Timeout {
            seconds: timeout.as_secs_f64(),
            proxy: None,
        },
        io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset => Failure::Other {
            detail: "the server closed the connection without a response".into(),
        },
        _ => Failure::Other {
            detail: error.to_string(),
        },
    }
}

fn tls_failure(error: &rustls::Error, host: &str) -> Failure {
    let problem = match error {
        rustls::Error::InvalidCertificate(certificate) => match certificate {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                CertificateProblem::Expired
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                CertificateProblem::NotYetValid
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                CertificateProblem::WrongName {
                    host: host.to_owned(),
                }
            }
            CertificateError::UnknownIssuer => CertificateProblem::Untrusted,
            CertificateError::Revoked => CertificateProblem::Revoked,
            CertificateError::Other(other)
                if format!("{other:?}").contains("CaUsedAsEndEntity") =>
            {
                CertificateProblem::CaAsServer
            }
            _ => CertificateProblem::Other(error.to_string()),
        },
        rustls::Error::InvalidMessage(_) => {
            return Failure::NotHttp {
                detail: "the port does not speak TLS".into(),
                https: true,
            };
        }
        rustls::Error::AlertReceived(rustls::AlertDescription::CertificateRequired) => {
            return Failure::ClientCertificate;
        }
        other => {
            return Failure::Tls {
                detail: other.to_string(),
            };
        }
    };
    Failure::Certificate { problem }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_errors_name_their_cause() {
        let name = rustls::Error::InvalidCertificate(CertificateError::NotValidForName);
        assert_eq!(
            tls_failure(&name, "127.0.0.1"),
            Failure::Certificate {
                problem: CertificateProblem::WrongName {
                    host: "127.0.0.1".into()
                }
            }
        );
        let issuer = rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer);
        let (message, help) = Failure::Certificate {
            problem: match tls_failure(&issuer, "h") {
                Failure::Certificate { problem } => problem,
                other => panic!("{other:?}"),
            },
        }
        .describe();
        assert!(message.contains("trusted authority"), "{message}");
        assert!(help.contains("--ca-cert"), "{help}");
    }

    #[test]
    fn wrapped_tls_errors_are_found() {
        let wrapped = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(CertificateError::Expired),
        );
        assert_eq!(
            io_failure(&wrapped, "h", "h:443", Duration::ZERO),
            Failure::Certificate {
                problem: CertificateProblem::Expired
            }
        );
    }

    #[test]
    fn refused_proxy_is_named() {
        let url = Url::parse("https://h/").unwrap();
        let connection_refused =
            || ureq::Error::Io(io::Error::from(io::ErrorKind::ConnectionRefused));
        assert_eq!(
            classify(
                connection_refused(),
                &url,
                Some("http://u:p@proxy:3128"),
                Duration::ZERO
            ),
            Failure::Proxy {
                proxy: "http://proxy:3128".into(),
                detail: "it refused the connection".into()
            }
        );
        assert_eq!(
            classify(connection_refused(), &url, None, Duration::ZERO),
            Failure::Refused {
                target: "h:443".into()
            }
        );
    }

    #[test]
    fn only_http_proxies_are_used() {
        assert!(proxy_setting("http://127.0.0.1:3128").is_ok());
        assert!(proxy_setting("127.0.0.1:3128").is_ok());
        assert_eq!(
            proxy_setting("socks5://127.0.0.1:1080").unwrap_err(),
            "only http:// and https:// proxies are supported"
        );
    }

    #[test]
    fn only_redirect_statuses_redirect() {
        for status in [301, 302, 303, 307, 308] {
            assert!(is_redirect(status), "{status}");
        }
        for status in [300, 304, 305, 200, 404] {
            assert!(!is_redirect(status), "{status}");
        }
    }

    #[test]
    fn host_not_found_is_a_dns_failure() {
        let url = Url::parse("https://wiki.invalid/").unwrap();
        assert_eq!(
            classify(
                ureq::Error::HostNotFound,
                &url,
                None,
                Duration::from_secs(1)
            ),
            Failure::Dns {
                host: "wiki.invalid".into()
            }
        );
    }

    #[test]
    fn sizes_and_seconds_read_well() {
        assert_eq!(size_text(256 * 1024), "256 KiB");
        assert_eq!(size_text(1024 * 1024), "1 MiB");
        assert_eq!(size_text(1000), "1000 bytes");
        assert_eq!(seconds_text(2.5), "2.5 s");
        assert_eq!(seconds_text(10.0), "10 s");
    }
}
