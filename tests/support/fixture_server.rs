//! A mock Confluence Data Center for the `probe` tests and the README's probe
//! demo.
//!
//! [`FixtureServer::start`] binds plain HTTP, three HTTPS listeners and a
//! forward proxy on 127.0.0.1. Every HTTP(S) listener serves the same
//! scenarios, chosen by the first path segment: `/ready/rest/...` responds
//! like a current Confluence, while `/silent/...` never responds. Each
//! connection gets its own thread and carries one request and one response.

#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType, date_time_ymd,
};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

/// Every scenario as its first path segment and a one-line description, in
/// which "manifest" is the application links manifest and "mobile login"
/// is the mobile app's login endpoint.
pub const SCENARIOS: &[(&str, &str)] = &[
    ("ready", "Confluence 9.2.1, OAuth 2.0, mobile login"),
    ("old", "Confluence 8.5.4 without OAuth 2.0"),
    ("no-mobile", "mobile login returns 404"),
    ("sso", "mobile login redirects to an SSO page"),
    ("other-host", "manifest redirects to 127.0.0.2"),
    ("wrong-base-url", "manifest names wiki.example.com"),
    ("silent", "reads the request, never responds"),
    ("huge", "manifest is a 1 GiB body"),
    ("loop", "manifest redirects in a loop"),
    ("jira", "Jira 10.3.1, not Confluence"),
    ("gated", "every path redirects to an SSO gateway"),
    ("unauthorized", "mobile login returns 401 (Basic)"),
    ("forbidden", "mobile login returns 403"),
    ("html-login", "mobile login returns a 200 login page"),
    ("broken", "manifest and mobile login return 503"),
    (
        "credentials-redirect",
        "manifest redirects to a URL with user:pass@",
    ),
    ("port-redirect", "manifest redirects to another port"),
    (
        "hostile",
        "manifest with ESC in its version, password in url",
    ),
    ("upgrade", "mobile login redirects http to https"),
    ("bare-html", "mobile login: 200 HTML page, no Content-Type"),
    ("no-content", "mobile login returns 204"),
];

const MANIFEST: &str = "/rest/applinks/1.0/manifest";
const MOBILE_LOGIN: &str = "/rest/nativemobile/1.1/info/login";
const SSO_LOGIN: &str = "https://sso.example.test/idp/login";
const AUTH_TYPES: &str = "com.atlassian.applinks.api.auth.types.";

/// Maximum size of a request head, up to and including the blank line.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Maximum time that a connection, a silent response or a proxy tunnel lasts.
const MAX_CONNECTION_TIME: Duration = Duration::from_secs(120);
const HUGE_BODY_BYTES: usize = 1 << 30;
const CHUNK_BYTES: usize = 64 * 1024;

/// The listeners of one running fixture server. Their threads live as long as
/// the process.
pub struct FixtureServer {
    /// Plain HTTP.
    pub http: SocketAddr,
    /// HTTPS with a certificate for 127.0.0.1 and `localhost`, issued by `ca_pem`.
    pub https: SocketAddr,
    /// HTTPS with a certificate for 127.0.0.1 and `localhost` that expired on 2021-01-01.
    pub https_expired: SocketAddr,
    /// HTTPS with a certificate for `wiki.example.test` only.
    pub https_wrong_name: SocketAddr,
    /// A forward proxy that sends every request to the listeners above, or
    /// rejects it with 502 when it names the `closed` port.
    pub proxy: SocketAddr,
    /// A port that was bound and released, so connecting to it is refused.
    pub closed: SocketAddr,
    /// The CA certificate, in PEM, that issued every HTTPS certificate.
    pub ca_pem: String,
    proxy_log: Arc<Mutex<Vec<String>>>,
    open_connections: Arc<AtomicUsize>,
}

impl FixtureServer {
    /// Binds every listener on 127.0.0.1 with a random port and serves each
    /// from its own thread. Panics if a listener or certificate fails.
    pub fn start() -> FixtureServer {
        FixtureServer::start_on(0, 0)
    }

    /// Starts the server with its plain HTTP and main HTTPS listeners on the
    /// given ports (0 picks a free one), so that a demo can name its URLs.
    pub fn start_on(http_port: u16, https_port: u16) -> FixtureServer {
        let certificates = generate_certificates();
        let open = Arc::new(AtomicUsize::new(0));
        let upstreams = Upstreams {
            http: serve_scenarios(bind_port(http_port), None, &open),
            https: serve_scenarios(bind_port(https_port), Some(certificates.valid), &open),
            https_expired: serve_scenarios(bind(), Some(certificates.expired), &open),
            https_wrong_name: serve_scenarios(bind(), Some(certificates.wrong_name), &open),
            closed: bind().local_addr().expect("read the released port"),
        };
        let proxy_log = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&proxy_log);
        let proxy = spawn_accept_loop(bind(), &open, move |stream| {
            serve_proxy(stream, upstreams, &log);
        });
        FixtureServer {
            http: upstreams.http,
            https: upstreams.https,
            https_expired: upstreams.https_expired,
            https_wrong_name: upstreams.https_wrong_name,
            proxy,
            closed: upstreams.closed,
            ca_pem: certificates.ca_pem,
            proxy_log,
            open_connections: open,
        }
    }

    pub fn http_url(&self, scenario: &str) -> String {
        format!("http://{}/{scenario}", self.http)
    }

    pub fn https_url(&self, scenario: &str) -> String {
        format!("https://{}/{scenario}", self.https)
    }

    pub fn write_ca(&self, path: &Path) -> io::Result<()> {
        std::fs::write(path, &self.ca_pem)
    }

    /// Returns the method and target of each request that the proxy read, such
    /// as `CONNECT 127.0.0.1:443` or `GET http://127.0.0.1:8080/ready/`.
    pub fn proxied(&self) -> Vec<String> {
        lock(&self.proxy_log).clone()
    }

    /// Returns how many connections the listeners and the proxy still serve,
    /// so a test can check that a client closed the ones it gave up on.
    pub fn open_connections(&self) -> usize {
        self.open_connections.load(Ordering::SeqCst)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn bind() -> TcpListener {
    bind_port(0)
}

fn bind_port(port: u16) -> TcpListener {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .unwrap_or_else(|error| panic!("bind port {port} on 127.0.0.1: {error}"))
}

/// Counts one open connection until it is dropped.
struct ConnectionGuard(Arc<AtomicUsize>);

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn spawn_named<F: FnOnce() + Send + 'static>(name: &str, work: F) -> Option<JoinHandle<()>> {
    thread::Builder::new()
        .name(name.to_owned())
        .spawn(work)
        .ok()
}

/// Accepts connections on `listener` and hands each to `handle` on a new
/// thread. Returns the listener's address.
fn spawn_accept_loop<F>(listener: TcpListener, open: &Arc<AtomicUsize>, handle: F) -> SocketAddr
where
    F: Fn(TcpStream) + Send + Sync + 'static,
{
    let address = listener.local_addr().expect("read the listener's address");
    let open = Arc::clone(open);
    let handle = Arc::new(handle);
    spawn_named("fixture-accept", move || {
        let mut failing = false;
        for stream in listener.incoming() {
            let stream = match stream {
                Ok(stream) => stream,
                Err(error) => {
                    // Running out of file descriptors fails every accept, so
                    // log the first failure of a run and back off.
                    if !failing {
                        eprintln!("fixture server: accept failed on {address}: {error}");
                    }
                    failing = true;
                    thread::sleep(Duration::from_millis(10));
                    continue;
                }
            };
            failing = false;
            open.fetch_add(1, Ordering::SeqCst);
            let guard = ConnectionGuard(Arc::clone(&open));
            let handle = Arc::clone(&handle);
            spawn_named("fixture-connection", move || {
                let _guard = guard;
                handle(stream);
            });
        }
    })
    .expect("spawn the accept thread");
    address
}

/// Serves the scenarios on a new listener, over TLS when `tls` is set.
fn serve_scenarios(
    listener: TcpListener,
    tls: Option<Arc<ServerConfig>>,
    open: &Arc<AtomicUsize>,
) -> SocketAddr {
    spawn_accept_loop(listener, open, move |stream| {
        let _ = stream.set_read_timeout(Some(MAX_CONNECTION_TIME));
        let _ = stream.set_write_timeout(Some(MAX_CONNECTION_TIME));
        match &tls {
            None => serve_connection(stream, "http"),
            Some(config) => {
                // A failed handshake surfaces as a read error, which ends the
                // connection without a response.
                if let Ok(connection) = ServerConnection::new(Arc::clone(config)) {
                    serve_connection(StreamOwned::new(connection, stream), "https");
                }
            }
        }
    })
}

/// A client connection, plain or TLS.
trait Connection: Read + Write {
    fn tcp(&self) -> &TcpStream;

    /// Sends a TLS close_notify where TLS is in use.
    fn close_notify(&mut self) {}
}

impl Connection for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }
}

impl Connection for StreamOwned<ServerConnection, TcpStream> {
    fn tcp(&self) -> &TcpStream {
        &self.sock
    }

    fn close_notify(&mut self) {
        self.conn.send_close_notify();
    }
}

/// Reads one request and writes the scenario's response. I/O errors end the
/// connection quietly because the client decides when to stop.
fn serve_connection(mut connection: impl Connection, scheme: &str) {
    let head = match read_head(&mut connection) {
        Ok(Some((head, _body_start))) => head,
        Ok(None) => {
            let _ = write_response(&mut connection, &Response::error(400), false);
            return finish(connection);
        }
        Err(_) => return,
    };
    let port = connection
        .tcp()
        .local_addr()
        .map_or(0, |address| address.port());
    let (reply, head_only) = match parse_request(&head) {
        Some(request) if matches!(request.method, "GET" | "HEAD") => {
            let path = request.target.split(['?', '#']).next().unwrap_or_default();
            (
                route(path, &format!("{scheme}://{}", request.host), port),
                request.method == "HEAD",
            )
        }
        Some(_) => (
            Reply::Send(Response::error(405).header("Allow", "GET, HEAD")),
            false,
        ),
        None => (Reply::Send(Response::error(400)), false),
    };
    match reply {
        Reply::Send(response) => {
            let _ = write_response(&mut connection, &response, head_only);
        }
        Reply::Silent => wait_for_close(&mut connection),
        Reply::Huge => {
            let _ = write_huge_manifest(&mut connection, head_only);
        }
    }
    finish(connection);
}

/// Reads up to and including the blank line that ends a request head. Returns
/// the head without that line and the bytes read after it, or `None` if the
/// head is over `MAX_HEAD_BYTES` or not UTF-8.
fn read_head(stream: &mut impl Read) -> io::Result<Option<(String, Vec<u8>)>> {
    let started = Instant::now();
    let mut buffer = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            let rest = buffer.split_off(end + 4);
            buffer.truncate(end);
            return Ok(String::from_utf8(buffer).ok().map(|head| (head, rest)));
        }
        if buffer.len() > MAX_HEAD_BYTES {
            return Ok(None);
        }
        if started.elapsed() > MAX_CONNECTION_TIME {
            return Err(io::ErrorKind::TimedOut.into());
        }
        match stream.read(&mut chunk)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            count => buffer.extend_from_slice(&chunk[..count]),
        }
    }
}

struct Request<'a> {
    method: &'a str,
    target: &'a str,
    host: &'a str,
}

/// Splits a request line into method, target and version.
fn parse_request_line(line: &str) -> Option<(&str, &str, &str)> {
    let mut parts = line.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    let valid = parts.next().is_none()
        && !method.is_empty()
        && method.bytes().all(|byte| byte.is_ascii_uppercase())
        && !target.is_empty()
        && version.starts_with("HTTP/1.");
    valid.then_some((method, target, version))
}

/// Parses an origin-form request head. Returns `None` for a malformed request
/// line or header, a control character, or a missing `Host` header.
fn parse_request(head: &str) -> Option<Request<'_>> {
    let mut lines = head.split("\r\n");
    let (method, target, _version) = parse_request_line(lines.next()?)?;
    if !target.starts_with('/') {
        return None;
    }
    let mut host = None;
    for line in lines {
        if line
            .bytes()
            .any(|byte| byte.is_ascii_control() && byte != b'\t')
        {
            return None;
        }
        let (name, value) = line.split_once(':')?;
        if name.eq_ignore_ascii_case("host") {
            host = Some(value.trim());
        }
    }
    let host = host.filter(|host| !host.is_empty())?;
    Some(Request {
        method,
        target,
        host,
    })
}

enum Reply {
    Send(Response),
    /// Sends nothing and keeps the connection open.
    Silent,
    /// Sends a 1 GiB manifest.
    Huge,
}

struct Response {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Response {
    fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        let headers = vec![("Content-Type", content_type.to_owned())];
        Response {
            status,
            headers,
            body: body.into(),
        }
    }

    /// Builds a small HTML error page that names the status.
    fn error(status: u16) -> Response {
        let title = format!("{status} {}", reason_phrase(status));
        let body = format!(
            "<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>\n"
        );
        Response::new(status, "text/html; charset=utf-8", body)
    }

    fn redirect(status: u16, location: &str) -> Response {
        Response {
            status,
            headers: vec![("Location", location.to_owned())],
            body: Vec::new(),
        }
    }

    fn json_empty() -> Response {
        Response::new(200, "application/json", "{}")
    }

    fn header(mut self, name: &'static str, value: &str) -> Response {
        self.headers.push((name, value.to_owned()));
        self
    }
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// The application that a manifest describes.
struct Application {
    id: &'static str,
    name: &'static str,
    type_id: &'static str,
    version: &'static str,
    build_number: &'static str,
    offers_oauth2: bool,
}

const CONFLUENCE_9: Application = Application {
    id: "6f1c2a7e-3b4d-4c5e-9f60-718293a4b5c6",
    name: "Confluence",
    type_id: "confluence",
    version: "9.2.1",
    build_number: "9200",
    offers_oauth2: true,
};

const CONFLUENCE_8: Application = Application {
    version: "8.5.4",
    build_number: "8804",
    offers_oauth2: false,
    ..CONFLUENCE_9
};

const JIRA_10: Application = Application {
    id: "0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d",
    name: "Jira",
    type_id: "jira",
    version: "10.3.1",
    build_number: "10030001",
    offers_oauth2: true,
};

/// Selects the response for `path` on a listener whose scheme and `Host`
/// header make `origin`, such as `https://127.0.0.1:8443`.
fn route(path: &str, origin: &str, port: u16) -> Reply {
    let path = path.strip_prefix('/').unwrap_or(path);
    let (scenario, rest) = path
        .find('/')
        .map_or((path, ""), |slash| path.split_at(slash));
    let base_url = format!("{origin}/{scenario}");
    let scheme = origin.split(':').next().unwrap_or("http");
    let response = match (scenario, rest) {
        ("silent", _) => return Reply::Silent,
        ("huge", MANIFEST) => return Reply::Huge,
        ("gated", _) => Response::redirect(302, SSO_LOGIN),
        ("broken", MANIFEST | MOBILE_LOGIN) => Response::error(503),
        ("loop", MANIFEST) => Response::redirect(302, "/loop/step"),
        ("loop", "/step") => Response::redirect(302, &format!("/loop{MANIFEST}")),
        ("other-host", MANIFEST) => Response::redirect(
            301,
            &format!("{scheme}://127.0.0.2:{port}/other-host{MANIFEST}"),
        ),
        ("old", MANIFEST) => manifest(&CONFLUENCE_8, &base_url),
        ("jira", MANIFEST) => manifest(&JIRA_10, &base_url),
        ("wrong-base-url", MANIFEST) => {
            manifest(&CONFLUENCE_9, "https://wiki.example.com/confluence")
        }
        ("credentials-redirect", MANIFEST) => Response::redirect(
            302,
            &format!(
                "{}/credentials-redirect/final",
                origin.replacen("://", "://u:p@", 1)
            ),
        ),
        ("port-redirect", MANIFEST) => Response::redirect(
            302,
            &format!("{scheme}://127.0.0.1:1/port-redirect{MANIFEST}"),
        ),
        ("hostile", MANIFEST) => manifest(
            &Application {
                version: "9.2.1\u{1b}[31mRED",
                ..CONFLUENCE_9
            },
            "https://admin:s3cretpw@wiki.example.com/x",
        ),
        ("upgrade", MOBILE_LOGIN) => Response::redirect(
            301,
            &format!(
                "{}/upgrade{MOBILE_LOGIN}",
                origin.replacen("http://", "https://", 1)
            ),
        ),
        ("bare-html", MOBILE_LOGIN) => Response {
            status: 200,
            headers: Vec::new(),
            body: b"<!DOCTYPE html><html><title>Sign in</title></html>\n".to_vec(),
        },
        ("no-content", MOBILE_LOGIN) => Response {
            status: 204,
            headers: Vec::new(),
            body: Vec::new(),
        },
        (
            "ready" | "no-mobile" | "sso" | "unauthorized" | "forbidden" | "html-login" | "upgrade"
            | "bare-html" | "no-content",
            MANIFEST,
        ) => manifest(&CONFLUENCE_9, &base_url),
        ("no-mobile", MOBILE_LOGIN) => Response::error(404),
        ("sso", MOBILE_LOGIN) => Response::redirect(
            302,
            &format!("{SSO_LOGIN}?return=%2Fsso%2Frest%2Fnativemobile%2F1.1%2Finfo%2Flogin"),
        ),
        ("unauthorized", MOBILE_LOGIN) => {
            Response::error(401).header("WWW-Authenticate", "Basic realm=\"gateway\"")
        }
        ("forbidden", MOBILE_LOGIN) => Response::error(403),
        ("html-login", MOBILE_LOGIN) => Response::new(
            200,
            "text/html; charset=utf-8",
            "<html><head><title>Sign in</title></head><body><form method=\"post\">\
             <input name=\"username\"><input name=\"password\" type=\"password\"></form></body></html>\n",
        ),
        (
            "ready" | "old" | "other-host" | "wrong-base-url" | "huge" | "loop" | "jira",
            MOBILE_LOGIN,
        ) => Response::json_empty(),
        _ => Response::error(404),
    };
    Reply::Send(response)
}

/// Builds an application links manifest: a `<manifest>` document with one
/// element per authentication type.
fn manifest(application: &Application, base_url: &str) -> Response {
    let url = base_url
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let mut inbound = vec!["BasicAuthenticationProvider", "OAuthAuthenticationProvider"];
    if application.offers_oauth2 {
        inbound.push("ThreeLeggedOAuth2AuthenticationProvider");
    }
    let inbound: String = inbound
        .iter()
        .map(|kind| {
            format!("<inboundAuthenticationTypes>{AUTH_TYPES}{kind}</inboundAuthenticationTypes>")
        })
        .collect();
    let Application {
        id,
        name,
        type_id,
        version,
        build_number,
        ..
    } = application;
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <manifest><id>{id}</id><name>{name}</name><typeId>{type_id}</typeId>\
         <version>{version}</version><buildNumber>{build_number}</buildNumber>\
         <applinksVersion>10.0.3</applinksVersion>{inbound}\
         <outboundAuthenticationTypes>{AUTH_TYPES}OAuthAuthenticationProvider</outboundAuthenticationTypes>\
         <publicSignup>false</publicSignup><url>{url}</url>\
         <iconUrl>{url}/images/logo/{type_id}-logo.png</iconUrl></manifest>\n"
    );
    Response::new(200, "application/xml", body)
}

fn write_head(
    stream: &mut impl Write,
    status: u16,
    headers: &[(&str, String)],
    length: usize,
) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason_phrase(status));
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {length}\r\nConnection: close\r\n\r\n"
    ));
    stream.write_all(head.as_bytes())
}

fn write_response(stream: &mut impl Write, response: &Response, head_only: bool) -> io::Result<()> {
    write_head(
        stream,
        response.status,
        &response.headers,
        response.body.len(),
    )?;
    if !head_only {
        stream.write_all(&response.body)?;
    }
    stream.flush()
}

/// Writes a 1 GiB body of spaces. A write fails, which ends the body, as soon
/// as the client closes the connection or after it stops reading for
/// `MAX_CONNECTION_TIME`.
fn write_huge_manifest(stream: &mut impl Write, head_only: bool) -> io::Result<()> {
    let headers = [("Content-Type", "application/xml".to_owned())];
    write_head(stream, 200, &headers, HUGE_BODY_BYTES)?;
    if head_only {
        return stream.flush();
    }
    let chunk = vec![b' '; CHUNK_BYTES];
    for _ in 0..HUGE_BODY_BYTES / CHUNK_BYTES {
        stream.write_all(&chunk)?;
    }
    stream.flush()
}

/// Blocks until the client closes the connection, a read fails, or
/// `MAX_CONNECTION_TIME` passes.
fn wait_for_close(connection: &mut impl Connection) {
    let deadline = Instant::now() + MAX_CONNECTION_TIME;
    let mut buffer = [0; 4096];
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() || connection.tcp().set_read_timeout(Some(remaining)).is_err() {
            return;
        }
        if matches!(connection.read(&mut buffer), Ok(0) | Err(_)) {
            return;
        }
    }
}

/// Ends a response: sends close_notify under TLS and a FIN, then discards what
/// the client still sends until it closes, stays quiet for a second, or has
/// sent `MAX_HEAD_BYTES`. Closing a socket with unread
/// input sends a reset, which can discard the response before the client
/// reads it.
fn finish(mut connection: impl Connection) {
    connection.close_notify();
    let _ = connection.flush();
    let mut tcp = connection.tcp();
    let _ = tcp.shutdown(Shutdown::Write);
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(1)));
    let mut buffer = [0; 4096];
    let mut drained = 0;
    while drained < MAX_HEAD_BYTES {
        match tcp.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(count) => drained += count,
        }
    }
}

/// The listeners that the proxy forwards to, and the refused port.
#[derive(Clone, Copy)]
struct Upstreams {
    http: SocketAddr,
    https: SocketAddr,
    https_expired: SocketAddr,
    https_wrong_name: SocketAddr,
    closed: SocketAddr,
}

impl Upstreams {
    /// Selects the listener for a CONNECT tunnel: the one whose port the
    /// target names, else `https` if the client starts a TLS handshake and
    /// `http` if it does not. Clients such as ureq tunnel `http://` URLs too.
    fn for_connect(&self, port: Option<u16>, starts_tls: bool) -> SocketAddr {
        let fallback = if starts_tls { self.https } else { self.http };
        [
            self.https,
            self.https_expired,
            self.https_wrong_name,
            self.http,
        ]
        .into_iter()
        .find(|listener| Some(listener.port()) == port)
        .unwrap_or(fallback)
    }
}

/// Serves one proxy request. The proxy never connects to the host a request
/// names, and rejects a target on the `closed` port with 502. A CONNECT tunnel goes to the listener that `Upstreams::for_connect`
/// selects. An absolute-form `http://` request goes to `http` with its `Host`
/// header kept, so the fixture builds URLs from the host the client requested.
fn serve_proxy(mut client: TcpStream, upstreams: Upstreams, log: &Mutex<Vec<String>>) {
    let _ = client.set_read_timeout(Some(MAX_CONNECTION_TIME));
    let _ = client.set_write_timeout(Some(MAX_CONNECTION_TIME));
    let (head, body_start) = match read_head(&mut client) {
        Ok(Some(parts)) => parts,
        Ok(None) => return reject_proxy_request(client, 400),
        Err(_) => return,
    };
    let request_line = head.split("\r\n").next().unwrap_or_default();
    let Some((method, target, version)) = parse_request_line(request_line) else {
        return reject_proxy_request(client, 400);
    };
    lock(log).push(format!("{method} {target}"));

    let (authority, path) = match target.strip_prefix("http://") {
        Some(rest) => rest.split_at(rest.find('/').unwrap_or(rest.len())),
        None => (target, ""),
    };
    let port = authority
        .rsplit_once(':')
        .and_then(|(_, port)| port.parse().ok());
    if port == Some(upstreams.closed.port()) {
        // A real proxy reports a refused connection to the target as 502.
        return reject_proxy_request(client, 502);
    }

    let (upstream_address, forwarded_head) = if method == "CONNECT" {
        if client
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .is_err()
        {
            return;
        }
        let Some(first_byte) = peek_first_byte(&client, &body_start) else {
            return;
        };
        // Every TLS connection opens with a handshake record, type 22.
        (upstreams.for_connect(port, first_byte == 22), None)
    } else if target.starts_with("http://") {
        let path = if path.is_empty() { "/" } else { path };
        // The header lines, if any, start with the line break after the request line.
        let header_lines = &head[request_line.len()..];
        let head = format!("{method} {path} {version}{header_lines}\r\n\r\n");
        (upstreams.http, Some(head))
    } else {
        return reject_proxy_request(client, 400);
    };
    let Ok(mut upstream) = TcpStream::connect(upstream_address) else {
        return reject_proxy_request(client, 502);
    };
    let head_sent = match &forwarded_head {
        Some(head) => upstream.write_all(head.as_bytes()),
        None => Ok(()),
    };
    if head_sent
        .and_then(|()| upstream.write_all(&body_start))
        .is_ok()
    {
        tunnel(client, upstream);
    }
}

/// Returns the first byte that the client sent after its request head, or
/// `None` if it closed the connection first.
fn peek_first_byte(client: &TcpStream, body_start: &[u8]) -> Option<u8> {
    if let Some(&byte) = body_start.first() {
        return Some(byte);
    }
    let mut byte = [0];
    match client.peek(&mut byte) {
        Ok(1) => Some(byte[0]),
        _ => None,
    }
}

fn reject_proxy_request(mut client: TcpStream, status: u16) {
    let _ = write_response(&mut client, &Response::error(status), false);
    finish(client);
}

/// Copies bytes both ways until either side closes or fails, or
/// `MAX_CONNECTION_TIME` passes, then closes both sockets.
fn tunnel(client: TcpStream, upstream: TcpStream) {
    let (Ok(client_reader), Ok(upstream_reader)) = (client.try_clone(), upstream.try_clone())
    else {
        return;
    };
    let (done_sender, done) = mpsc::channel();
    let mut copies = Vec::new();
    for (mut reader, writer) in [(client_reader, &upstream), (upstream_reader, &client)] {
        let Ok(mut writer) = writer.try_clone() else {
            break;
        };
        let done_sender = done_sender.clone();
        copies.extend(spawn_named("fixture-tunnel", move || {
            let _ = io::copy(&mut reader, &mut writer);
            let _ = done_sender.send(());
        }));
    }
    if copies.len() == 2 {
        let _ = done.recv_timeout(MAX_CONNECTION_TIME);
    }
    // Shutting both sockets down wakes the copy that is still blocked.
    let _ = client.shutdown(Shutdown::Both);
    let _ = upstream.shutdown(Shutdown::Both);
    for copy in copies {
        let _ = copy.join();
    }
}

/// The CA in PEM and a server configuration for each HTTPS listener.
struct Certificates {
    ca_pem: String,
    valid: Arc<ServerConfig>,
    expired: Arc<ServerConfig>,
    wrong_name: Arc<ServerConfig>,
}

fn generate_certificates() -> Certificates {
    let ca_key = KeyPair::generate().expect("generate the CA key");
    let mut ca_params = CertificateParams::default();
    ca_params.distinguished_name = common_name("confluence-mdm fixture CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca_params
        .self_signed(&ca_key)
        .expect("sign the CA certificate");
    let issuer = Issuer::from_params(&ca_params, &ca_key);

    let localhost = vec![
        SanType::IpAddress(Ipv4Addr::LOCALHOST.into()),
        SanType::DnsName("localhost".try_into().expect("localhost is an IA5 string")),
    ];
    let mut expired = leaf_params("localhost", localhost.clone());
    expired.not_before = date_time_ymd(2020, 1, 1);
    expired.not_after = date_time_ymd(2021, 1, 1);
    let wrong_name = vec![SanType::DnsName(
        "wiki.example.test"
            .try_into()
            .expect("the name is an IA5 string"),
    )];
    Certificates {
        ca_pem: ca_cert.pem(),
        valid: server_config(&issuer, &leaf_params("localhost", localhost)),
        expired: server_config(&issuer, &expired),
        wrong_name: server_config(&issuer, &leaf_params("wiki.example.test", wrong_name)),
    }
}

fn common_name(name: &str) -> DistinguishedName {
    let mut distinguished_name = DistinguishedName::new();
    distinguished_name.push(DnType::CommonName, name);
    distinguished_name
}

fn leaf_params(name: &str, subject_alt_names: Vec<SanType>) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = common_name(name);
    params.subject_alt_names = subject_alt_names;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params
}

/// Issues a certificate from `params` for a new key and builds a server
/// configuration that presents it.
fn server_config(issuer: &Issuer<'_, &KeyPair>, params: &CertificateParams) -> Arc<ServerConfig> {
    let key = KeyPair::generate().expect("generate a server key");
    let cert = params
        .signed_by(&key, issuer)
        .expect("sign a server certificate");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], key)
        .expect("rustls accepts the server certificate");
    Arc::new(config)
}
