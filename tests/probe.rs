//! `probe` against the fixture server on 127.0.0.1. Each test asserts a
//! site's verdict and the result of the check that decides it. No test
//! contacts another address or resolves another name: 127.0.0.2 appears
//! only in a redirect that must not be followed, and the SSO host only in
//! a Location header.

mod common;
#[path = "support/fixture_server.rs"]
mod fixture_server;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fixture_server::FixtureServer;
use serde_json::Value;

/// Returns the server shared by the whole test binary. Its threads live
/// until the binary exits.
fn server() -> &'static FixtureServer {
    static SERVER: OnceLock<FixtureServer> = OnceLock::new();
    SERVER.get_or_init(FixtureServer::start)
}

/// Returns the CA file, written once into a temporary folder.
fn ca_file() -> &'static PathBuf {
    static CA: OnceLock<PathBuf> = OnceLock::new();
    CA.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let path = dir.join("fixture-ca.pem");
        server().write_ca(&path).unwrap();
        path
    })
}

struct Run {
    code: i32,
    json: Value,
    stderr: String,
    elapsed: Duration,
}

impl Run {
    fn site(&self) -> &Value {
        &self.json["sites"][0]
    }

    fn verdict(&self) -> &str {
        self.site()["verdict"].as_str().unwrap()
    }

    /// Returns (status, message) of one check of the first site.
    fn check(&self, id: &str) -> (String, String) {
        let check = self.site()["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == id)
            .unwrap_or_else(|| panic!("no check {id} in {}", self.json));
        (
            check["status"].as_str().unwrap().to_owned(),
            check["message"].as_str().unwrap().to_owned(),
        )
    }

    fn help(&self, id: &str) -> String {
        self.site()["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == id)
            .and_then(|c| c["help"].as_str())
            .unwrap_or_default()
            .to_owned()
    }
}

/// Runs `probe --format json` with `args`, with no proxy variables but
/// those in `env`.
fn probe_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = common::cmd();
    cmd.arg("probe").arg("--format").arg("json").args(args);
    for name in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        cmd.env_remove(name);
    }
    for (name, value) in env {
        cmd.env(name, value);
    }
    let start = Instant::now();
    let output = cmd.output().unwrap();
    let elapsed = start.elapsed();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let json = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {stdout}\nstderr: {stderr}"));
    Run {
        code: output.status.code().unwrap(),
        json,
        stderr,
        elapsed,
    }
}

fn probe(args: &[&str]) -> Run {
    probe_env(args, &[])
}

/// Probes a scenario over plain HTTP.
fn http(scenario: &str, extra: &[&str]) -> Run {
    let url = server().http_url(scenario);
    let mut args = vec!["--allow-http", "--timeout", "5", url.as_str()];
    args.extend_from_slice(extra);
    probe(&args)
}

/// Probes a scenario over HTTPS, trusting the fixture CA.
fn https(url: &str, extra: &[&str]) -> Run {
    let ca = ca_file().to_str().unwrap().to_owned();
    let mut args = vec!["--ca-cert", ca.as_str(), "--timeout", "5", url];
    args.extend_from_slice(extra);
    probe(&args)
}

/// Probes a scenario on the HTTPS listener, whose verdicts carry no
/// plain-HTTP warning.
fn tls(scenario: &str, extra: &[&str]) -> Run {
    https(&server().https_url(scenario), extra)
}

fn assert_check(run: &Run, id: &str, status: &str, message: &str) {
    let (actual_status, actual_message) = run.check(id);
    assert_eq!(
        (actual_status.as_str(), actual_message.as_str()),
        (status, message),
        "{}",
        run.json
    );
}

#[test]
fn ready_9x_server_over_https() {
    let url = server().https_url("ready");
    let run = https(&url, &[]);
    assert_eq!(run.code, 0, "{}", run.json);
    assert_eq!(run.verdict(), "ready");

    assert_check(&run, "url", "pass", &url);
    assert_check(&run, "connection", "pass", "HTTPS, certificate trusted");
    assert_check(
        &run,
        "version",
        "pass",
        "Confluence 9.2.1 (build 9200); 9.1 or later needed",
    );
    assert_check(
        &run,
        "oauth2",
        "pass",
        "the server accepts OAuth 2.0 (ThreeLeggedOAuth2AuthenticationProvider)",
    );
    assert_check(
        &run,
        "base-url",
        "pass",
        "the server reports the same base URL",
    );
    assert_check(
        &run,
        "mobile-endpoint",
        "pass",
        "/ready/rest/nativemobile/1.1/info/login responds without credentials: the non-MDM setup can work",
    );

    assert_eq!(run.site()["server"]["version"], "9.2.1");
    assert_eq!(run.json["setup"], "non-mdm");
    // A machine format draws no progress bar and prints no warning.
    assert_eq!(run.stderr, "");
}

#[test]
fn ready_server_in_the_human_report() {
    let url = server().https_url("ready");
    let output = common::cmd()
        .args(["probe", "--ca-cert", ca_file().to_str().unwrap(), &url])
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    let expected = format!(
        "probe: 1 site for the non-mdm setup (the default for URLs), Confluence app, timeout 10 s\n\
         \n\
         ready  {url}\n  Confluence 9.2.1 (build 9200)\n\
         \n\
         1 site: 1 ready\n"
    );
    assert_eq!(stderr, expected);
}

#[test]
fn confluence_8x_needs_upgrade() {
    let run = http("old", &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.verdict(), "not-ready");
    assert_check(
        &run,
        "version",
        "error",
        "Confluence 8.5.4 (build 8804) does not offer OAuth 2.0 to the iOS app; 9.1 or later needed",
    );
    assert_eq!(
        run.help("version"),
        "upgrade to Confluence 9.1 or later with the OAuth 2.0 plugin 4.1.1 or later"
    );
    assert_eq!(run.check("oauth2").0, "error");
}

#[test]
fn missing_mobile_plugin() {
    let message = "/no-mobile/rest/nativemobile/1.1/info/login is not found (404): the Confluence Mobile plugin is missing, disabled or too old";
    let run = http("no-mobile", &[]);
    assert_eq!((run.code, run.verdict()), (1, "not-ready"));
    assert_check(&run, "mobile-endpoint", "error", message);
    let run = http("no-mobile", &["--setup", "mdm"]);
    assert_eq!((run.code, run.verdict()), (0, "ready-with-warnings"));
    assert_check(&run, "mobile-endpoint", "warning", message);
}

#[test]
fn sso_redirect_by_setup() {
    let message = "/sso/rest/nativemobile/1.1/info/login redirects to https://sso.example.test/idp/login?return=%2Fsso%2Frest%2Fnativemobile%2F1.1%2Finfo%2Flogin: a reverse proxy or SSO gateway redirects requests without credentials to its sign-in page";
    let run = http("sso", &[]);
    assert_eq!((run.code, run.verdict()), (1, "not-ready"));
    assert_check(&run, "mobile-endpoint", "error", message);
    assert!(run.help("mobile-endpoint").starts_with("use the MDM setup"));
    let run = tls("sso", &["--setup", "mdm"]);
    assert_eq!((run.code, run.verdict()), (0, "ready"));
    assert_check(&run, "mobile-endpoint", "info", message);
}

#[test]
fn manifest_failures_by_scenario() {
    let port = server().http.port();
    let manifest = "rest/applinks/1.0/manifest";
    let cases = [
        // A redirect to another host is not followed: 127.0.0.2 is that
        // host, and nothing contacts it.
        (
            "other-host",
            format!(
                "/other-host/{manifest} redirects to another origin (http://127.0.0.2:{port}/other-host/{manifest}), and redirects to other hosts or ports are not followed"
            ),
        ),
        (
            "port-redirect",
            format!(
                "/port-redirect/{manifest} redirects to another origin (http://127.0.0.1:1/port-redirect/{manifest}), and redirects to other hosts or ports are not followed"
            ),
        ),
        (
            "credentials-redirect",
            format!(
                "/credentials-redirect/{manifest} redirects to a URL with a user name or password, so the redirect was not followed"
            ),
        ),
        (
            "loop",
            format!("redirect loop: /loop/{manifest} → /loop/step → /loop/{manifest}"),
        ),
        // A 1 GiB body: the 256 KiB cap holds.
        (
            "huge",
            format!(
                "/huge/{manifest}: the response is larger than 256 KiB, so reading stopped there"
            ),
        ),
        ("broken", format!("/broken/{manifest} returns 503")),
        (
            "nothing-here",
            format!("/nothing-here/{manifest} is not found (404)"),
        ),
    ];
    for (scenario, message) in cases {
        let run = http(scenario, &[]);
        assert_eq!((run.code, run.verdict()), (1, "not-ready"), "{scenario}");
        assert_check(&run, "manifest", "error", &message);
        assert_eq!(run.check("version").0, "skipped", "{scenario}");
    }
}

#[test]
fn wrong_reported_base_url_is_an_error() {
    let run = http("wrong-base-url", &[]);
    assert_eq!((run.code, run.verdict()), (1, "not-ready"));
    let url = server().http_url("wrong-base-url");
    assert_check(
        &run,
        "base-url",
        "error",
        &format!(
            "the server reports its base URL as https://wiki.example.com/confluence, not {url} (scheme, host, port and context path differ)"
        ),
    );
}

#[test]
fn expired_certificate_is_rejected() {
    let url = format!("https://127.0.0.1:{}/ready", server().https_expired.port());
    let run = https(&url, &[]);
    assert_eq!((run.code, run.verdict()), (1, "not-ready"));
    assert_check(
        &run,
        "connection",
        "error",
        "the server's certificate has expired",
    );
    assert_check(
        &run,
        "manifest",
        "skipped",
        "not checked: no connection to the server",
    );
}

#[test]
fn wrong_name_certificate_is_rejected() {
    let url = format!(
        "https://127.0.0.1:{}/ready",
        server().https_wrong_name.port()
    );
    let run = https(&url, &[]);
    assert_eq!((run.code, run.verdict()), (1, "not-ready"));
    assert_check(
        &run,
        "connection",
        "error",
        "the server's certificate is not valid for 127.0.0.1",
    );
}

#[test]
fn unknown_authority_asks_for_ca_cert() {
    let run = probe(&["--timeout", "5", &server().https_url("ready")]);
    assert_eq!((run.code, run.verdict()), (1, "not-ready"));
    assert_check(
        &run,
        "connection",
        "error",
        "the server's certificate is not signed by a trusted authority",
    );
    assert!(run.help("connection").contains("--ca-cert FILE"));
}

#[test]
fn insecure_still_names_certificate_problem() {
    let url = format!("https://127.0.0.1:{}/ready", server().https_expired.port());
    let run = probe(&["--insecure", "--timeout", "5", &url]);
    assert_eq!((run.code, run.verdict()), (1, "not-ready"));
    assert_check(
        &run,
        "connection",
        "error",
        "the server's certificate has expired; the other checks ran because of --insecure",
    );
    assert_eq!(run.check("version").0, "pass");
    assert_eq!(run.json["insecure"], true);
    assert!(run.stderr.contains("warning: --insecure"), "{}", run.stderr);

    let trusted = https(&server().https_url("ready"), &["--insecure"]);
    assert_eq!((trusted.code, trusted.verdict()), (0, "ready"));
    assert_check(
        &trusted,
        "connection",
        "pass",
        "HTTPS, certificate trusted (--insecure was not needed)",
    );
}

#[test]
fn silent_listener_times_out() {
    let url = server().http_url("silent");
    let run = probe(&["--allow-http", "--timeout", "1", &url]);
    assert_eq!((run.code, run.verdict()), (1, "not-ready"));
    assert_check(
        &run,
        "connection",
        "error",
        "timed out after 1 s without a response",
    );
    // The site stops at the first timeout: one request, not one per check.
    assert!(
        run.elapsed < Duration::from_secs(4),
        "took {:?}",
        run.elapsed
    );
}

#[test]
fn closed_port_is_refused_at_once() {
    let closed = server().closed;
    let url = format!("http://{closed}/wiki");
    let run = probe(&["--allow-http", "--timeout", "2", &url]);
    assert_eq!((run.code, run.verdict()), (1, "not-ready"));
    assert_check(
        &run,
        "connection",
        "error",
        &format!("{closed} refused the connection"),
    );
    assert!(
        run.elapsed < Duration::from_secs(4),
        "took {:?}",
        run.elapsed
    );
}

#[test]
fn jira_server_as_confluence() {
    let run = http("jira", &[]);
    assert_eq!((run.code, run.verdict()), (1, "not-ready"));
    assert_check(
        &run,
        "product",
        "error",
        "the server is Jira, not Confluence",
    );
    assert_eq!(
        run.help("product"),
        "probe it with --app jira, or fix the base URL"
    );
    let run = tls("jira", &["--app", "jira"]);
    assert_eq!((run.code, run.verdict()), (0, "ready"), "{}", run.json);
    assert_check(
        &run,
        "version",
        "pass",
        "Jira 10.3.1 (build 10030001); 9.12.14 or later on 9.x, or 10.1 or later needed",
    );
    assert_eq!(run.check("mobile-endpoint").0, "skipped");
}

#[test]
fn gateway_in_front_of_everything() {
    let run = http("gated", &["--setup", "mdm"]);
    assert_eq!((run.code, run.verdict()), (0, "ready-with-warnings"));
    assert_check(
        &run,
        "manifest",
        "warning",
        "/gated/rest/applinks/1.0/manifest redirects to a sign-in page (https://sso.example.test/idp/login), so the version cannot be read",
    );
    assert_eq!(run.check("mobile-endpoint").0, "info");
    let run = http("gated", &[]);
    assert_eq!((run.code, run.verdict()), (1, "not-ready"));
    assert_eq!(run.check("mobile-endpoint").0, "error");
    let run = http("gated", &["--setup", "mdm", "--strict"]);
    assert_eq!((run.code, run.verdict()), (1, "not-ready"));
}

#[test]
fn blocked_mobile_endpoint_statuses() {
    for (scenario, message) in [
        (
            "unauthorized",
            "/unauthorized/rest/nativemobile/1.1/info/login requires credentials (401): a gateway or the server blocks requests without credentials",
        ),
        (
            "forbidden",
            "/forbidden/rest/nativemobile/1.1/info/login denies access (403): a gateway or the server blocks requests without credentials",
        ),
        (
            "html-login",
            "/html-login/rest/nativemobile/1.1/info/login returns an HTML page, not the plugin's JSON: a gateway serves its sign-in page",
        ),
    ] {
        let run = http(scenario, &[]);
        assert_eq!((run.code, run.verdict()), (1, "not-ready"), "{scenario}");
        assert_check(&run, "mobile-endpoint", "error", message);
        let run = tls(scenario, &["--setup", "mdm"]);
        assert_eq!((run.code, run.verdict()), (0, "ready"), "{scenario}");
        assert_check(&run, "mobile-endpoint", "info", message);
    }
}

/// Returns a port with no listener, different from the fixture's `closed` port,
/// which the fixture proxy rejects on purpose.
fn another_closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn https_proxy_and_no_proxy() {
    let port = another_closed_port();
    let url = format!("https://127.0.0.1:{port}/ready");
    let proxy = format!("http://{}", server().proxy);
    let ca = ca_file().to_str().unwrap();
    let args = ["--ca-cert", ca, "--timeout", "5", url.as_str()];
    // Only the proxy can reach the site: directly, the port is closed.
    let run = probe_env(&args, &[("HTTPS_PROXY", &proxy)]);
    assert_eq!((run.code, run.verdict()), (0, "ready"), "{}", run.json);
    assert_eq!(run.site()["proxy"], proxy.as_str());
    assert_check(
        &run,
        "connection",
        "pass",
        &format!("HTTPS, certificate trusted, through the proxy {proxy}"),
    );
    assert!(
        server()
            .proxied()
            .contains(&format!("CONNECT 127.0.0.1:{port}")),
        "{:?}",
        server().proxied()
    );

    let run = probe_env(
        &args,
        &[
            ("HTTPS_PROXY", &proxy),
            ("NO_PROXY", "localhost,127.0.0.0/8"),
        ],
    );
    assert_eq!(run.check("connection").0, "error");
    assert_eq!(run.site()["proxy"], Value::Null);

    // HTTP_PROXY is for http:// URLs only.
    let run = probe_env(&args, &[("HTTP_PROXY", &proxy)]);
    assert_eq!(run.check("connection").0, "error");
}

#[test]
fn http_proxy_serves_plain_urls() {
    let port = another_closed_port();
    let url = format!("http://127.0.0.1:{port}/ready");
    let proxy = format!("http://{}", server().proxy);
    let run = probe_env(
        &["--allow-http", "--timeout", "5", &url],
        &[("http_proxy", &proxy)],
    );
    assert_eq!(
        (run.code, run.verdict()),
        (0, "ready-with-warnings"),
        "{}",
        run.json
    );
    assert_eq!(run.check("url").0, "warning");
    assert_eq!(run.check("connection").0, "pass");
}

#[test]
fn refused_proxy_is_named() {
    let url = server().https_url("ready");
    let dead = format!("http://127.0.0.1:{}", another_closed_port());
    let run = probe_env(&["--timeout", "5", &url], &[("HTTPS_PROXY", &dead)]);
    assert_eq!((run.code, run.verdict()), (1, "not-ready"));
    let (status, message) = run.check("connection");
    assert_eq!(status, "error");
    assert!(
        message.starts_with(&format!("the proxy {dead} failed")),
        "{message}"
    );
}

/// Accepts one connection on 127.0.0.1, responds 404, and returns the
/// request head it read.
fn capture_one_request() -> (String, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/capture", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
            head.push(byte[0]);
        }
        let _ = stream
            .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        String::from_utf8_lossy(&head).into_owned()
    });
    (url, handle)
}

#[test]
fn requests_carry_no_credentials() {
    let (url, handle) = capture_one_request();
    let with_user = url.replacen("http://", "http://admin:hunter2@", 1);
    let run = probe(&["--allow-http", "--timeout", "5", &with_user]);
    let head = handle.join().unwrap().to_ascii_lowercase();
    assert!(
        head.starts_with("get /capture/rest/applinks/1.0/manifest http/1.1\r\n"),
        "{head}"
    );
    assert!(
        head.contains(&format!(
            "user-agent: confluence-mdm/{} (probe)\r\n",
            env!("CARGO_PKG_VERSION")
        )),
        "{head}"
    );
    for header in ["authorization", "cookie", "hunter2"] {
        assert!(!head.contains(header), "{header} sent: {head}");
    }
    let (status, message) = run.check("url");
    assert_eq!(status, "warning");
    assert_eq!(
        message,
        "removed the user name and password (never sent) from the URL, since a base URL has none. plain HTTP, probed because of --allow-http: the OAuth 2.0 provider rejects base URLs without HTTPS unless the server sets atlassian.oauth2.provider.skip.base.url.https.requirement"
    );
    assert_eq!(run.site()["url"], with_user.replace("hunter2", "***"));
}

#[test]
fn config_sites_default_to_mdm() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sites.json");
    let oauth = serde_json::json!({"clientID": "5d0c7e9a1b2f4c3d8e6a0b1c2d3e4f50", "cacheSessionInMobileBrowser": false});
    let sites = serde_json::json!([
        {"title": "Ready", "baseURL": server().http_url("ready"), "oauth": oauth},
        {"title": "Behind SSO", "baseURL": server().http_url("sso"), "oauth": oauth},
        {"title": "Old", "baseURL": server().http_url("old"), "oauth": oauth},
        {"title": "Old, no OAuth", "baseURL": server().http_url("old")},
    ]);
    std::fs::write(&config, serde_json::to_string_pretty(&sites).unwrap()).unwrap();
    let run = probe(&[
        "--allow-http",
        "--jobs",
        "2",
        "--timeout",
        "5",
        "--sites",
        config.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(run.json["setup"], "mdm");

    let verdicts: Vec<(&str, &str)> = run.json["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["title"].as_str().unwrap(), s["verdict"].as_str().unwrap()))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("Ready", "ready-with-warnings"),
            ("Behind SSO", "ready-with-warnings"),
            ("Old", "not-ready"),
            ("Old, no OAuth", "ready-with-warnings"),
        ]
    );
    let source = run.json["sites"][1]["source"].as_str().unwrap();
    assert!(source.ends_with("sites.json:12:16"), "{source}");
    let no_oauth = &run.json["sites"][3]["checks"][4];
    assert_eq!(no_oauth["check"], "version");
    assert_eq!(no_oauth["status"], "info");
    // Plain http:// base URLs are errors in a config, which fail the run.
    assert_eq!(run.json["config_errors"], 4);
    assert!(
        run.stderr
            .contains("the config has 4 errors, so devices fail on it"),
        "{}",
        run.stderr
    );
    assert_eq!(run.json["summary"]["not_ready"], 1);
}

#[test]
fn usage_errors_exit_2() {
    let missing_ca = [
        "probe",
        "--ca-cert",
        "/nonexistent/ca.pem",
        "https://127.0.0.1:1",
    ];
    let dir = tempfile::tempdir().unwrap();
    let not_pem = dir.path().join("ca.txt");
    std::fs::write(&not_pem, "hello").unwrap();
    let not_pem = not_pem.to_str().unwrap();
    for args in [
        &["probe", "not a url"][..],
        &["probe", "ftp://files.example.test/"],
        &["probe", "--timeout", "0", "https://127.0.0.1:1"],
        &["probe", "--timeout", "soon", "https://127.0.0.1:1"],
        &["probe", "--jobs", "0", "https://127.0.0.1:1"],
        &missing_ca,
        &["probe", "--ca-cert", not_pem, "https://127.0.0.1:1"],
        &["probe"],
        &["probe", "--sites", "/nonexistent/sites.json"],
    ] {
        let output = common::cmd().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(!output.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn socks_proxy_fails_only_its_sites() {
    let url = server().https_url("ready");
    let socks = [("HTTPS_PROXY", "socks5://user:secret@127.0.0.1:1080")];
    let run = probe_env(&["--timeout", "5", &url], &socks);
    assert_eq!((run.code, run.verdict()), (1, "not-ready"));
    assert_check(
        &run,
        "connection",
        "error",
        "the proxy socks5://127.0.0.1:1080 failed: only http:// and https:// proxies are supported",
    );
    // The variable for another scheme does not matter.
    let plain = server().http_url("ready");
    let run = probe_env(&["--allow-http", "--timeout", "5", &plain], &socks);
    assert_eq!(run.check("connection").0, "pass");
}

/// The README's probe demo: the bundled config against the fixture server,
/// with the ports the README names. `UPDATE_EXPECTED=1` rewrites it.
#[test]
fn readme_probe_demo_is_current() {
    let fixture = common::fixtures().join("probe/sites.json");
    let port = server().https.port().to_string();
    let text = std::fs::read_to_string(&fixture)
        .unwrap()
        .replace("127.0.0.1:8443", &format!("127.0.0.1:{port}"));
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sites.json");
    std::fs::write(&config, text).unwrap();
    let output = common::cmd()
        .args(["probe", "--ca-cert", ca_file().to_str().unwrap(), "--sites"])
        .arg(&config)
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));

    let report = String::from_utf8(output.stderr)
        .unwrap()
        .replace(config.to_str().unwrap(), "fixtures/probe/sites.json")
        .replace(&format!("127.0.0.1:{port}"), "127.0.0.1:8443");
    let readme_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let marker = "<!-- probe-demo: tests/probe.rs checks this output -->\n```text\n";
    let start = readme
        .find(marker)
        .expect("the README has the probe demo marker")
        + marker.len();
    let end = start + readme[start..].find("```\n").unwrap();
    if std::env::var_os("UPDATE_EXPECTED").is_some() {
        let updated = format!("{}{report}{}", &readme[..start], &readme[end..]);
        std::fs::write(&readme_path, updated).unwrap();
        return;
    }
    assert_eq!(
        &readme[start..end],
        report,
        "the README's probe demo is stale; run UPDATE_EXPECTED=1 cargo test --test probe"
    );
}

/// Runs `probe ARGS` under `script`, which gives it a terminal, and returns
/// what the terminal received.
fn probe_in_terminal(args: &str) -> String {
    let found = std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(found, "`script` is missing: apt-get install -y bsdutils");
    let bin = assert_cmd::cargo::cargo_bin("confluence-mdm");
    let output = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("{} probe {args}", bin.display()),
            "/dev/null",
        ])
        .env("TERM", "xterm")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
#[ignore = "needs `script`, which scripts/interop-tests installs"]
fn progress_bar_only_on_terminal() {
    let args = format!(
        "--allow-http --timeout 1 {} {}",
        server().http_url("ready"),
        server().http_url("silent")
    );
    let terminal = probe_in_terminal(&args);
    assert!(terminal.contains("probing 0/2"), "{terminal}");
    assert!(terminal.contains("probing 2/2"), "{terminal}");

    let json = probe_in_terminal(&format!("--format json {args}"));
    assert!(!json.contains("probing"), "{json}");
    let quiet = probe_in_terminal(&format!("--quiet {args}"));
    assert!(!quiet.contains("probing"), "{quiet}");

    let piped = common::cmd()
        .arg("probe")
        .args(args.split(' '))
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&piped.stderr).contains("probing"));
}

#[test]
fn explain_covers_every_check() {
    for id in [
        "url",
        "connection",
        "manifest",
        "product",
        "version",
        "oauth2",
        "base-url",
        "mobile-endpoint",
    ] {
        let output = common::cmd().args(["explain", id]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{id}");
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(
            text.starts_with(&format!("{id} (a check of `probe`)\n")),
            "{text}"
        );
    }
    let output = common::cmd().args(["explain", "nothing"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("probe's checks are: url, connection"),
        "{stderr}"
    );
}

#[test]
fn jobs_bound_the_sites_at_once() {
    let silent = server().http_url("silent");
    let args = [
        "--allow-http",
        "--timeout",
        "0.5",
        "--jobs",
        "1",
        silent.as_str(),
        silent.as_str(),
        silent.as_str(),
    ];
    let run = probe(&args);
    assert_eq!(run.json["summary"]["not_ready"], 3);
    // One site at a time: three timeouts in a row, not one for all three.
    assert!(
        run.elapsed >= Duration::from_millis(1500),
        "took {:?}",
        run.elapsed
    );
}

#[test]
fn hostile_manifest_text_escaped() {
    let url = server().http_url("hostile");
    let output = common::cmd()
        .args(["probe", "--allow-http", "--timeout", "5", &url])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
    assert!(stderr.contains("9.2.1\\u{1b}[31mRED"), "{stderr}");
    assert!(!stderr.contains("s3cretpw"), "{stderr}");
    assert!(
        stderr.contains("Put https://wiki.example.com/x in the config"),
        "{stderr}"
    );

    let run = http("hostile", &[]);
    assert_eq!(
        run.site()["server"]["base_url"],
        "https://admin:***@wiki.example.com/x"
    );
}

#[test]
fn mobile_upgrade_names_the_base_url() {
    let run = http("upgrade", &["--setup", "mdm"]);
    let port = server().http.port();
    assert_check(
        &run,
        "mobile-endpoint",
        "error",
        &format!(
            "/upgrade/rest/nativemobile/1.1/info/login redirects to https://127.0.0.1:{port}/upgrade/rest/nativemobile/1.1/info/login: the configured base URL has the wrong scheme or port"
        ),
    );
    assert_eq!(
        run.help("mobile-endpoint"),
        format!("use the base URL the server redirects to: https://127.0.0.1:{port}/upgrade")
    );
}

#[test]
fn mobile_html_without_type_and_empty_body() {
    let run = http("bare-html", &[]);
    assert_check(
        &run,
        "mobile-endpoint",
        "error",
        "/bare-html/rest/nativemobile/1.1/info/login returns an HTML page, not the plugin's JSON: a gateway serves its sign-in page",
    );
    let run = http("no-content", &[]);
    assert_check(
        &run,
        "mobile-endpoint",
        "error",
        "/no-content/rest/nativemobile/1.1/info/login returns 204 with an empty body, not the plugin's JSON",
    );
}

#[test]
fn config_passwords_are_masked() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sites.json");
    let sites = serde_json::json!([
        {"title": "T\u{1b}[31m", "baseURL": "http://admin:topsecret@127.0.0.1:1/x",
         "oauth": {"clientID": "5d0c7e9a1b2f4c3d8e6a0b1c2d3e4f50", "cacheSessionInMobileBrowser": false}},
    ]);
    std::fs::write(&config, sites.to_string()).unwrap();
    let output = common::cmd()
        .args(["probe", "--sites", config.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("topsecret"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
    assert!(stderr.contains("admin:***@127.0.0.1:1"), "{stderr}");
    assert!(stderr.contains("; the config has"), "{stderr}");
}
