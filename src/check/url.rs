//! Rules on `baseURL`, and the normal form used to compare base URLs.

use url::Url;

use super::{Sink, rules};
use crate::app::App;
use crate::finding::Finding;
use crate::source::Span;

/// Path segments that start a Confluence page address, so that everything
/// from them on was copied from the browser's address bar. A `*.action` file
/// counts too.
const CONFLUENCE_PAGE_SEGMENTS: &[&str] = &["display", "pages", "spaces", "plugins", "x"];

/// Path segments of Jira pages (`/browse/KEY-1`, `/secure/Dashboard.jspa`),
/// and a `*.jspa` file.
const JIRA_PAGE_SEGMENTS: &[&str] = &["browse", "secure", "projects"];

/// Checks one base URL. `has_oauth` makes plain HTTP an error, because the
/// OAuth 2.0 provider requires HTTPS.
pub fn check_base_url(
    raw: &str,
    span: Span,
    pointer: &str,
    has_oauth: bool,
    app: App,
    sink: &mut Sink,
) {
    let mut report = |finding: Finding| sink.push(finding.span(span).pointer(pointer));

    if raw.trim().is_empty() {
        report(Finding::new(&rules::BASE_URL_REQUIRED, "`baseURL` is empty")
            .help("write the address users open Confluence at, such as https://confluence.example.com"));
        return;
    }
    if let Some(token) = super::tokens::find(raw).first() {
        report(Finding::new(
            &rules::MDM_TOKEN,
            format!("`baseURL` contains the {} variable `{}`, but every user connects to the same server", token.mdm_name(), token.text),
        )
        .help("write the server's base URL itself, such as https://confluence.example.com"));
        return;
    }
    // Braces never belong in a base URL: they are a template variable or a
    // token of an MDM not listed, raw or percent-encoded.
    let lower = raw.to_ascii_lowercase();
    if raw.contains(['{', '}']) || lower.contains("%7b") || lower.contains("%7d") {
        report(Finding::new(
            &rules::MDM_TOKEN,
            format!("`baseURL` `{raw}` contains braces, the mark of a variable that was never replaced"),
        )
        .help("write the server's base URL itself, such as https://confluence.example.com"));
        return;
    }
    let trimmed = raw.trim_matches(is_blank);
    if raw.chars().any(is_blank) {
        let inner = trimmed.chars().any(is_blank);
        let help = if inner {
            "remove the spaces, line breaks and invisible characters inside the URL".to_owned()
        } else {
            format!("write \"{trimmed}\"")
        };
        report(
            Finding::new(
                &rules::BASE_URL_WHITESPACE,
                format!(
                    "`baseURL` \"{}\" contains whitespace or a control character",
                    raw.escape_debug()
                ),
            )
            .help(help),
        );
        if inner {
            return;
        }
    }

    if let Some(finding) = check_shape(trimmed) {
        report(finding);
        return;
    }
    let url = match Url::parse(trimmed) {
        Ok(url)
            if matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some_and(|h| !h.is_empty()) =>
        {
            url
        }
        Ok(url) if !matches!(url.scheme(), "http" | "https") && !trimmed.contains("://") => {
            // `confluence.example.com:8443` parses with the scheme `confluence.example.com`.
            report(missing_scheme(trimmed));
            let _ = url;
            return;
        }
        Ok(url) => {
            report(
                Finding::new(
                    &rules::BASE_URL_INVALID,
                    format!("`baseURL` `{trimmed}` uses `{}`, not https", url.scheme()),
                )
                .help("write an https URL such as https://confluence.example.com"),
            );
            return;
        }
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            report(missing_scheme(trimmed));
            return;
        }
        Err(error) => {
            report(Finding::new(
                &rules::BASE_URL_INVALID,
                format!("`baseURL` `{trimmed}` is not a valid URL: {error}"),
            )
            .help("write the address users open Confluence at, such as https://confluence.example.com"));
            return;
        }
    };

    let origin = origin_of(&url);
    if url.port() == Some(0) {
        report(
            Finding::new(
                &rules::BASE_URL_INVALID,
                "`baseURL` has port 0, which no server listens on",
            )
            .help("write the port users open Confluence at, or leave it out for 443"),
        );
    }
    if url.path().to_ascii_lowercase().contains(";jsessionid") {
        report(
            Finding::new(
                &rules::BASE_URL_QUERY,
                "`baseURL` carries a session ID (`;jsessionid=...`) copied from the browser",
            )
            .help(format!("write \"{origin}\" with the context path only")),
        );
    }
    if !url.username().is_empty() || url.password().is_some() {
        report(Finding::new(
            &rules::BASE_URL_USER_INFO,
            "`baseURL` contains a user name or password, which every device would store unencrypted",
        )
        .help(format!("write \"{origin}{}\" and change the password if it was real", clean_path(&url))));
    }
    if url.query().is_some() || url.fragment().is_some() {
        let part = if url.query().is_some() {
            "a query string (`?...`)"
        } else {
            "a fragment (`#...`)"
        };
        report(
            Finding::new(
                &rules::BASE_URL_QUERY,
                format!("`baseURL` has {part}; a base URL never has one"),
            )
            .help(format!(
                "write \"{origin}{}\"",
                cut_page_path(&url).unwrap_or_else(|| clean_path(&url))
            )),
        );
    }
    if url.scheme() == "http" {
        let https = format!("https{}", &trimmed[4..]);
        if has_oauth {
            report(
                Finding::new(
                    &rules::OAUTH_REQUIRES_HTTPS,
                    "`baseURL` uses http, but Confluence's OAuth 2.0 provider requires https",
                )
                .help(format!("write \"{https}\"")),
            );
        } else {
            report(
                Finding::new(
                    &rules::BASE_URL_HTTP,
                    "`baseURL` uses http, which sends passwords unencrypted",
                )
                .help(format!("write \"{https}\"")),
            );
        }
    }
    // A trailing dot makes a host name fully qualified without changing it.
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    if host == "atlassian.net" || host.ends_with(".atlassian.net") {
        report(Finding::new(
            &rules::BASE_URL_CLOUD,
            format!("`{host}` is an Atlassian Cloud site; this config is for the {} Data Center app", app.product()),
        )
        .help(format!("remove the site: Cloud users sign in with the {} Cloud app", app.product())));
        // No fix of the path can make a Cloud site right.
        return;
    }
    check_path(&url, &origin, trimmed, app, &mut report);
}

/// Says whether a character is whitespace, a control character or an
/// invisible format character (zero-width space, joiners, word joiner, BOM)
/// that copying from a web page or chat can carry along.
pub fn is_blank(c: char) -> bool {
    c.is_whitespace() || c.is_control() || is_invisible(c)
}

/// Says whether a character is an invisible format character: soft hyphen,
/// zero-width characters and joiners, bidirectional controls (which can make
/// a URL read differently from what it is), word joiners, variation
/// selectors and the BOM.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
    )
}

/// Checks what URL parsers forgive: a backslash, which they read as `/`,
/// and a scheme not followed by exactly `//` and a host, such as
/// `https:/host` or `https:///host`.
fn check_shape(trimmed: &str) -> Option<Finding> {
    if trimmed.contains('\\') {
        return Some(
            Finding::new(
                &rules::BASE_URL_INVALID,
                format!("`baseURL` `{trimmed}` contains a backslash"),
            )
            .help(format!("write \"{}\"", trimmed.replace('\\', "/"))),
        );
    }
    let lower = trimmed.to_ascii_lowercase();
    let after_scheme = lower
        .strip_prefix("https:")
        .or_else(|| lower.strip_prefix("http:"))?;
    let host_start = after_scheme
        .strip_prefix("//")
        .filter(|rest| !rest.starts_with('/') && !rest.is_empty());
    match host_start {
        None => Some(
            Finding::new(
                &rules::BASE_URL_INVALID,
                format!("`baseURL` `{trimmed}` does not have `//` and a host after the scheme"),
            )
            .help("write https:// followed by the host, such as https://confluence.example.com"),
        ),
        Some(rest) => {
            let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
            // `https://@host` parses with an empty user name, which the
            // check after parsing does not see.
            authority.starts_with('@').then(|| {
                Finding::new(
                    &rules::BASE_URL_USER_INFO,
                    "`baseURL` has an `@` before the host, the place of a user name or password",
                )
                .help("write only the host after https://")
            })
        }
    }
}

fn missing_scheme(trimmed: &str) -> Finding {
    Finding::new(
        &rules::BASE_URL_INVALID,
        format!("`baseURL` `{trimmed}` has no scheme"),
    )
    .help(format!("write \"https://{trimmed}\""))
}

fn check_path(url: &Url, origin: &str, trimmed: &str, app: App, report: &mut impl FnMut(Finding)) {
    let segments: Vec<&str> = url.path_segments().map(|s| s.collect()).unwrap_or_default();
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let first = segments
        .first()
        .map(|s| s.to_ascii_lowercase())
        .unwrap_or_default();
    let jira_page = segments.iter().position(|s| {
        JIRA_PAGE_SEGMENTS.contains(&s.to_ascii_lowercase().as_str())
            || s.to_ascii_lowercase().ends_with(".jspa")
    });
    let looks_like = |product: App| match product {
        App::Jira => jira_page.is_some() || first == "jira" || host.starts_with("jira."),
        App::Confluence => {
            cut_page_path(url).is_some() || first == "confluence" || host.starts_with("confluence.")
        }
    };
    let other = app.other();
    // The URL, never the title, decides: a title may name either product.
    if looks_like(other) && !looks_like(app) {
        report(
            Finding::new(
                &rules::PRODUCT_MISMATCH,
                format!(
                    "`{trimmed}` looks like a {} site, but this is a {} config",
                    other.product(),
                    app.product()
                ),
            )
            .help(format!(
                "move the site to the {} Data Center app's config, or check the URL",
                other.product()
            )),
        );
    }
    if let Some(at) = jira_page {
        let cut: String = segments[..at].iter().map(|s| format!("/{s}")).collect();
        report(
            Finding::new(
                &rules::BASE_URL_PAGE_PATH,
                format!("`baseURL` `{trimmed}` is the address of a page, not the base URL"),
            )
            .help(format!(
                "write \"{origin}{cut}\", keeping the context path if your server has one"
            )),
        );
        return;
    }
    if let Some(cut) = cut_page_path(url) {
        report(
            Finding::new(
                &rules::BASE_URL_PAGE_PATH,
                format!("`baseURL` `{trimmed}` is the address of a page, not the base URL"),
            )
            .help(format!(
                "write \"{origin}{cut}\", keeping the context path if your server has one"
            )),
        );
        return;
    }
    if trimmed.ends_with('/') && url.query().is_none() && url.fragment().is_none() {
        report(
            Finding::new(&rules::BASE_URL_TRAILING_SLASH, "`baseURL` ends with `/`").help(format!(
                "write \"{}\"; the generator removes it",
                trimmed.trim_end_matches('/')
            )),
        );
    }
}

/// Returns the path before the first page marker, when there is one.
///
/// A marker segment counts only when more follows it (`/display/ENG`), so
/// that a context path named like one (`/pages`) is not taken for a page. A
/// `*.action` file or a `rest` segment (a REST resource, which the app
/// appends itself) counts anywhere.
fn cut_page_path(url: &Url) -> Option<String> {
    let segments: Vec<&str> = url.path_segments()?.collect();
    let at = segments.iter().enumerate().position(|(i, s)| {
        let lower = s.to_ascii_lowercase();
        let followed = segments.get(i + 1).is_some_and(|next| !next.is_empty());
        (CONFLUENCE_PAGE_SEGMENTS.contains(&lower.as_str()) && followed)
            || lower.ends_with(".action")
            || lower == "rest"
    })?;
    Some(segments[..at].iter().map(|s| format!("/{s}")).collect())
}

/// Returns the path without its trailing slash, or empty for the root.
fn clean_path(url: &Url) -> String {
    url.path().trim_end_matches('/').to_owned()
}

/// Returns `scheme://host[:port]` without user info.
fn origin_of(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    }
}

/// The form in which two base URLs that reach the same server compare equal:
/// scheme and host lowercase, default port dropped, no trailing slash.
pub fn normal_form(raw: &str) -> Option<(String, String)> {
    let url = Url::parse(raw.trim()).ok()?;
    let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    let origin = match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    };
    Some((format!("{origin}{}", clean_path(&url)), host))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(raw: &str, has_oauth: bool) -> Vec<&'static str> {
        let mut sink = Sink::default();
        check_base_url(
            raw,
            Span::default(),
            "/0/baseURL",
            has_oauth,
            App::Confluence,
            &mut sink,
        );
        sink.findings.iter().map(|f| f.rule.id).collect()
    }

    fn help(raw: &str) -> String {
        let mut sink = Sink::default();
        check_base_url(
            raw,
            Span::default(),
            "/0/baseURL",
            false,
            App::Confluence,
            &mut sink,
        );
        sink.findings[0].help.clone().unwrap()
    }

    #[test]
    fn good_urls_pass() {
        assert!(ids("https://confluence.example.com", true).is_empty());
        assert!(ids("https://example.com/confluence", true).is_empty());
        assert!(ids("https://example.com:8443/wiki", true).is_empty());
    }

    #[test]
    fn page_path_cut_keeps_context() {
        assert_eq!(
            ids("https://example.com/confluence/display/ENG/Home", false),
            ["base-url-page-path"]
        );
        assert_eq!(
            help("https://example.com/confluence/display/ENG/Home"),
            "write \"https://example.com/confluence\", keeping the context path if your server has one"
        );
        assert_eq!(
            ids("https://example.com/login.action?x=1", false),
            ["base-url-query", "base-url-page-path"]
        );
    }

    #[test]
    fn http_depends_on_oauth() {
        assert_eq!(
            ids("http://confluence.example.com", true),
            ["oauth-requires-https"]
        );
        assert_eq!(
            ids("http://confluence.example.com", false),
            ["base-url-http"]
        );
    }

    #[test]
    fn other_mistakes() {
        assert_eq!(ids("confluence.example.com", false), ["base-url-invalid"]);
        assert_eq!(
            ids("confluence.example.com:8443", false),
            ["base-url-invalid"]
        );
        assert_eq!(
            ids("https://u:p@confluence.example.com", false),
            ["base-url-user-info"]
        );
        assert_eq!(
            ids("https://example.atlassian.net/wiki", false),
            ["base-url-cloud"]
        );
        assert_eq!(
            ids("https://confluence.example.com/", false),
            ["base-url-trailing-slash"]
        );
        assert_eq!(
            ids(" https://confluence.example.com\n", false),
            ["base-url-whitespace"]
        );
        assert_eq!(
            ids("https://jira.example.com/secure/Dashboard.jspa", false),
            ["product-mismatch", "base-url-page-path"]
        );
        assert_eq!(
            ids("https://x.atlassian.net/wiki/spaces/ENG", false),
            ["base-url-cloud"]
        );
        assert_eq!(
            ids("ftp://confluence.example.com", false),
            ["base-url-invalid"]
        );
    }

    #[test]
    fn forgiven_shapes_reported() {
        assert_eq!(ids("https:/a.example.com", false), ["base-url-invalid"]);
        assert_eq!(ids("https:///a.example.com", false), ["base-url-invalid"]);
        assert_eq!(ids("https://@a.example.com", false), ["base-url-user-info"]);
        assert_eq!(
            ids("https://a.example.com\\confluence", false),
            ["base-url-invalid"]
        );
        assert_eq!(ids("https://a.example.com:0", false), ["base-url-invalid"]);
        assert_eq!(
            ids("https://a.example.com/;jsessionid=ABC", false),
            ["base-url-query"]
        );
        assert_eq!(ids("https://a.example.com/${EMAIL}", false), ["mdm-token"]);
        assert_eq!(
            ids("https://a.example.com/%7B%7Busername%7D%7D", false),
            ["mdm-token"]
        );
        assert_eq!(
            ids("https://a.example.com\u{202E}", false),
            ["base-url-whitespace"]
        );
    }

    #[test]
    fn page_markers_need_a_following_segment() {
        assert_eq!(
            ids("https://a.example.com/x/AbCd", false),
            ["base-url-page-path"]
        );
        assert_eq!(
            ids("https://a.example.com/rest/api/content", false),
            ["base-url-page-path"]
        );
        assert!(ids("https://example.com/pages", false).is_empty());
        assert_eq!(
            ids("https://example.com/spaces/", false),
            ["base-url-trailing-slash"]
        );
    }

    #[test]
    fn normal_form_ignores_case_port_slash() {
        assert_eq!(
            normal_form("https://Wiki.Example.com:443/"),
            normal_form("https://wiki.example.com")
        );
        assert_ne!(
            normal_form("https://wiki.example.com/a"),
            normal_form("https://wiki.example.com/b")
        );
    }
}
