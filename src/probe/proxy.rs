//! The proxy a request goes through, chosen from the environment as curl
//! chooses it (curl(1), section ENVIRONMENT, and "Proxy environment
//! variables" in Everything curl):
//!
//! - `https_proxy` or `HTTPS_PROXY` for `https://` URLs, and `http_proxy`
//!   (and, unlike curl, `HTTP_PROXY`) for `http://` URLs. `all_proxy` or
//!   `ALL_PROXY` applies to both when the scheme's own is unset. The
//!   lowercase name wins when both cases are set.
//! - `no_proxy` or `NO_PROXY`: a comma-separated list of host names, IP
//!   addresses or CIDR ranges that go direct. `*` alone matches every host.
//!   A name matches the host itself and every host below it, with or
//!   without a leading dot (`example.com` and `.example.com` both match
//!   `wiki.example.com`).
//!
//! curl reads only the lowercase `http_proxy`, to keep a CGI request header
//! (`Proxy:`, seen as `HTTP_PROXY`) from choosing the proxy. This tool runs
//! on an admin's machine or in a pipeline, not under a web server, and
//! admins expect the uppercase name to work too.
//!
//! ureq can read the environment itself, but it takes the first of
//! `ALL_PROXY`, `HTTPS_PROXY` and `HTTP_PROXY` for every scheme, unlike
//! curl. So the choice is made here and handed to ureq per request.

use std::net::IpAddr;

use url::Url;

/// The proxy settings read once from the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxySettings {
    /// (variable name, value) for `https://` URLs.
    https: Option<(String, String)>,
    /// (variable name, value) for `http://` URLs.
    http: Option<(String, String)>,
    no_proxy: Vec<NoProxyEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum NoProxyEntry {
    /// `*`: every host goes direct.
    All,
    /// A host name, lowercase, without a leading dot.
    Name(String),
    /// An address and the number of leading bits that must match.
    Range(IpAddr, u8),
}

impl ProxySettings {
    /// Reads the settings from the process environment.
    pub fn from_env() -> ProxySettings {
        ProxySettings::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`, so that tests need not change
    /// the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> ProxySettings {
        let first = |names: &[&str]| {
            names.iter().find_map(|name| {
                lookup(name)
                    .filter(|value| !value.trim().is_empty())
                    .map(|value| ((*name).to_owned(), value.trim().to_owned()))
            })
        };
        let all = first(&["all_proxy", "ALL_PROXY"]);
        ProxySettings {
            https: first(&["https_proxy", "HTTPS_PROXY"]).or_else(|| all.clone()),
            http: first(&["http_proxy", "HTTP_PROXY"]).or(all),
            no_proxy: first(&["no_proxy", "NO_PROXY"])
                .map(|(_, list)| parse_no_proxy(&list))
                .unwrap_or_default(),
        }
    }

    /// Returns every (variable, value) pair in use, to check them once
    /// before any request.
    pub fn configured(&self) -> impl Iterator<Item = &(String, String)> {
        self.https.iter().chain(self.http.iter())
    }

    /// Returns the proxy URL for `url`, or `None` to connect directly.
    pub fn for_url(&self, url: &Url) -> Option<&str> {
        let (_, proxy) = match url.scheme() {
            "https" => self.https.as_ref()?,
            _ => self.http.as_ref()?,
        };
        let host = url.host_str()?;
        if self.bypasses(host) {
            return None;
        }
        Some(proxy)
    }

    /// Says whether `host` (a name, or an address as the URL writes it)
    /// matches an entry of `no_proxy`.
    fn bypasses(&self, host: &str) -> bool {
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim_end_matches('.')
            .to_ascii_lowercase();
        let address: Option<IpAddr> = host.parse().ok();
        self.no_proxy.iter().any(|entry| match entry {
            NoProxyEntry::All => true,
            NoProxyEntry::Name(name) => {
                host == *name
                    || host
                        .strip_suffix(name.as_str())
                        .is_some_and(|rest| rest.ends_with('.'))
            }
            NoProxyEntry::Range(network, bits) => {
                address.is_some_and(|address| in_range(address, *network, *bits))
            }
        })
    }
}

fn parse_no_proxy(list: &str) -> Vec<NoProxyEntry> {
    list.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            if entry == "*" {
                return NoProxyEntry::All;
            }
            let bare = entry.trim_start_matches('[').trim_end_matches(']');
            if let Some((address, bits)) = bare.split_once('/')
                && let (Ok(address), Ok(bits)) = (address.parse::<IpAddr>(), bits.parse::<u8>())
            {
                return NoProxyEntry::Range(address, bits);
            }
            if let Ok(address) = bare.parse::<IpAddr>() {
                let bits = if address.is_ipv4() { 32 } else { 128 };
                return NoProxyEntry::Range(address, bits);
            }
            NoProxyEntry::Name(
                entry
                    .trim_start_matches("*.")
                    .trim_start_matches('.')
                    .trim_end_matches('.')
                    .to_ascii_lowercase(),
            )
        })
        .collect()
}

/// Says whether the first `bits` bits of `address` and `network` agree.
fn in_range(address: IpAddr, network: IpAddr, bits: u8) -> bool {
    let (address, network, width) = match (address, network) {
        (IpAddr::V4(a), IpAddr::V4(n)) => (u128::from(a.to_bits()), u128::from(n.to_bits()), 32u32),
        (IpAddr::V6(a), IpAddr::V6(n)) => (a.to_bits(), n.to_bits(), 128u32),
        _ => return false,
    };
    let bits = u32::from(bits).min(width);
    if bits == 0 {
        return true;
    }
    let shift = width - bits;
    (address >> shift) == (network >> shift)
}

/// Returns the proxy URL without its user info, for reports.
pub fn redacted(proxy: &str) -> String {
    match Url::parse(proxy) {
        Ok(mut url) if url.has_host() => {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.to_string().trim_end_matches('/').to_owned()
        }
        _ => match proxy.rsplit_once('@') {
            Some((_, host)) => host.to_owned(),
            None => proxy.to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> ProxySettings {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        ProxySettings::from_lookup(|name| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        })
    }

    fn proxy_for<'a>(settings: &'a ProxySettings, url: &str) -> Option<&'a str> {
        settings.for_url(&Url::parse(url).unwrap())
    }

    #[test]
    fn scheme_chooses_the_variable() {
        let s = settings(&[("HTTPS_PROXY", "http://p1:3128"), ("http_proxy", "p2:8080")]);
        assert_eq!(
            proxy_for(&s, "https://wiki.example.com"),
            Some("http://p1:3128")
        );
        assert_eq!(proxy_for(&s, "http://wiki.example.com"), Some("p2:8080"));
    }

    #[test]
    fn all_proxy_is_the_fallback_and_lowercase_wins() {
        let s = settings(&[
            ("ALL_PROXY", "http://all:1"),
            ("https_proxy", "http://lower:2"),
            ("HTTPS_PROXY", "http://upper:3"),
        ]);
        assert_eq!(proxy_for(&s, "https://a.example"), Some("http://lower:2"));
        assert_eq!(proxy_for(&s, "http://a.example"), Some("http://all:1"));
        assert_eq!(proxy_for(&settings(&[]), "https://a.example"), None);
    }

    #[test]
    fn no_proxy_matches_names_below_a_domain() {
        let s = settings(&[
            ("HTTPS_PROXY", "http://p:1"),
            ("NO_PROXY", " example.com, .corp.test ,intranet"),
        ]);
        for direct in [
            "https://example.com",
            "https://wiki.example.com",
            "https://WIKI.Example.COM.",
            "https://a.corp.test",
            "https://corp.test",
            "https://intranet:8443",
        ] {
            assert_eq!(proxy_for(&s, direct), None, "{direct}");
        }
        for proxied in ["https://badexample.com", "https://example.com.evil.test"] {
            assert_eq!(proxy_for(&s, proxied), Some("http://p:1"), "{proxied}");
        }
    }

    #[test]
    fn no_proxy_matches_addresses_and_ranges() {
        let s = settings(&[
            ("https_proxy", "http://p:1"),
            ("no_proxy", "127.0.0.1,10.0.0.0/8,[::1],fd00::/8"),
        ]);
        for direct in [
            "https://127.0.0.1:8443",
            "https://10.20.30.40",
            "https://[::1]:8443",
            "https://[fd12::1]",
        ] {
            assert_eq!(proxy_for(&s, direct), None, "{direct}");
        }
        for proxied in ["https://127.0.0.2", "https://11.0.0.1", "https://[fe80::1]"] {
            assert_eq!(proxy_for(&s, proxied), Some("http://p:1"), "{proxied}");
        }
    }

    #[test]
    fn star_sends_everything_direct() {
        let s = settings(&[("https_proxy", "http://p:1"), ("NO_PROXY", "*")]);
        assert_eq!(proxy_for(&s, "https://anything.example"), None);
    }

    #[test]
    fn redaction_drops_user_info() {
        assert_eq!(
            redacted("http://user:secret@proxy:3128"),
            "http://proxy:3128"
        );
        assert_eq!(redacted("user:secret@proxy:3128"), "proxy:3128");
        assert_eq!(redacted("proxy.example:3128"), "proxy.example:3128");
    }
}
