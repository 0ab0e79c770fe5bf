//! Rules across sites: duplicate base URLs and titles, and one client ID
//! shared by different servers. Each uses a hash map, so the cost grows
//! linearly with the number of sites.

use foldhash::HashMap;

use super::{Sink, rules, url};
use crate::document::Node;
use crate::finding::Finding;

/// What earlier sites used, by value, with the index of the first use.
/// Keys borrow from the site list, so that a large list costs no copies.
#[derive(Default)]
pub struct Seen<'n> {
    base_urls: HashMap<String, usize>,
    titles: HashMap<&'n str, usize>,
    /// Client ID to (host, site index) of its first use.
    client_ids: HashMap<&'n str, (String, usize)>,
}

impl<'n> Seen<'n> {
    /// Compares site `index` with the sites before it.
    pub fn add(&mut self, site: &'n Node, index: usize, sink: &mut Sink) {
        let mut host = None;
        if let Some(member) = site.get("baseURL")
            && let Some((normal, h)) = member.value.as_str().and_then(url::normal_form)
        {
            host = Some(h);
            if let Some(&first) = self.base_urls.get(&normal) {
                sink.push(
                    Finding::new(
                        &rules::BASE_URL_DUPLICATE,
                        format!(
                            "site {} has the same base URL as site {} (`{normal}`)",
                            index + 1,
                            first + 1
                        ),
                    )
                    .help("remove one of the two sites, or correct its URL")
                    .span(member.value.span)
                    .pointer(format!("/{index}/baseURL")),
                );
            } else {
                self.base_urls.insert(normal, index);
            }
        }
        if let Some(member) = site.get("title")
            && let Some(title) = member.value.as_str()
            && !title.trim().is_empty()
        {
            let key = title.trim();
            if let Some(&first) = self.titles.get(key) {
                sink.push(
                    Finding::new(
                        &rules::TITLE_DUPLICATE,
                        format!(
                            "site {} has the same title as site {} (`{key}`)",
                            index + 1,
                            first + 1
                        ),
                    )
                    .help("give each site a title users can tell apart")
                    .span(member.value.span)
                    .pointer(format!("/{index}/title")),
                );
            } else {
                self.titles.insert(key, index);
            }
        }
        let client_id = site
            .get("oauth")
            .and_then(|o| o.value.get("clientID"))
            .filter(|m| m.value.as_str().is_some_and(|s| !s.is_empty()));
        if let (Some(member), Some(host)) = (client_id, host) {
            let id = member.value.as_str().unwrap_or_default();
            match self.client_ids.get(id) {
                Some((first_host, first)) if *first_host != host => sink.push(
                    Finding::new(
                        &rules::CLIENT_ID_SHARED,
                        format!("site {} (`{host}`) uses the client ID of site {} (`{first_host}`)", index + 1, first + 1),
                    )
                    .help("each Confluence server issues its own client ID; copy this site's from its application link")
                    .span(member.value.span)
                    .pointer(format!("/{index}/oauth/clientID")),
                ),
                Some(_) => {}
                None => {
                    self.client_ids.insert(id, (host, index));
                }
            }
        }
    }
}
