//! The checks of one site, in order: the URL, the connection and the
//! manifest (one request), the manifest's contents, then the mobile
//! plugin's endpoint.

use url::Url;

use super::http::{Client, Failure, Reply};
use super::manifest::{Manifest, OAUTH2_PROVIDER, Version};
use super::{Check, CheckResult, Options, Outcome, Server, Setup, SiteReport, Target};
use crate::app::App;

/// Path of the application links manifest, below the base URL.
pub const MANIFEST_PATH: &str = "rest/applinks/1.0/manifest";
/// Path of the Confluence Mobile plugin's login endpoint, below the base
/// URL. Without MDM, the app reads its OAuth client there ("Configure OAuth
/// 2.0 for Confluence iOS", confluence.atlassian.com/doc, non-MDM setup).
pub const MOBILE_PATH: &str = "rest/nativemobile/1.1/info/login";

/// A manifest is a few KiB; anything much larger is not one.
const MANIFEST_LIMIT: u64 = 256 * 1024;
/// The login endpoint returns a small JSON document.
const MOBILE_LIMIT: u64 = 64 * 1024;
/// Same-host redirects followed for the manifest, as a browser would for
/// `http://` to `https://` or a moved context path.
const MAX_REDIRECTS: usize = 5;

/// Collects the results of one site, one per check.
struct Results {
    checks: Vec<CheckResult>,
}

impl Results {
    fn add(&mut self, check: Check, outcome: Outcome, message: impl Into<String>) -> &mut Self {
        self.checks.push(CheckResult {
            check,
            outcome,
            message: message.into(),
            help: None,
        });
        self
    }

    fn help(&mut self, help: impl Into<String>) {
        if let Some(last) = self.checks.last_mut() {
            last.help = Some(help.into());
        }
    }

    /// Marks every check not yet run as skipped, for `reason`.
    fn skip_rest(&mut self, reason: &str) {
        for check in super::Check::ALL {
            if !self.checks.iter().any(|c| c.check == check) {
                self.add(check, Outcome::Skipped, format!("not checked: {reason}"));
            }
        }
    }
}

pub fn probe(target: &Target, client: &Client, options: &Options) -> SiteReport {
    let mut results = Results { checks: Vec::new() };
    let mut report = SiteReport {
        target: target.clone(),
        base_url: None,
        proxy: None,
        server: None,
        checks: Vec::new(),
    };
    let Some(base) = check_url(&target.url, options, &mut results) else {
        results.skip_rest("the URL cannot be probed");
        report.checks = results.checks;
        return report;
    };
    report.base_url = Some(display(&base));
    report.proxy = client.proxy_for(&base);
    let manifest = match fetch_manifest(&base, client, options, &mut results) {
        Fetched::Manifest(manifest) => Some(manifest),
        Fetched::Nothing => None,
        Fetched::NoConnection => {
            results.skip_rest("no connection to the server");
            report.checks = results.checks;
            return report;
        }
    };
    match &manifest {
        Some(manifest) => {
            report.server = Some(Server {
                product: manifest.type_id.clone(),
                version: manifest.version.clone(),
                build: manifest.build_number.clone(),
                base_url: manifest.url.clone(),
            });
            check_manifest(manifest, &base, options.app, &mut results);
        }
        None => {
            for check in [
                Check::Product,
                Check::Version,
                Check::Oauth2,
                Check::BaseUrl,
            ] {
                results.add(check, Outcome::Skipped, "not checked: no manifest");
            }
        }
    }
    check_mobile(&base, client, options, &mut results);
    report.checks = results.checks;
    report
}

/// Writes a base URL without the trailing slash that joining needs.
fn display(base: &Url) -> String {
    base.as_str().trim_end_matches('/').to_owned()
}

/// Checks the URL and returns the base to build requests on: no user info,
/// query or fragment, and a path ending in `/` so that joining keeps the
/// context path.
fn check_url(raw: &str, options: &Options, results: &mut Results) -> Option<Url> {
    let mut url = match Url::parse(raw.trim()) {
        Ok(url) if url.has_host() && matches!(url.scheme(), "http" | "https") => url,
        Ok(url) => {
            results
                .add(
                    Check::Url,
                    Outcome::Error,
                    format!("`{raw}` is not an http:// or https:// URL with a host"),
                )
                .help(format!(
                    "write the base URL as https://HOST[:PORT][/CONTEXT] (the scheme is {})",
                    url.scheme()
                ));
            return None;
        }
        Err(error) => {
            results
                .add(
                    Check::Url,
                    Outcome::Error,
                    format!("`{raw}` is not a URL: {error}"),
                )
                .help("write the base URL as https://HOST[:PORT][/CONTEXT]");
            return None;
        }
    };
    let mut warnings: Vec<String> = Vec::new();
    if !url.username().is_empty() || url.password().is_some() {
        let _ = url.set_username("");
        let _ = url.set_password(None);
        warnings.push("the user name and password in the URL were removed and not sent".into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        url.set_query(None);
        url.set_fragment(None);
        warnings.push("the query and fragment were removed: a base URL has neither".into());
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    if url.scheme() == "http" {
        if !options.allow_http {
            results
                .add(
                    Check::Url,
                    Outcome::Error,
                    format!("{} is plain HTTP; it was not probed", display(&url)),
                )
                .help("the OAuth 2.0 provider refuses base URLs without HTTPS unless the server sets atlassian.oauth2.provider.skip.base.url.https.requirement; use the https:// URL, or pass --allow-http to probe a test server");
            return None;
        }
        warnings.push("plain HTTP, probed because of --allow-http: the OAuth 2.0 provider refuses it unless the server sets atlassian.oauth2.provider.skip.base.url.https.requirement".into());
    }
    match warnings.is_empty() {
        true => results.add(Check::Url, Outcome::Pass, display(&url)),
        false => results.add(Check::Url, Outcome::Warning, warnings.join("; ")),
    };
    Some(url)
}

enum Fetched {
    Manifest(Manifest),
    /// The server responded, but without a manifest.
    Nothing,
    /// The server was never reached.
    NoConnection,
}

/// Reads the manifest, following redirects on the same host only. Adds the
/// `connection` result (from the first request) and the `manifest` result.
fn fetch_manifest(
    base: &Url,
    client: &Client,
    options: &Options,
    results: &mut Results,
) -> Fetched {
    let mut url = join(base, MANIFEST_PATH);
    let mut visited = vec![url.clone()];
    let accept = "application/xml, application/json;q=0.9";
    for hop in 0..=MAX_REDIRECTS {
        let reply = match client.get(&url, accept, MANIFEST_LIMIT) {
            Ok(reply) => reply,
            Err(failure) if hop == 0 && failure.is_connection() => {
                let (message, help) = failure.describe();
                results
                    .add(Check::Connection, Outcome::Error, message)
                    .help(help);
                return Fetched::NoConnection;
            }
            Err(failure) => {
                if hop == 0 {
                    connected(base, client, options, results);
                }
                let (message, help) = failure.describe();
                results
                    .add(
                        Check::Manifest,
                        Outcome::Error,
                        format!("{}: {message}", url.path()),
                    )
                    .help(help);
                return Fetched::Nothing;
            }
        };
        if hop == 0 {
            connected(base, client, options, results);
        }
        if !(300..400).contains(&reply.status) {
            return manifest_reply(&url, &reply, results);
        }
        let Some(next) = reply.location.as_deref().and_then(|l| url.join(l).ok()) else {
            results.add(
                Check::Manifest,
                Outcome::Error,
                format!(
                    "{} answers {} with no usable Location",
                    url.path(),
                    reply.status
                ),
            );
            return Fetched::Nothing;
        };
        if next.host_str() != url.host_str() {
            redirect_elsewhere(&url, &next, results);
            return Fetched::Nothing;
        }
        if url.scheme() == "https" && next.scheme() == "http" {
            results
                .add(
                    Check::Manifest,
                    Outcome::Error,
                    format!(
                        "{} redirects from HTTPS to plain HTTP ({next}); not followed",
                        url.path()
                    ),
                )
                .help("fix the reverse proxy so that it keeps HTTPS");
            return Fetched::Nothing;
        }
        if visited.contains(&next) {
            let mut chain: Vec<String> = visited.iter().map(|u| u.path().to_owned()).collect();
            chain.push(next.path().to_owned());
            results
                .add(
                    Check::Manifest,
                    Outcome::Error,
                    format!("redirect loop: {}", chain.join(" → ")),
                )
                .help("fix the redirect rules of the server or its reverse proxy");
            return Fetched::Nothing;
        }
        visited.push(next.clone());
        url = next;
    }
    results
        .add(
            Check::Manifest,
            Outcome::Error,
            format!(
                "more than {MAX_REDIRECTS} redirects from {}",
                join(base, MANIFEST_PATH).path()
            ),
        )
        .help("fix the redirect rules of the server or its reverse proxy");
    Fetched::Nothing
}

/// Adds the passing `connection` result.
fn connected(base: &Url, client: &Client, options: &Options, results: &mut Results) {
    let mut text = match base.scheme() {
        "https" if options.insecure => "HTTPS, certificate NOT verified (--insecure)".to_owned(),
        "https" => "HTTPS, certificate trusted".to_owned(),
        _ => "plain HTTP".to_owned(),
    };
    if let Some(proxy) = client.proxy_for(base) {
        text.push_str(&format!(", through the proxy {proxy}"));
    }
    let outcome = if options.insecure && base.scheme() == "https" {
        Outcome::Warning
    } else {
        Outcome::Pass
    };
    results.add(Check::Connection, outcome, text);
    if outcome == Outcome::Warning {
        results.help("the devices verify the certificate: probe without --insecure, passing a corporate root with --ca-cert FILE");
    }
}

/// Reports a redirect to another host, which is never followed.
fn redirect_elsewhere(from: &Url, to: &Url, results: &mut Results) {
    if looks_like_sign_in(to) {
        results
            .add(
                Check::Manifest,
                Outcome::Warning,
                format!(
                    "{} redirects to a sign-in page ({to}); the version cannot be read",
                    from.path()
                ),
            )
            .help("a gateway intercepts requests without credentials; exempt /rest/applinks/1.0/manifest from sign-in to let the probe check the version, or check it by hand");
    } else {
        results
            .add(
                Check::Manifest,
                Outcome::Error,
                format!(
                    "{} redirects to another host ({to}); redirects to other hosts are not followed",
                    from.path()
                ),
            )
            .help("if the server moved, configure the base URL it moved to; the app does not follow such redirects either");
    }
}

/// Says whether a redirect target looks like a sign-in page or an
/// identity provider.
fn looks_like_sign_in(url: &Url) -> bool {
    let text = format!("{}{}", url.path(), url.query().unwrap_or_default()).to_ascii_lowercase();
    [
        "login", "signin", "sign-in", "sso", "saml", "oauth", "openid", "oidc", "idp", "adfs",
        "auth",
    ]
    .iter()
    .any(|word| text.contains(word))
}

/// Reads a manifest response that is not a redirect.
fn manifest_reply(url: &Url, reply: &Reply, results: &mut Results) -> Fetched {
    let path = url.path();
    let (outcome, message, help) = match reply.status {
        200 => match Manifest::parse(&reply.body) {
            Ok(manifest) => {
                results.add(Check::Manifest, Outcome::Pass, format!("read {path}"));
                return Fetched::Manifest(manifest);
            }
            Err(reason) => (
                Outcome::Error,
                format!("{path} is not an application links manifest: {reason}"),
                "check that the URL is the server's base URL, with its context path (such as /confluence)",
            ),
        },
        401 | 403 => (
            Outcome::Warning,
            format!(
                "{path} answers {} without credentials; the version cannot be read",
                reply.status
            ),
            "the manifest is anonymous on a stock server: a gateway or a security app blocks it; check the version by hand",
        ),
        404 => (
            Outcome::Error,
            format!("{path} is not found (404)"),
            "check that the URL is the server's base URL, with its context path (such as /confluence)",
        ),
        status => (
            Outcome::Error,
            format!("{path} answers {status}"),
            "check the server's logs; the app cannot sign in while the server fails",
        ),
    };
    results.add(Check::Manifest, outcome, message).help(help);
    Fetched::Nothing
}

fn check_manifest(manifest: &Manifest, base: &Url, app: App, results: &mut Results) {
    check_product(manifest, app, results);
    check_version(manifest, app, results);
    check_oauth2(manifest, app, results);
    check_base_url(manifest, base, results);
}

fn check_product(manifest: &Manifest, app: App, results: &mut Results) {
    let expected = app.type_id();
    match manifest.type_id.as_deref() {
        Some(id) if id.eq_ignore_ascii_case(expected) => {
            results.add(Check::Product, Outcome::Pass, app.product());
        }
        Some(id) => {
            let (name, hint) = match App::from_type_id(id) {
                Some(other) => (
                    other.product().to_owned(),
                    format!("probe it with --app {}", other.type_id()),
                ),
                None => (format!("`{id}`"), "check the base URL".to_owned()),
            };
            results
                .add(
                    Check::Product,
                    Outcome::Error,
                    format!("the server is {name}, not {}", app.product()),
                )
                .help(format!("{hint}, or fix the base URL"));
        }
        None => {
            results.add(
                Check::Product,
                Outcome::Warning,
                "the manifest names no product (no <typeId>)",
            );
        }
    }
}

fn check_version(manifest: &Manifest, app: App, results: &mut Results) {
    let product = app.product();
    let build = manifest
        .build_number
        .as_deref()
        .map(|b| format!(" (build {b})"))
        .unwrap_or_default();
    let Some(version) = manifest.version.as_deref().and_then(Version::parse) else {
        results.add(
            Check::Version,
            Outcome::Warning,
            "the manifest names no version; check it by hand",
        );
        results.help(format!("{} needed", app.version_gate()));
        return;
    };
    let reported = manifest.version.as_deref().unwrap_or_default();
    if app.offers_oauth2(&version) {
        results.add(
            Check::Version,
            Outcome::Pass,
            format!(
                "{product} {reported}{build}; {} needed",
                app.minimum_version()
            ),
        );
    } else {
        results
            .add(
                Check::Version,
                Outcome::Error,
                format!(
                    "{product} {reported}{build} does not offer OAuth 2.0 to the iOS app; {} needed",
                    app.minimum_version()
                ),
            )
            .help(format!("upgrade to {}", app.version_gate()));
    }
}

fn check_oauth2(manifest: &Manifest, app: App, results: &mut Results) {
    if manifest.offers_oauth2() {
        results.add(
            Check::Oauth2,
            Outcome::Pass,
            "the server accepts OAuth 2.0 (ThreeLeggedOAuth2AuthenticationProvider)",
        );
        return;
    }
    let too_old = manifest
        .version
        .as_deref()
        .and_then(Version::parse)
        .is_some_and(|v| !app.offers_oauth2(&v));
    let help = if too_old {
        format!("upgrade to {}", app.version_gate())
    } else {
        format!(
            "enable the OAuth 2.0 provider under Administration > Manage apps ({})",
            app.version_gate()
        )
    };
    results
        .add(
            Check::Oauth2,
            Outcome::Error,
            format!("the server does not accept OAuth 2.0: {OAUTH2_PROVIDER} is not among its inbound authentication types"),
        )
        .help(help);
}

fn check_base_url(manifest: &Manifest, base: &Url, results: &mut Results) {
    let configured = display(base);
    let Some(reported_text) = manifest.url.as_deref() else {
        results.add(
            Check::BaseUrl,
            Outcome::Warning,
            "the manifest names no base URL (no <url>)",
        );
        return;
    };
    let Ok(reported) = Url::parse(reported_text) else {
        results.add(
            Check::BaseUrl,
            Outcome::Warning,
            format!("the server reports a base URL that is not a URL: `{reported_text}`"),
        );
        return;
    };
    let differences = url_differences(base, &reported);
    if differences.is_empty() {
        results.add(
            Check::BaseUrl,
            Outcome::Pass,
            "the server reports the same base URL",
        );
        return;
    }
    results
        .add(
            Check::BaseUrl,
            Outcome::Error,
            format!(
                "the server reports its base URL as {}, not {configured} ({})",
                reported_text.trim_end_matches('/'),
                differ_phrase(&differences)
            ),
        )
        .help("OAuth 2.0 redirects are built from the server's base URL: configure the URL the server reports, or set the server's base URL under General Configuration to the one the devices use");
}

/// Names the parts in which two base URLs differ: scheme, host, port and
/// context path, compared as a browser would (host in any case, default
/// ports, trailing slash).
fn url_differences(a: &Url, b: &Url) -> Vec<&'static str> {
    let mut differences = Vec::new();
    if a.scheme() != b.scheme() {
        differences.push("scheme");
    }
    let host = |u: &Url| {
        u.host_str()
            .unwrap_or_default()
            .trim_end_matches('.')
            .to_ascii_lowercase()
    };
    if host(a) != host(b) {
        differences.push("host");
    }
    if a.port_or_known_default() != b.port_or_known_default() {
        differences.push("port");
    }
    if a.path().trim_end_matches('/') != b.path().trim_end_matches('/') {
        differences.push("context path");
    }
    differences
}

/// Writes "host differs" or "scheme, host and port differ".
fn differ_phrase(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => format!("{one} differs"),
        [rest @ .., last] => format!("{} and {last} differ", rest.join(", ")),
    }
}

/// Asks the mobile plugin's endpoint, never following a redirect, and
/// judges the response for the setup being checked.
fn check_mobile(base: &Url, client: &Client, options: &Options, results: &mut Results) {
    if options.app == App::Jira {
        // TODO: check the Jira app's counterpart of this endpoint once a
        // source names its path. This tool knows of none yet.
        results.add(
            Check::MobileEndpoint,
            Outcome::Skipped,
            "not checked: the Jira app's endpoint is not documented",
        );
        return;
    }
    let url = join(base, MOBILE_PATH);
    let path = url.path().to_owned();
    let mdm = options.setup == Setup::Mdm;
    // Under the MDM setup the app does not use the endpoint, so a blocked
    // endpoint is only information there.
    let blocked = if mdm { Outcome::Info } else { Outcome::Error };
    let use_mdm = "use the MDM setup: deliver the config with your MDM (`confluence-mdm generate`), or exempt this path from sign-in on the gateway";
    let reply = match client.get(&url, "application/json", MOBILE_LIMIT) {
        Ok(reply) => reply,
        Err(Failure::TooLarge { limit }) => {
            let (message, help) = Failure::TooLarge { limit }.describe();
            results
                .add(
                    Check::MobileEndpoint,
                    Outcome::Warning,
                    format!("{path}: {message}"),
                )
                .help(help);
            return;
        }
        Err(failure) => {
            let (message, help) = failure.describe();
            results
                .add(Check::MobileEndpoint, blocked, format!("{path}: {message}"))
                .help(if mdm {
                    help
                } else {
                    format!("{help}; or {use_mdm}")
                });
            return;
        }
    };
    let is_html = reply
        .content_type
        .as_deref()
        .is_some_and(|t| t.to_ascii_lowercase().contains("html"));
    match reply.status {
        200..=299 if is_html => {
            results
                .add(
                    Check::MobileEndpoint,
                    blocked,
                    format!("{path} answers with an HTML page, not the plugin's JSON: a gateway serves its sign-in page"),
                )
                .help(if mdm { "fine for the MDM setup, which does not use this endpoint" } else { use_mdm });
        }
        200..=299 => {
            let message = if mdm {
                format!("{path} answers without credentials (the non-MDM setup would work too)")
            } else {
                format!("{path} answers without credentials: the non-MDM setup can work")
            };
            results.add(Check::MobileEndpoint, Outcome::Pass, message);
        }
        300..=399 => {
            let target = reply
                .location
                .as_deref()
                .and_then(|l| url.join(l).ok())
                .map(|u| u.to_string())
                .unwrap_or_else(|| "an unnamed place".into());
            let what = match Url::parse(&target) {
                Ok(to) if looks_like_sign_in(&to) || to.host_str() != url.host_str() => {
                    "a reverse proxy or SSO gateway sends requests without credentials to sign in"
                }
                _ => "the app needs a direct answer",
            };
            let message = format!("{path} redirects to {target}: {what}");
            results
                .add(Check::MobileEndpoint, blocked, message)
                .help(if mdm {
                    "the MDM setup is required here, and this config is one"
                } else {
                    use_mdm
                });
        }
        status @ (401 | 403) => {
            let meaning = if status == 401 {
                "asks for credentials (401)"
            } else {
                "refuses access (403)"
            };
            results
                .add(
                    Check::MobileEndpoint,
                    blocked,
                    format!("{path} {meaning}: a gateway or the server blocks requests without credentials"),
                )
                .help(if mdm { "the MDM setup is required here, and this config is one" } else { use_mdm });
        }
        404 => {
            // Under the MDM setup the app may not call this endpoint, but a
            // missing plugin likely breaks it as well (unconfirmed), so it
            // warns rather than fails.
            let outcome = if mdm {
                Outcome::Warning
            } else {
                Outcome::Error
            };
            results
                .add(
                    Check::MobileEndpoint,
                    outcome,
                    format!("{path} is not found (404): the Confluence Mobile plugin is missing, disabled or too old"),
                )
                .help("enable the Confluence Mobile plugin (19.1.47 or later on Confluence 9.1 or later) under Administration > Manage apps");
        }
        status => {
            let outcome = if mdm {
                Outcome::Warning
            } else {
                Outcome::Error
            };
            results
                .add(
                    Check::MobileEndpoint,
                    outcome,
                    format!("{path} answers {status}"),
                )
                .help("check the server's logs");
        }
    }
}

/// Joins a path below the base URL, keeping its context path.
fn join(base: &Url, path: &str) -> Url {
    base.join(path).unwrap_or_else(|_| base.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn differences_name_each_part() {
        assert!(
            url_differences(
                &url("https://Wiki.example.com:443/c/"),
                &url("https://wiki.example.com/c")
            )
            .is_empty()
        );
        assert_eq!(
            url_differences(
                &url("http://127.0.0.1:8090/x/"),
                &url("https://wiki.example.com/confluence")
            ),
            ["scheme", "host", "port", "context path"]
        );
        assert_eq!(differ_phrase(&["host"]), "host differs");
        assert_eq!(differ_phrase(&["host", "port"]), "host and port differ");
        assert_eq!(
            differ_phrase(&["scheme", "host", "port"]),
            "scheme, host and port differ"
        );
    }

    #[test]
    fn sign_in_pages_are_recognised() {
        assert!(looks_like_sign_in(&url(
            "https://sso.example.test/idp/login?return=%2F"
        )));
        assert!(looks_like_sign_in(&url(
            "https://login.example.test/adfs/ls"
        )));
        assert!(!looks_like_sign_in(&url(
            "http://127.0.0.2:8090/other-host/rest/applinks/1.0/manifest"
        )));
    }

    #[test]
    fn joining_keeps_the_context_path() {
        assert_eq!(
            join(&url("https://h/confluence/"), MANIFEST_PATH).as_str(),
            "https://h/confluence/rest/applinks/1.0/manifest"
        );
    }
}
