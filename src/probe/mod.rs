//! `probe`: what the app will meet on each server. For every base URL it
//! connects (DNS, TCP, TLS, proxy) and reads the application links manifest:
//! product, version, OAuth 2.0 and the server's own base URL. Then it
//! requests the mobile plugin's login endpoint without credentials, and
//! gives one verdict per site.
//!
//! The checks run in order and each gives one result. A check that cannot
//! run because an earlier one failed is `skipped`, never silently dropped.

pub mod http;
pub mod manifest;
pub mod proxy;
pub mod report;
mod site;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use serde::Serialize;

use crate::app::App;
pub use http::{Client, Trust};

/// The setup a site is checked for: with or without MDM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Setup {
    /// The app fetches its OAuth client from the server's mobile plugin, so
    /// the endpoint must respond without credentials.
    NonMdm,
    /// The MDM delivers the config: the endpoint is not needed.
    Mdm,
}

impl Setup {
    pub fn as_str(self) -> &'static str {
        match self {
            Setup::NonMdm => "non-mdm",
            Setup::Mdm => "mdm",
        }
    }
}

/// The checks, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// The base URL itself: scheme, credentials, query.
    Url,
    /// DNS, TCP, TLS and the proxy.
    Connection,
    /// `GET /rest/applinks/1.0/manifest`.
    Manifest,
    /// The manifest's `typeId` against `--app`.
    Product,
    /// The manifest's version against the version that offers OAuth 2.0.
    Version,
    /// The OAuth 2.0 provider among the inbound authentication types.
    Oauth2,
    /// The manifest's base URL against the configured one.
    BaseUrl,
    /// `GET /rest/nativemobile/1.1/info/login` without credentials.
    MobileEndpoint,
}

impl Check {
    pub const ALL: [Check; 8] = [
        Check::Url,
        Check::Connection,
        Check::Manifest,
        Check::Product,
        Check::Version,
        Check::Oauth2,
        Check::BaseUrl,
        Check::MobileEndpoint,
    ];

    /// Returns the check with this id, as reports print it.
    pub fn from_id(id: &str) -> Option<Check> {
        Check::ALL.into_iter().find(|check| check.id() == id)
    }

    /// Returns what the check requests, and what each result means, for
    /// `explain`.
    pub fn explanation(self) -> (&'static str, &'static str) {
        match self {
            Check::Url => (
                "The base URL itself, before any request.",
                "Fails when the URL is not http:// or https:// with a host, or is plain http:// without --allow-http: the OAuth 2.0 provider rejects HTTP base URLs unless the server sets atlassian.oauth2.provider.skip.base.url.https.requirement. A user name, password, query or fragment is removed with a warning, and never sent.",
            ),
            Check::Connection => (
                "DNS, TCP, TLS and the proxy, on the first request of the site.",
                "Fails when the host does not resolve, the port refuses the connection, nothing responds within --timeout, the port speaks another protocol, the certificate has expired, names another host or has no trusted issuer, or the proxy fails. A corporate root goes in --ca-cert FILE. With --insecure a certificate problem is still an error, but the other checks run. When this check fails, the others are skipped.",
            ),
            Check::Manifest => (
                "GET {base URL}/rest/applinks/1.0/manifest, the public document that names the product, version, build, base URL and authentication types of the server.",
                "Fails on 404 (not the base URL, or a missing context path), a server error, a body over 256 KiB or cut short, and a redirect that is not followed: to another host or port, from HTTPS to HTTP, to a URL with credentials, in a loop, or more than 5 in a row. A redirect to a sign-in page, 401 or 403 is a warning, since the version cannot be read.",
            ),
            Check::Product => (
                "The manifest's typeId against --app.",
                "Fails when the server is Jira and --app is confluence, or the other way round. The version and OAuth 2.0 checks are then skipped.",
            ),
            Check::Version => (
                "The manifest's version against the first version that offers OAuth 2.0 to the app.",
                "Fails below Confluence 9.1, or with --app jira below Jira 9.12.14 or on Jira 10.0. For a config's site without an oauth object it is only information, since that site signs in without OAuth 2.0. A missing or unreadable version is a warning.",
            ),
            Check::Oauth2 => (
                "ThreeLeggedOAuth2AuthenticationProvider among the manifest's inbound authentication types.",
                "Fails when it is missing: the server is too old, or the OAuth 2.0 provider plugin is disabled. Information only for a config's site without an oauth object.",
            ),
            Check::BaseUrl => (
                "The base URL in the manifest against the configured one.",
                "Fails when they differ in scheme, host, port or context path (case, default ports and a trailing slash do not count): OAuth 2.0 redirects use the server's base URL.",
            ),
            Check::MobileEndpoint => (
                "GET {base URL}/rest/nativemobile/1.1/info/login without credentials, not following redirects: where the app gets its OAuth client without MDM.",
                "Under --setup non-mdm (the default for URLs), a redirect, 401, 403, an HTML page or no connection is an error: a gateway intercepts requests without credentials, so use the MDM setup. Under --setup mdm (the default with --sites) these are information. A redirect to the same path with another scheme or port is an error in both setups: the base URL is wrong. 404 means the Confluence Mobile plugin is missing, disabled or too old: an error without MDM, a warning with it, as are another status and an empty, oversized or cut-short body. Skipped with --app jira.",
            ),
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Check::Url => "url",
            Check::Connection => "connection",
            Check::Manifest => "manifest",
            Check::Product => "product",
            Check::Version => "version",
            Check::Oauth2 => "oauth2",
            Check::BaseUrl => "base-url",
            Check::MobileEndpoint => "mobile-endpoint",
        }
    }
}

/// The result of one check. `Info` and `Skipped` never fail a site, and
/// `Warning` fails it only under `--strict` (see `SiteReport::verdict`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Skipped,
    Info,
    Warning,
    Error,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Skipped => "skipped",
            Outcome::Info => "info",
            Outcome::Warning => "warning",
            Outcome::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub check: Check,
    #[serde(rename = "status")]
    pub outcome: Outcome,
    pub message: String,
    pub help: Option<String>,
}

/// A base URL to probe, and where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    /// The URL as the user wrote it, password included: never shown.
    #[serde(skip)]
    pub raw: String,
    /// The URL as the user wrote it, with any password masked.
    pub url: String,
    /// The site's title, when it came from a config.
    pub title: Option<String>,
    /// `FILE:LINE:COLUMN` of the `baseURL` value, when it came from a
    /// config.
    pub source: Option<String>,
    /// Whether the app signs in to the site with OAuth 2.0: `false` for a
    /// config's site without an `oauth` object.
    #[serde(skip)]
    pub oauth: bool,
}

impl Target {
    /// Creates a target from a URL the user gave.
    pub fn new(raw: &str) -> Target {
        Target {
            raw: raw.to_owned(),
            url: redact_url(raw),
            title: None,
            source: None,
            oauth: true,
        }
    }
}

/// Masks the password of a URL's user info (`https://bob:***@host/`), so
/// that reports and progress bars never show it. Works on text that is not
/// a valid URL too.
pub fn redact_url(text: &str) -> String {
    if let Ok(url) = url::Url::parse(text.trim()) {
        let Some(password) = url.password() else {
            return text.to_owned();
        };
        let written = format!(":{password}@");
        if text.contains(&written) {
            return text.replacen(&written, ":***@", 1);
        }
    }
    // Not a URL, or a password that the parser re-encoded: everything up
    // to the last `@` before any query or fragment may be user info, a
    // password with `/` or `@` in it included.
    let start = text.find("://").map_or(0, |i| i + 3);
    let rest = &text[start..];
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..end].rfind('@') else {
        return text.to_owned();
    };
    let masked = match rest[..at].split_once(':') {
        Some((user, _)) => format!("{user}:***"),
        None => rest[..at].to_owned(),
    };
    format!("{}{masked}{}", &text[..start], &rest[at..])
}

/// Masks the password of every URL in a message, such as a finding that
/// quotes a configured base URL.
pub fn redact_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(found) = rest.find("://") {
        // The URL starts at its scheme and ends at the first character
        // that cannot be in one.
        let start = rest[..found]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || "+-.".contains(c)))
            .map_or(0, |i| i + 1);
        let end = rest[found..]
            .find(|c: char| c.is_whitespace() || "\"'`<>".contains(c))
            .map_or(rest.len(), |i| found + i);
        out.push_str(&rest[..start]);
        out.push_str(&redact_url(&rest[start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Escapes control characters, which a server or a config could use to
/// drive the terminal, as `\u{1b}`.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// The server details from the manifest.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Server {
    pub product: Option<String>,
    pub version: Option<String>,
    pub build: Option<String>,
    pub base_url: Option<String>,
}

/// Everything found about one site.
#[derive(Debug, Clone, Serialize)]
pub struct SiteReport {
    #[serde(flatten)]
    pub target: Target,
    /// The base URL the requests were built on: the target without user
    /// info, query, fragment or trailing slash.
    pub base_url: Option<String>,
    /// The proxy the requests went through, without its user info.
    pub proxy: Option<String>,
    pub server: Option<Server>,
    pub checks: Vec<CheckResult>,
}

/// The verdict on one site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Ready,
    /// Ready as far as the probe can tell, with warnings to read.
    ReadyWithWarnings,
    NotReady,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ready => "ready",
            Verdict::ReadyWithWarnings => "ready with warnings",
            Verdict::NotReady => "not ready",
        }
    }
}

impl SiteReport {
    pub fn worst(&self) -> Outcome {
        self.checks
            .iter()
            .map(|c| c.outcome)
            .max()
            .unwrap_or(Outcome::Pass)
    }

    pub fn verdict(&self, strict: bool) -> Verdict {
        match self.worst() {
            Outcome::Error => Verdict::NotReady,
            Outcome::Warning if strict => Verdict::NotReady,
            Outcome::Warning => Verdict::ReadyWithWarnings,
            _ => Verdict::Ready,
        }
    }
}

/// The settings of one run.
pub struct Options {
    pub app: App,
    pub setup: Setup,
    pub allow_http: bool,
    pub insecure: bool,
    pub timeout: Duration,
    pub jobs: usize,
}

/// Probes every target, `options.jobs` at a time, and returns the reports
/// in the order of `targets`. `progress` is called on the calling thread
/// after each site, so that it may draw on a locked stderr.
pub fn run(
    targets: &[Target],
    client: &Client,
    options: &Options,
    mut progress: impl FnMut(&SiteReport),
) -> Vec<SiteReport> {
    let mut reports: Vec<Option<SiteReport>> = vec![None; targets.len()];
    let next = AtomicUsize::new(0);
    let workers = options.jobs.clamp(1, targets.len().max(1));
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel();
        for _ in 0..workers {
            let sender = sender.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(target) = targets.get(index) else {
                        break;
                    };
                    let report = site::probe(target, client, options);
                    if sender.send((index, report)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);

        for (index, report) in receiver {
            progress(&report);
            reports[index] = Some(report);
        }
    });
    reports.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked() {
        assert_eq!(
            redact_url("https://bob:hunter2@127.0.0.1:1/x"),
            "https://bob:***@127.0.0.1:1/x"
        );
        assert_eq!(
            redact_url("ftp://alice:s3cret@127.0.0.1/"),
            "ftp://alice:***@127.0.0.1/"
        );
        assert_eq!(
            redact_url("https://carol:pw3@[::1"),
            "https://carol:***@[::1"
        );
        assert_eq!(redact_url("https://a:b@c@host/"), "https://a:***@host/");
        assert_eq!(redact_url("https://user@host/x@y"), "https://user@host/x@y");
        assert_eq!(redact_url("https://host/path"), "https://host/path");
        assert_eq!(redact_url("not a url"), "not a url");
        assert_eq!(
            redact_url("https://bob:hun/ter2@127.0.0.1:1/"),
            "https://bob:***@127.0.0.1:1/"
        );
        assert_eq!(
            redact_url("https://host/x?mail=a:b@c"),
            "https://host/x?mail=a:b@c"
        );
    }

    #[test]
    fn passwords_in_messages_are_masked() {
        assert_eq!(
            redact_text(
                "write \"https://admin:topsecret@wiki.example.com\" instead of `ftp://a:b@h/`"
            ),
            "write \"https://admin:***@wiki.example.com\" instead of `ftp://a:***@h/`"
        );
        assert_eq!(redact_text("no URL here"), "no URL here");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("9.2.1\u{1b}[31mRED"), "9.2.1\\u{1b}[31mRED");
        assert_eq!(printable("plain"), "plain");
    }
}
