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

/// The cause of a request that got no response.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The host name does not resolve.
    Dns { host: String },
    /// Nothing accepts connections at the address.
    Refused { target: String },
    /// No complete response within the timeout.
    Timeout { seconds: f64 },
    /// The server's certificate was refused.
    Certificate { problem: CertificateProblem },
    /// The TLS handshake failed for another reason.
    Tls { detail: String },
    /// The proxy could not be reached or refused the tunnel.
    Proxy { proxy: String, detail: String },
    /// The body is larger than the cap; reading stopped there.
    TooLarge { limit: u64 },
    /// The server answered with something that is not HTTP.
    NotHttp { detail: String },
    /// Any other failure of the connection.
    Other { detail: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateProblem {
    Expired,
    NotYetValid,
    /// The certificate does not name the host that was asked for.
    WrongName {
        host: String,
    },
    /// No trusted root signed the chain.
    Untrusted,
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
                "check the port and that the server, or the reverse proxy in front of it, is running and reachable from here".into(),
            ),
            Failure::Timeout { seconds } => (
                format!("no answer within {}", seconds_text(*seconds)),
                "check firewalls between this machine and the server; raise --timeout if the server is only slow".into(),
            ),
            Failure::Certificate { problem } => certificate_text(problem),
            Failure::Tls { detail } => (
                format!("the TLS handshake failed: {detail}"),
                "check that the port serves HTTPS, and that the server offers TLS 1.2 or 1.3".into(),
            ),
            Failure::Proxy { proxy, detail } => (
                format!("the proxy {proxy} failed: {detail}"),
                "check HTTPS_PROXY, HTTP_PROXY and NO_PROXY; add the host to NO_PROXY if it is reached without the proxy".into(),
            ),
            Failure::TooLarge { limit } => (
                format!("the response is larger than {}; reading stopped there", size_text(*limit)),
                "check that the URL is the base URL of the server and not of another service".into(),
            ),
            Failure::NotHttp { detail } => (
                format!("the answer is not HTTP: {detail}"),
                "check the scheme: an https:// URL needs a port that serves TLS, and an http:// URL one that does not".into(),
            ),
            Failure::Other { detail } => (
                format!("the connection failed: {detail}"),
                "check that the server is reachable from this machine".into(),
            ),
        }
    }

    /// Says whether the server itself was never reached, so that later
    /// requests to it would fail the same way.
    pub fn is_connection(&self) -> bool {
        !matches!(self, Failure::TooLarge { .. })
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
            format!("use the host name the certificate names, or get a certificate whose subject alternative names include {host}"),
        ),
        CertificateProblem::Untrusted => (
            "the server's certificate is not signed by a trusted authority".into(),
            "if the server uses a corporate CA, pass its root with --ca-cert FILE; the devices must trust it too (install it with the MDM)".into(),
        ),
        CertificateProblem::Revoked => ("the server's certificate is revoked".into(), renew.into()),
        CertificateProblem::Other(detail) => (
            format!("the server's certificate was refused: {detail}"),
            renew.into(),
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
    tls: TlsConfig,
    timeout: Duration,
    proxies: ProxySettings,
    user_agent: String,
}

/// The certificate trust settings of the client.
pub struct Trust<'a> {
    /// A PEM file of extra roots, on top of the operating system's store.
    pub ca_cert: Option<&'a Path>,
    /// Accept any certificate (`--insecure`).
    pub insecure: bool,
}

impl Client {
    /// Builds the client. Fails, for a usage error, when `--ca-cert` or a
    /// proxy variable cannot be used.
    pub fn new(trust: &Trust, timeout: Duration, proxies: ProxySettings) -> anyhow::Result<Client> {
        for (name, value) in proxies.configured() {
            // Only HTTP proxies (plain or TLS): SOCKS needs a ureq feature
            // that is not built in.
            let usable = ureq::Proxy::new(value).is_ok_and(|proxy| {
                matches!(
                    proxy.protocol(),
                    ureq::ProxyProtocol::Http | ureq::ProxyProtocol::Https
                )
            });
            if !usable {
                anyhow::bail!(
                    "{name}={}: not a proxy this tool can use; write http://HOST:PORT or https://HOST:PORT",
                    redacted(value)
                );
            }
        }
        let mut roots: Vec<Certificate<'static>> = Vec::new();
        if !trust.insecure {
            // The operating system's store: on Linux the bundle that
            // ca-certificates (or SSL_CERT_FILE) names, on macOS the
            // keychain, on Windows the system store (rustls-native-certs).
            let native = rustls_native_certs::load_native_certs();
            roots.extend(
                native
                    .certs
                    .iter()
                    .map(|der| Certificate::from_der(der.as_ref()).to_owned()),
            );
            if let Some(path) = trust.ca_cert {
                roots.extend(read_ca_file(path)?);
            }
        }
        let tls = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .root_certs(RootCerts::Specific(Arc::new(roots)))
            .disable_verification(trust.insecure)
            .build();
        Ok(Client {
            tls,
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
        let proxy_text = self.proxies.for_url(url);
        let proxy = match proxy_text.map(ureq::Proxy::new).transpose() {
            Ok(proxy) => proxy,
            Err(error) => {
                return Err(Failure::Proxy {
                    proxy: proxy_text.map(redacted).unwrap_or_default(),
                    detail: error.to_string(),
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
            .tls_config(self.tls.clone())
            .build()
            .into();
        let classify = |error| classify(error, url, proxy_text, self.timeout);
        let mut response = agent
            .get(url.as_str())
            .header("Accept", accept)
            .call()
            .map_err(classify)?;
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
        let body = if (300..400).contains(&status) {
            Vec::new()
        } else {
            response
                .body_mut()
                .with_config()
                .limit(limit)
                .read_to_vec()
                .map_err(classify)?
        };
        Ok(Reply {
            status,
            location,
            content_type,
            body,
        })
    }
}

/// Reads the certificates of a PEM file given to `--ca-cert`.
fn read_ca_file(path: &Path) -> anyhow::Result<Vec<Certificate<'static>>> {
    let bytes = std::fs::read(path).with_context(|| format!("--ca-cert {}", path.display()))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&bytes) {
        match item {
            Ok(PemItem::Certificate(cert)) => certs.push(cert),
            Ok(_) => {}
            Err(error) => anyhow::bail!("--ca-cert {}: {error}", path.display()),
        }
    }
    if certs.is_empty() {
        anyhow::bail!(
            "--ca-cert {}: no PEM certificate (-----BEGIN CERTIFICATE-----) in the file",
            path.display()
        );
    }
    Ok(certs)
}

/// Turns ureq's error into the cause an admin can act on.
fn classify(error: ureq::Error, url: &Url, proxy: Option<&str>, timeout: Duration) -> Failure {
    let host = url.host_str().unwrap_or_default().to_owned();
    let target = match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.clone(),
    };
    let via_proxy = |detail: String| Failure::Proxy {
        proxy: proxy.map(redacted).unwrap_or_default(),
        detail,
    };
    match error {
        ureq::Error::HostNotFound if proxy.is_some() => {
            via_proxy("its host name does not resolve".into())
        }
        ureq::Error::HostNotFound => Failure::Dns { host },
        ureq::Error::Timeout(_) => Failure::Timeout {
            seconds: timeout.as_secs_f64(),
        },
        ureq::Error::BodyExceedsLimit(limit) => Failure::TooLarge { limit },
        ureq::Error::ConnectProxyFailed(detail) => via_proxy(detail),
        ureq::Error::Rustls(error) => tls_failure(&error, &host),
        ureq::Error::Protocol(error) => Failure::NotHttp {
            detail: error.to_string(),
        },
        ureq::Error::Io(error) => io_failure(&error, &host, &target, proxy, timeout),
        ureq::Error::ConnectionFailed if proxy.is_some() => {
            via_proxy("the connection to the proxy failed".into())
        }
        other => Failure::Other {
            detail: other.to_string(),
        },
    }
}

fn io_failure(
    error: &io::Error,
    host: &str,
    target: &str,
    proxy: Option<&str>,
    timeout: Duration,
) -> Failure {
    // rustls reports a refused handshake as an I/O error carrying its own
    // error.
    let mut source: Option<&(dyn std::error::Error + 'static)> = error.get_ref().map(|e| e as _);
    while let Some(inner) = source {
        if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
            return tls_failure(tls, host);
        }
        source = inner.source();
    }
    match error.kind() {
        io::ErrorKind::ConnectionRefused => match proxy {
            Some(proxy) => Failure::Proxy {
                proxy: redacted(proxy),
                detail: "it refused the connection".into(),
            },
            None => Failure::Refused {
                target: target.to_owned(),
            },
        },
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Failure::Timeout {
            seconds: timeout.as_secs_f64(),
        },
        io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset => Failure::Other {
            detail: "the server closed the connection without an answer".into(),
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
            other => CertificateProblem::Other(format!("{other:?}")),
        },
        rustls::Error::InvalidMessage(_) => {
            return Failure::NotHttp {
                detail: "the port does not speak TLS".into(),
            };
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
            io_failure(&wrapped, "h", "h:443", None, Duration::ZERO),
            Failure::Certificate {
                problem: CertificateProblem::Expired
            }
        );
    }

    #[test]
    fn refused_proxy_is_named() {
        let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
        assert_eq!(
            io_failure(
                &refused,
                "h",
                "h:443",
                Some("http://u:p@proxy:3128"),
                Duration::ZERO
            ),
            Failure::Proxy {
                proxy: "http://proxy:3128".into(),
                detail: "it refused the connection".into()
            }
        );
        assert_eq!(
            io_failure(&refused, "h", "h:443", None, Duration::ZERO),
            Failure::Refused {
                target: "h:443".into()
            }
        );
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
