//! The checks of one site, in order: the URL, the connection and the
//! manifest (one request), the manifest's contents, then the mobile
//! plugin's endpoint.

use url::Url;

use super::http::{Client, Failure, Reply, is_redirect};
use super::manifest::{Manifest, Version};
use super::{Check, CheckResult, Options, Outcome, Server, Setup, SiteReport, Target, redact_url};
use crate::app::App;

/// Path of the application links manifest, below the base URL.
pub const MANIFEST_PATH: &str = "rest/applinks/1.0/manifest";
/// Path of the Confluence Mobile plugin's login endpoint, below the base
/// URL. Without MDM, the app reads its OAuth client there ("Configure OAuth
/// 2.0 for Confluence iOS", confluence.atlassian.com/doc, non-MDM setup).
pub const MOBILE_PATH: &str = "rest/nativemobile/1.1/info/login";

/// A manifest is a few KiB at most (an estimate: the fields are short), so
/// anything much larger is something else.
const MANIFEST_LIMIT: u64 = 256 * 1024;
/// The login endpoint returns a small JSON document.
const MOBILE_LIMIT: u64 = 64 * 1024;
/// Redirects followed for the manifest, on the same origin only.
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

    fn has(&self, check: Check) -> bool {
        self.checks.iter().any(|c| c.check == check)
    }

    /// Marks every check not yet run as skipped, for `reason`.
    fn skip_rest(&mut self, reason: &str) {
        for check in Check::ALL {
            if !self.has(check) {
                self.add(check, Outcome::Skipped, format!("not checked: {reason}"));
            }
        }
    }
}

/// The requests of one site. Under `--insecure` each HTTPS request is
/// first sent with verification, and the first certificate problem found
/// is kept to report, since devices will hit it.
struct Session<'a> {
    client: &'a Client,
    options: &'a Options,
    ignored: Option<Failure>,
}

impl Session<'_> {
    fn get(&mut self, url: &Url, accept: &str, limit: u64) -> Result<Reply, Failure> {
        if self.options.insecure && url.scheme() == "https" && self.ignored.is_none() {
            match self.client.get_verified(url, accept, limit) {
                Err(failure @ Failure::Certificate { .. }) => self.ignored = Some(failure),
                other => return other,
            }
        }
        self.client.get(url, accept, limit)
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
    let Some(base) = check_url(target, options, &mut results) else {
        results.skip_rest("the URL cannot be probed");
        report.checks = results.checks;
        return report;
    };
    report.base_url = Some(display(&base));
    report.proxy = client.proxy_for(&base);
    let mut session = Session {
        client,
        options,
        ignored: None,
    };
    run_checks(&base, target, &mut session, &mut report, &mut results);
    if let Some(failure) = session.ignored {
        report_ignored_certificate(&failure, &mut results);
    }
    report.checks = results.checks;
    report
}

/// Runs every check after `url`, adding each result.
fn run_checks(
    base: &Url,
    target: &Target,
    session: &mut Session,
    report: &mut SiteReport,
    results: &mut Results,
) {
    let options = session.options;
    let manifest = match fetch_manifest(base, session, results) {
        Fetched::Manifest(manifest) => manifest,
        Fetched::Nothing { not_found } => {
            let reason = if not_found {
                "the manifest is not found, so the base URL is likely wrong"
            } else {
                "no manifest"
            };
            for check in [
                Check::Product,
                Check::Version,
                Check::Oauth2,
                Check::BaseUrl,
            ] {
                results.add(check, Outcome::Skipped, format!("not checked: {reason}"));
            }
            if !not_found {
                check_mobile(base, session, results);
            }
            results.skip_rest(reason);
            return;
        }
        Fetched::NoConnection => {
            results.skip_rest("no connection to the server");
            return;
        }
    };
    report.server = Some(Server {
        product: manifest.type_id.clone(),
        version: manifest.version.clone(),
        build: manifest.build_number.clone(),
        base_url: manifest.url.as_deref().map(redact_url),
    });
    let product_matches = check_product(&manifest, options.app, results);
    if product_matches {
        let version_ok = check_version(&manifest, target, options.app, results);
        check_oauth2(&manifest, target, version_ok, options.app, results);
    } else {
        let reason = format!("not checked: the server is not {}", options.app.product());
        results.add(Check::Version, Outcome::Skipped, reason.clone());
        results.add(Check::Oauth2, Outcome::Skipped, reason);
    }
    check_base_url(&manifest, base, results);
    check_mobile(base, session, results);
}

/// Turns the `connection` result into the certificate error that
/// `--insecure` let pass, so that the site is not ready.
fn report_ignored_certificate(failure: &Failure, results: &mut Results) {
    let (message, help) = failure.describe();
    if let Some(connection) = results
        .checks
        .iter_mut()
        .find(|c| c.check == Check::Connection && c.outcome == Outcome::Pass)
    {
        connection.outcome = Outcome::Error;
        connection.message = format!("{message}; the other checks ran because of --insecure");
        connection.help = Some(format!("devices verify the certificate: {help}"));
    }
}

/// Writes a base URL without the trailing slash that joining needs.
fn display(base: &Url) -> String {
    base.as_str().trim_end_matches('/').to_owned()
}

/// Checks the URL and returns the base to build requests on: no user info,
/// query or fragment, and a path ending in one `/` so that joining keeps
/// the context path.
fn check_url(target: &Target, options: &Options, results: &mut Results) -> Option<Url> {
    let masked = redact_url(&target.raw);
    let mut url = match Url::parse(target.raw.trim()) {
        Ok(url) if url.has_host() && matches!(url.scheme(), "http" | "https") => url,
        Ok(url) => {
            results
                .add(
                    Check::Url,
                    Outcome::Error,
                    format!(
                        "`{masked}` is not an http:// or https:// URL with a host (the scheme is {})",
                        url.scheme()
                    ),
                )
                .help("write the base URL as https://HOST[:PORT][/CONTEXT]");
            return None;
        }
        Err(error) => {
            results
                .add(
                    Check::Url,
                    Outcome::Error,
                    format!("`{masked}` is not a URL: {error}"),
                )
                .help("write the base URL as https://HOST[:PORT][/CONTEXT]");
            return None;
        }
    };
    let mut removed: Vec<&str> = Vec::new();
    if !url.username().is_empty() || url.password().is_some() {
        let _ = url.set_username("");
        let _ = url.set_password(None);
        removed.push("the user name and password (never sent)");
    }
    if url.query().is_some() {
        url.set_query(None);
        removed.push("the query");
    }
    if url.fragment().is_some() {
        url.set_fragment(None);
        removed.push("the fragment");
    }
    let path = format!("{}/", url.path().trim_end_matches('/'));
    url.set_path(&path);

    let mut warnings: Vec<String> = Vec::new();
    if !removed.is_empty() {
        warnings.push(format!(
            "removed {} from the URL, since a base URL has none",
            join_list(&removed)
        ));
    }
    if url.scheme() == "http" {
        let rejected = "the OAuth 2.0 provider rejects base URLs without HTTPS unless the server sets atlassian.oauth2.provider.skip.base.url.https.requirement";
        if !options.allow_http {
            results
                .add(
                    Check::Url,
                    Outcome::Error,
                    format!("{} is plain HTTP, so it was not probed", display(&url)),
                )
                .help(format!(
                    "{rejected}. Use the https:// URL, or pass --allow-http to probe a test server"
                ));
            return None;
        }
        warnings.push(format!(
            "plain HTTP, probed because of --allow-http: {rejected}"
        ));
    }
    if warnings.is_empty() {
        results.add(Check::Url, Outcome::Pass, display(&url));
    } else {
        results.add(Check::Url, Outcome::Warning, warnings.join(". "));
    }
    Some(url)
}

/// Joins "a", "a and b" or "a, b and c".
fn join_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

enum Fetched {
    Manifest(Manifest),
    /// The server responded, but without a manifest. `not_found` when it
    /// responded 404, which points at a wrong base URL.
    Nothing {
        not_found: bool,
    },
    /// The server was never reached.
    NoConnection,
}

/// Reads the manifest, following redirects on the same origin only. Adds
/// the `connection` result (from the first request) and the `manifest`
/// result.
fn fetch_manifest(base: &Url, session: &mut Session, results: &mut Results) -> Fetched {
    let first = join(base, MANIFEST_PATH);
    let mut url = first.clone();
    let mut visited = vec![url.clone()];
    let accept = "application/xml, application/json;q=0.9";
    let nothing = Fetched::Nothing { not_found: false };
    for hop in 0..=MAX_REDIRECTS {
        let outcome = session.get(&url, accept, MANIFEST_LIMIT);
        if hop == 0 {
            connected(base, &outcome, session, results);
        }
        let reply = match outcome {
            Ok(reply) => reply,
            Err(failure) if !results.has(Check::Connection) => {
                let (message, help) = failure.describe();
                results
                    .add(Check::Connection, Outcome::Error, message)
                    .help(help);
                return Fetched::NoConnection;
            }
            Err(failure) => {
                let (message, help) = failure.describe();
                results
                    .add(
                        Check::Manifest,
                        Outcome::Error,
                        format!("{}: {message}", url.path()),
                    )
                    .help(help);
                return nothing;
            }
        };
        if !is_redirect(reply.status) {
            return manifest_reply(&url, &reply, results);
        }
        let next = match redirect_target(&url, reply.location.as_deref()) {
            Ok(next) => next,
            Err(problem) => {
                let (outcome, message, help) = problem.describe(&url);
                results.add(Check::Manifest, outcome, message).help(help);
                return nothing;
            }
        };
        if visited.contains(&next) {
            let mut chain: Vec<&str> = visited.iter().map(Url::path).collect();
            chain.push(next.path());
            results
                .add(
                    Check::Manifest,
                    Outcome::Error,
                    format!("redirect loop: {}", chain.join(" → ")),
                )
                .help("fix the redirect rules of the server or its reverse proxy");
            return nothing;
        }
        visited.push(next.clone());
        url = next;
    }
    results
        .add(
            Check::Manifest,
            Outcome::Error,
            format!("more than {MAX_REDIRECTS} redirects from {}", first.path()),
        )
        .help("fix the redirect rules of the server or its reverse proxy");
    nothing
}

/// Adds the passing `connection` result once the server has responded to
/// the first request. A connection failure is left to the caller.
fn connected(
    base: &Url,
    outcome: &Result<Reply, Failure>,
    session: &Session,
    results: &mut Results,
) {
    if let Err(failure) = outcome
        && failure.is_connection()
    {
        return;
    }
    let mut text = match base.scheme() {
        "https" if session.options.insecure => {
            "HTTPS, certificate trusted (--insecure was not needed)".to_owned()
        }
        "https" => "HTTPS, certificate trusted".to_owned(),
        _ => "plain HTTP".to_owned(),
    };
    if let Some(proxy) = session.client.proxy_for(base) {
        text.push_str(&format!(", through the proxy {proxy}"));
    }
    results.add(Check::Connection, Outcome::Pass, text);
}

/// The reason a redirect of the manifest is not followed.
enum RedirectProblem {
    NoLocation,
    NotHttp(String),
    Credentials,
    /// Another host, port or scheme, except `http` to `https` on the same
    /// host and default ports.
    OtherOrigin(Url),
    Downgrade(Url),
}

impl RedirectProblem {
    fn describe(&self, from: &Url) -> (Outcome, String, String) {
        let path = from.path();
        let fix = "fix the redirect rules of the server or its reverse proxy".to_owned();
        match self {
            RedirectProblem::NoLocation => (
                Outcome::Error,
                format!("{path} redirects without a usable Location header"),
                fix,
            ),
            RedirectProblem::NotHttp(location) => (
                Outcome::Error,
                format!("{path} redirects to a URL that is not http:// or https:// ({location})"),
                fix,
            ),
            RedirectProblem::Credentials => (
                Outcome::Error,
                format!("{path} redirects to a URL with a user name or password, so the redirect was not followed"),
                fix,
            ),
            RedirectProblem::Downgrade(to) => (
                Outcome::Error,
                format!("{path} redirects from HTTPS to plain HTTP ({to}), so the redirect was not followed"),
                "fix the reverse proxy so that it keeps HTTPS".into(),
            ),
            RedirectProblem::OtherOrigin(to) if is_sign_in(to) => (
                Outcome::Warning,
                format!("{path} redirects to a sign-in page ({to}), so the version cannot be read"),
                format!("a gateway intercepts requests without credentials. Exempt {path} from sign-in to let the probe read the version, or check the version by hand"),
            ),
            RedirectProblem::OtherOrigin(to) => (
                Outcome::Error,
                format!("{path} redirects to another origin ({to}), and redirects to other hosts or ports are not followed"),
                "if the server moved, configure the base URL it moved to. The app does not follow such redirects either".into(),
            ),
        }
    }
}

/// Resolves a redirect of the manifest and decides whether to follow it:
/// only to the same scheme, host and port, or from `http` to `https` on
/// the same host with default ports, and never with credentials.
fn redirect_target(from: &Url, location: Option<&str>) -> Result<Url, RedirectProblem> {
    let location = location.map(str::trim).filter(|l| !l.is_empty());
    let Some(next) = location.and_then(|l| from.join(l).ok()) else {
        return Err(RedirectProblem::NoLocation);
    };
    if !matches!(next.scheme(), "http" | "https") || !next.has_host() {
        return Err(RedirectProblem::NotHttp(redact_url(
            location.unwrap_or_default(),
        )));
    }
    if !next.username().is_empty() || next.password().is_some() {
        return Err(RedirectProblem::Credentials);
    }
    let same_host = next.host_str() == from.host_str();
    if same_host && from.scheme() == "https" && next.scheme() == "http" {
        return Err(RedirectProblem::Downgrade(next));
    }
    let same_origin = same_host
        && next.scheme() == from.scheme()
        && next.port_or_known_default() == from.port_or_known_default();
    let upgrade = same_host
        && from.scheme() == "http"
        && next.scheme() == "https"
        && from.port().is_none()
        && next.port().is_none();
    if same_origin || upgrade {
        Ok(next)
    } else {
        Err(RedirectProblem::OtherOrigin(next))
    }
}

/// Returns whether a URL looks like a sign-in page or an identity provider:
/// one of its path or query words is a sign-in word.
fn is_sign_in(url: &Url) -> bool {
    const WORDS: [&str; 16] = [
        "login",
        "logon",
        "signin",
        "sso",
        "saml",
        "saml2",
        "oauth",
        "oauth2",
        "openid",
        "oidc",
        "idp",
        "adfs",
        "auth",
        "authorize",
        "authenticate",
        "cas",
    ];
    let text = format!("{} {}", url.path(), url.query().unwrap_or_default()).to_ascii_lowercase();
    let text = text
        .replace("sign-in", "signin")
        .replace("sign_in", "signin");
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| WORDS.contains(&word))
}

/// Reads a manifest response that is not a redirect.
fn manifest_reply(url: &Url, reply: &Reply, results: &mut Results) -> Fetched {
    let path = url.path();
    let base_help =
        "check that the URL is the server's base URL, with its context path (such as /confluence)";
    let (outcome, message, help) = match reply.status {
        200 => match Manifest::parse(&reply.body) {
            Ok(manifest) => {
                results.add(Check::Manifest, Outcome::Pass, format!("read {path}"));
                return Fetched::Manifest(manifest);
            }
            Err(reason) => (
                Outcome::Error,
                format!("{path} is not an application links manifest: {reason}"),
                base_help.to_owned(),
            ),
        },
        401 | 403 => (
            Outcome::Warning,
            format!(
                "{path} returns {} without credentials, so the version cannot be read",
                reply.status
            ),
            "the manifest is public on a stock server, so a gateway or a security app blocks it. Check the version by hand".to_owned(),
        ),
        404 => {
            results
                .add(Check::Manifest, Outcome::Error, format!("{path} is not found (404)"))
                .help(base_help);
            return Fetched::Nothing { not_found: true };
        }
        status => (
            Outcome::Error,
            format!("{path} returns {status}"),
            "check the server's logs: the app cannot sign in while the server fails".to_owned(),
        ),
    };
    results.add(Check::Manifest, outcome, message).help(help);
    Fetched::Nothing { not_found: false }
}

/// Adds the `product` result and returns whether the server is the app's
/// product (or names none).
fn check_product(manifest: &Manifest, app: App, results: &mut Results) -> bool {
    match manifest.type_id.as_deref() {
        Some(id) if id.eq_ignore_ascii_case(app.type_id()) => {
            results.add(Check::Product, Outcome::Pass, app.product());
            true
        }
        Some(id) => {
            let (name, hint) = match App::from_type_id(id) {
                Some(other) => (
                    other.product().to_owned(),
                    format!(
                        "probe it with --app {}, or fix the base URL",
                        other.type_id()
                    ),
                ),
                None => (format!("`{id}`"), "fix the base URL".to_owned()),
            };
            results
                .add(
                    Check::Product,
                    Outcome::Error,
                    format!("the server is {name}, not {}", app.product()),
                )
                .help(hint);
            false
        }
        None => {
            results.add(
                Check::Product,
                Outcome::Warning,
                "the manifest names no product (no <typeId>)",
            );
            true
        }
    }
}

/// Returns how a requirement that fails is reported: an error, or only
/// information for a site without OAuth 2.0, which does not need it.
fn requirement(target: &Target) -> Outcome {
    if target.oauth {
        Outcome::Error
    } else {
        Outcome::Info
    }
}

const NO_OAUTH: &str = " (this site has no `oauth` object, so the app signs in without OAuth 2.0)";

/// Adds the `version` result and returns whether the version offers OAuth
/// 2.0 (`true` when it cannot be read).
fn check_version(manifest: &Manifest, target: &Target, app: App, results: &mut Results) -> bool {
    let product = app.product();
    let build = manifest
        .build_number
        .as_deref()
        .filter(|b| !b.is_empty())
        .map(|b| format!(" (build {b})"))
        .unwrap_or_default();
    let reported = manifest
        .version
        .as_deref()
        .map(str::trim)
        .unwrap_or_default();
    if reported.is_empty() {
        results
            .add(
                Check::Version,
                Outcome::Warning,
                "the manifest names no version, so check it by hand",
            )
            .help(format!("{} is needed", app.version_gate()));
        return true;
    }
    let Some(version) = Version::parse(reported) else {
        results
            .add(
                Check::Version,
                Outcome::Warning,
                format!("the manifest's version `{reported}` is not a version number, so check it by hand"),
            )
            .help(format!("{} is needed", app.version_gate()));
        return true;
    };
    if app.offers_oauth2(&version) {
        results.add(
            Check::Version,
            Outcome::Pass,
            format!(
                "{product} {reported}{build}; {} needed",
                app.minimum_version()
            ),
        );
        return true;
    }
    let outcome = requirement(target);
    let note = if target.oauth { "" } else { NO_OAUTH };
    results
        .add(
            Check::Version,
            outcome,
            format!(
                "{product} {reported}{build} does not offer OAuth 2.0 to the iOS app; {} needed{note}",
                app.minimum_version()
            ),
        )
        .help(format!("upgrade to {}", app.version_gate()));
    false
}

fn check_oauth2(
    manifest: &Manifest,
    target: &Target,
    version_ok: bool,
    app: App,
    results: &mut Results,
) {
    if manifest.offers_oauth2() {
        results.add(
            Check::Oauth2,
            Outcome::Pass,
            "the server accepts OAuth 2.0 (ThreeLeggedOAuth2AuthenticationProvider)",
        );
        return;
    }
    let note = if target.oauth { "" } else { NO_OAUTH };
    let added = results.add(
        Check::Oauth2,
        requirement(target),
        format!("the server does not offer OAuth 2.0: ThreeLeggedOAuth2AuthenticationProvider is not among its inbound authentication types{note}"),
    );
    // Too old a version has its own help already.
    if version_ok {
        added.help(format!(
            "enable the OAuth 2.0 provider under Administration > Manage apps ({})",
            app.version_gate()
        ));
    }
}

fn check_base_url(manifest: &Manifest, base: &Url, results: &mut Results) {
    let configured = display(base);
    let reported_text = manifest.url.as_deref().unwrap_or_default();
    if reported_text.is_empty() {
        results.add(
            Check::BaseUrl,
            Outcome::Warning,
            "the manifest names no base URL (its <url> is missing or empty)",
        );
        return;
    }
    let masked = redact_url(reported_text);
    let Ok(mut reported) = Url::parse(reported_text) else {
        results.add(
            Check::BaseUrl,
            Outcome::Warning,
            format!("the server reports a base URL that is not a URL: `{masked}`"),
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
    // The URL to configure: the reported one without user info.
    let _ = reported.set_username("");
    let _ = reported.set_password(None);
    let fix = display(&reported);
    results
        .add(
            Check::BaseUrl,
            Outcome::Error,
            format!(
                "the server reports its base URL as {}, not {configured} ({})",
                masked.trim_end_matches('/'),
                differ_phrase(&differences)
            ),
        )
        .help(format!("OAuth 2.0 redirects use the server's base URL. Put {fix} in the config, or change the base URL under General Configuration to the URL the devices use"));
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
        [one] => format!("{one} differs"),
        _ => format!("{} differ", join_list(words)),
    }
}

/// Requests the mobile plugin's endpoint, never following a redirect, and
/// judges the response for the setup being checked.
fn check_mobile(base: &Url, session: &mut Session, results: &mut Results) {
    let options = session.options;
    if options.app == App::Jira {
        // TODO: check the Jira app's counterpart of this endpoint once a
        // source names its path. None is documented yet.
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
    // A broken endpoint is worth a warning even where the app does not use
    // it, since the same plugin most likely serves the app there too.
    let broken = if mdm {
        Outcome::Warning
    } else {
        Outcome::Error
    };
    let blocked_help = if mdm {
        "fine for the MDM setup, which is the setup being checked: the app gets its OAuth client from the MDM instead".to_owned()
    } else {
        "use the MDM setup: deliver the config with your MDM (`confluence-mdm generate`), or exempt this path from sign-in on the gateway".to_owned()
    };

    let reply = match session.get(&url, "application/json", MOBILE_LIMIT) {
        Ok(reply) => reply,
        Err(failure) => {
            let (message, help) = failure.describe();
            // No connection is a blocked endpoint, as a gateway that drops
            // requests without credentials would leave it. A response that
            // started but failed is a broken one.
            let responded = !matches!(
                failure,
                Failure::Timeout { .. }
                    | Failure::Refused { .. }
                    | Failure::Dns { .. }
                    | Failure::Proxy { .. }
                    | Failure::Certificate { .. }
                    | Failure::ClientCertificate
                    | Failure::Tls { .. }
            );
            let outcome = if responded { broken } else { blocked };
            results
                .add(Check::MobileEndpoint, outcome, format!("{path}: {message}"))
                .help(if responded || mdm {
                    help
                } else {
                    format!("{help}. Or {blocked_help}")
                });
            return;
        }
    };

    // A gateway's sign-in page, named by its type or, without one, by how
    // its body starts.
    let start: String = String::from_utf8_lossy(&reply.body[..reply.body.len().min(64)])
        .trim_start()
        .to_ascii_lowercase();
    let is_html = match reply.content_type.as_deref() {
        Some(kind) => kind.to_ascii_lowercase().contains("html"),
        None => start.starts_with("<!doctype html") || start.starts_with("<html"),
    };
    match reply.status {
        200..=299 if is_html => {
            results
                .add(
                    Check::MobileEndpoint,
                    blocked,
                    format!("{path} returns an HTML page, not the plugin's JSON: a gateway serves its sign-in page"),
                )
                .help(blocked_help);
        }
        status @ 200..=299 if reply.body.is_empty() => {
            results
                .add(
                    Check::MobileEndpoint,
                    broken,
                    format!("{path} returns {status} with an empty body, not the plugin's JSON"),
                )
                .help("check the Confluence Mobile plugin under Administration > Manage apps, and the reverse proxy in front of the server");
        }
        200..=299 => {
            let message = if mdm {
                format!("{path} responds without credentials (the non-MDM setup would work too)")
            } else {
                format!("{path} responds without credentials: the non-MDM setup can work")
            };
            results.add(Check::MobileEndpoint, Outcome::Pass, message);
        }
        status if is_redirect(status) => {
            let target = reply.location.as_deref().and_then(|l| url.join(l).ok());
            if let Some(to) = &target
                && to.path() == url.path()
                && to.host_str() == url.host_str()
            {
                // Only the scheme or the port changed: the base URL is
                // wrong, which no setup fixes.
                let mut moved = to.clone();
                moved.set_path(base.path());
                results
                    .add(
                        Check::MobileEndpoint,
                        Outcome::Error,
                        format!(
                            "{path} redirects to {}: the configured base URL has the wrong scheme or port",
                            redact_url(to.as_str())
                        ),
                    )
                    .help(format!(
                        "use the base URL the server redirects to: {}",
                        redact_url(&display(&moved))
                    ));
                return;
            }
            let message = match &target {
                Some(to) if is_sign_in(to) || to.host_str() != url.host_str() => format!(
                    "{path} redirects to {}: a reverse proxy or SSO gateway redirects requests without credentials to its sign-in page",
                    redact_url(to.as_str())
                ),
                Some(to) => format!(
                    "{path} redirects to {}, but the app needs a direct response",
                    redact_url(to.as_str())
                ),
                None => format!("{path} redirects without a usable Location header"),
            };
            results
                .add(Check::MobileEndpoint, blocked, message)
                .help(blocked_help);
        }
        status @ (401 | 403) => {
            let meaning = if status == 401 {
                "requires credentials (401)"
            } else {
                "denies access (403)"
            };
            results
                .add(
                    Check::MobileEndpoint,
                    blocked,
                    format!("{path} {meaning}: a gateway or the server blocks requests without credentials"),
                )
                .help(blocked_help);
        }
        404 => {
            // The app most likely talks to the Confluence Mobile plugin in
            // both setups (only the non-MDM setup is documented).
            results
                .add(
                    Check::MobileEndpoint,
                    broken,
                    format!("{path} is not found (404): the Confluence Mobile plugin is missing, disabled or too old"),
                )
                .help("enable the Confluence Mobile plugin (19.1.47 or later on Confluence 9.1 or later) under Administration > Manage apps");
        }
        status => {
            results
                .add(
                    Check::MobileEndpoint,
                    broken,
                    format!("{path} returns {status}"),
                )
                .help("check the server's logs for this path");
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
        assert!(is_sign_in(&url(
            "https://sso.example.test/idp/login?return=%2F"
        )));
        assert!(is_sign_in(&url("https://login.example.test/adfs/ls")));
        assert!(is_sign_in(&url("https://id.example.test/sign-in")));
        assert!(!is_sign_in(&url(
            "http://127.0.0.2:8090/other-host/rest/applinks/1.0/manifest"
        )));
        assert!(!is_sign_in(&url("http://127.0.0.2:8090/author/final")));
    }

    #[test]
    fn redirects_stay_on_the_origin() {
        let from = url("http://wiki.example.test/rest/applinks/1.0/manifest");
        assert!(redirect_target(&from, Some("/confluence/rest/applinks/1.0/manifest")).is_ok());
        assert!(redirect_target(&from, Some("https://wiki.example.test/x")).is_ok());
        for location in [
            "https://wiki.example.test:8443/x",
            "http://wiki.example.test:8080/x",
            "http://other.example.test/x",
        ] {
            assert!(
                matches!(
                    redirect_target(&from, Some(location)),
                    Err(RedirectProblem::OtherOrigin(_))
                ),
                "{location}"
            );
        }
        assert!(matches!(
            redirect_target(&from, Some("http://u:p@wiki.example.test/x")),
            Err(RedirectProblem::Credentials)
        ));
        assert!(matches!(
            redirect_target(&from, Some("file:///etc/passwd")),
            Err(RedirectProblem::NotHttp(_))
        ));
        assert!(matches!(
            redirect_target(&from, Some("  ")),
            Err(RedirectProblem::NoLocation)
        ));
        let secure = url("https://wiki.example.test/x");
        assert!(matches!(
            redirect_target(&secure, Some("http://wiki.example.test/x")),
            Err(RedirectProblem::Downgrade(_))
        ));
    }

    #[test]
    fn joining_keeps_the_context_path() {
        assert_eq!(
            join(&url("https://h/confluence/"), MANIFEST_PATH).as_str(),
            "https://h/confluence/rest/applinks/1.0/manifest"
        );
    }
}
