//! What every fuzz target does with its input: read it, check it, and when
//! it holds a site list, write that list in every format and read it back.

use confluence_mdm::check;
use confluence_mdm::model::{Config, SiteList};
use confluence_mdm::read::{self, InputFormat};
use confluence_mdm::write::{self, OutputFormat, WriteOptions};

pub fn exercise(data: &[u8], format: InputFormat) {
    let doc = read::read("<fuzz>", data, format);
    let _ = check::check(&doc, &check::Options::default());
    let Some(sites) = doc.sites.as_ref().and_then(SiteList::from_node) else {
        return;
    };
    let config = Config { sites, other_keys: Vec::new() };
    let options = WriteOptions {
        bundle_id: Some("com.example.app".into()),
        spec_version: 1,
        ..WriteOptions::default()
    };
    for output in [OutputFormat::Json, OutputFormat::Dict, OutputFormat::Binary, OutputFormat::Table] {
        let Ok(bytes) = write::render(&config, output, &options) else {
            continue;
        };
        let back = read::read("<fuzz-back>", &bytes, InputFormat::Auto);
        let back = back.sites.as_ref().and_then(SiteList::from_node);
        assert_eq!(back.as_ref(), Some(&config.sites), "{output:?} did not read back");
    }
}
