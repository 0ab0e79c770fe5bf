//! The fixture server that the `probe` tests run against: its scenarios over
//! plain HTTP and TLS, its certificates, the connections it must close, and
//! its forward proxy.

#[path = "support/fixture_server.rs"]
mod fixture_server;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fixture_server::FixtureServer;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

const MANIFEST: &str = "/rest/applinks/1.0/manifest";
const MOBILE_LOGIN: &str = "/rest/nativemobile/1.1/info/login";

/// Sends a GET request and returns the whole response as text.
fn get(stream: &mut (impl Read + Write), path: &str, host: &str) -> String {
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// Asserts that the `Content-Length` header matches the body and returns the
/// response head.
fn checked_head(response: &str) -> &str {
    let (head, body) = response
        .split_once("\r\n\r\n")
        .expect("a complete response head");
    let expected = format!("\r\nContent-Length: {}\r\n", body.len());
    assert!(
        head.contains(&expected),
        "wrong Content-Length in:\n{response}"
    );
    head
}

fn tls_client(
    server: &FixtureServer,
    stream: TcpStream,
) -> StreamOwned<ClientConnection, TcpStream> {
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(server.ca_pem.as_bytes()).unwrap())
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from("127.0.0.1").unwrap();
    StreamOwned::new(
        ClientConnection::new(Arc::new(config), name).unwrap(),
        stream,
    )
}

/// Waits up to 2 s for the server to close every connection and returns how
/// many are still open.
fn wait_for_idle(server: &FixtureServer) -> usize {
    let deadline = Instant::now() + Duration::from_secs(2);
    while server.open_connections() > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    server.open_connections()
}

#[test]
fn http_serves_ready_manifest() {
    let server = FixtureServer::start();
    let mut stream = TcpStream::connect(server.http).unwrap();
    let response = get(
        &mut stream,
        &format!("/ready{MANIFEST}"),
        &server.http.to_string(),
    );
    let head = checked_head(&response);
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(head.contains("\r\nConnection: close"), "{response}");
    assert!(response.contains("<version>9.2.1</version>"), "{response}");
    assert!(
        response.contains("ThreeLeggedOAuth2AuthenticationProvider"),
        "{response}"
    );
    let base_url = format!("<url>{}</url>", server.http_url("ready"));
    assert!(response.contains(&base_url), "{response}");
}

#[test]
fn https_serves_ready_manifest() {
    let server = FixtureServer::start();
    let mut stream = tls_client(&server, TcpStream::connect(server.https).unwrap());
    let response = get(
        &mut stream,
        &format!("/ready{MANIFEST}"),
        &server.https.to_string(),
    );
    assert!(
        checked_head(&response).starts_with("HTTP/1.1 200 OK\r\n"),
        "{response}"
    );
    let base_url = format!("<url>{}</url>", server.https_url("ready"));
    assert!(response.contains(&base_url), "{response}");
}

#[test]
fn scenarios_respond_as_described() {
    let server = FixtureServer::start();
    let port = server.http.port();
    let other_host = format!("Location: http://127.0.0.2:{port}/other-host{MANIFEST}");
    let cases = [
        (format!("/ready{MOBILE_LOGIN}"), "200", "\r\n\r\n{}"),
        (
            format!("/old{MANIFEST}"),
            "200",
            "<buildNumber>8804</buildNumber>",
        ),
        (format!("/no-mobile{MOBILE_LOGIN}"), "404", "text/html"),
        (
            format!("/sso{MOBILE_LOGIN}"),
            "302",
            "Location: https://sso.example.test/idp/login?return=%2Fsso%2F",
        ),
        (format!("/other-host{MANIFEST}"), "301", other_host.as_str()),
        (
            format!("/wrong-base-url{MANIFEST}"),
            "200",
            "<url>https://wiki.example.com/confluence</url>",
        ),
        (
            format!("/loop{MANIFEST}"),
            "302",
            "Location: /loop/step\r\n",
        ),
        (
            "/loop/step".to_owned(),
            "302",
            "Location: /loop/rest/applinks/1.0/manifest\r\n",
        ),
        (format!("/jira{MANIFEST}"), "200", "<typeId>jira</typeId>"),
        (
            "/gated/".to_owned(),
            "302",
            "Location: https://sso.example.test/idp/login\r\n",
        ),
        (
            format!("/unauthorized{MOBILE_LOGIN}"),
            "401",
            "WWW-Authenticate: Basic realm=\"gateway\"",
        ),
        (format!("/forbidden{MOBILE_LOGIN}"), "403", ""),
        (
            format!("/html-login{MOBILE_LOGIN}"),
            "200",
            "<title>Sign in</title>",
        ),
        (format!("/broken{MANIFEST}"), "503", ""),
        (format!("/nowhere{MANIFEST}"), "404", ""),
    ];
    for (path, status, expected) in cases {
        let mut stream = TcpStream::connect(server.http).unwrap();
        let response = get(&mut stream, &path, &server.http.to_string());
        let status_line = format!("HTTP/1.1 {status} ");
        assert!(
            checked_head(&response).starts_with(&status_line),
            "{path}:\n{response}"
        );
        assert!(
            response.contains(expected),
            "{path} lacks {expected:?}:\n{response}"
        );
    }
    let mut stream = TcpStream::connect(server.http).unwrap();
    let old = get(&mut stream, &format!("/old{MANIFEST}"), "localhost");
    assert!(!old.contains("OAuth2"), "{old}");
}

#[test]
fn malformed_requests_get_400() {
    let server = FixtureServer::start();
    for request in [
        "GARBAGE\r\n\r\n",
        "GET /ready HTTP/1.1\r\n\r\n",
        "GET /ready HTTP/1.1\r\nHost: a\nb\r\n\r\n",
    ] {
        let mut stream = TcpStream::connect(server.http).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(
            response.starts_with("HTTP/1.1 400 "),
            "{request:?}:\n{response}"
        );
    }
}

#[test]
fn https_rejects_expired_and_wrong_name() {
    let server = FixtureServer::start();
    for (address, expected) in [
        (server.https_expired, "Expired"),
        (server.https_wrong_name, "NotValidForName"),
    ] {
        let mut stream = tls_client(&server, TcpStream::connect(address).unwrap());
        let error = stream
            .write_all(b"GET / HTTP/1.1\r\n\r\n")
            .and_then(|()| stream.flush())
            .unwrap_err();
        let error = format!("{:?}", error.get_ref());
        assert!(error.contains(expected), "{address}: {error}");
    }
    assert_eq!(
        wait_for_idle(&server),
        0,
        "a failed handshake left a connection open"
    );
}

#[test]
fn huge_stops_when_client_disconnects() {
    let server = FixtureServer::start();
    let mut stream = TcpStream::connect(server.http).unwrap();
    write!(
        stream,
        "GET /huge{MANIFEST} HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.http
    )
    .unwrap();
    let mut start = vec![0; 1 << 20];
    stream.read_exact(&mut start).unwrap();
    let start = String::from_utf8_lossy(&start);
    assert!(
        start.contains("\r\nContent-Length: 1073741824\r\n"),
        "{}",
        &start[..200]
    );
    drop(stream);
    assert_eq!(
        wait_for_idle(&server),
        0,
        "the server still writes the huge body"
    );
}

#[test]
fn silent_holds_connection_until_client_closes() {
    let server = FixtureServer::start();
    let mut stream = TcpStream::connect(server.http).unwrap();
    write!(
        stream,
        "GET /silent{MANIFEST} HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.http
    )
    .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let error = stream.read(&mut [0; 1]).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::WouldBlock, "{error}");
    assert_eq!(server.open_connections(), 1);
    drop(stream);
    assert_eq!(
        wait_for_idle(&server),
        0,
        "the silent connection stayed open"
    );
}

#[test]
fn proxy_connect_reaches_https() {
    let server = FixtureServer::start();
    let mut stream = TcpStream::connect(server.proxy).unwrap();
    stream
        .write_all(b"CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n")
        .unwrap();
    let established = b"HTTP/1.1 200 Connection established\r\n\r\n";
    let mut reply = vec![0; established.len()];
    stream.read_exact(&mut reply).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&reply),
        String::from_utf8_lossy(established)
    );

    let mut stream = tls_client(&server, stream);
    let response = get(
        &mut stream,
        &format!("/ready{MANIFEST}"),
        &server.https.to_string(),
    );
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(response.contains(&server.https_url("ready")), "{response}");
    assert_eq!(server.proxied(), ["CONNECT 127.0.0.1:443"]);
}

#[test]
fn proxy_connect_without_tls_reaches_http() {
    let server = FixtureServer::start();
    let mut stream = TcpStream::connect(server.proxy).unwrap();
    stream
        .write_all(b"CONNECT wiki.example.test:80 HTTP/1.1\r\n\r\n")
        .unwrap();
    let mut reply = [0; 39];
    stream.read_exact(&mut reply).unwrap();
    let response = get(
        &mut stream,
        &format!("/ready{MANIFEST}"),
        "wiki.example.test",
    );
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(
        response.contains("<url>http://wiki.example.test/ready</url>"),
        "{response}"
    );
}

#[test]
fn proxy_forwards_absolute_form_with_host() {
    let server = FixtureServer::start();
    let mut stream = TcpStream::connect(server.proxy).unwrap();
    let target = format!("http://confluence.example.test/ready{MANIFEST}");
    let response = get(&mut stream, &target, "confluence.example.test");
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(
        response.contains("<url>http://confluence.example.test/ready</url>"),
        "{response}"
    );
    assert_eq!(server.proxied(), [format!("GET {target}")]);
}

#[test]
fn proxy_rejects_closed_port_with_502() {
    let server = FixtureServer::start();
    let mut stream = TcpStream::connect(server.proxy).unwrap();
    write!(stream, "CONNECT {} HTTP/1.1\r\n\r\n", server.closed).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 502 "), "{response}");
}
