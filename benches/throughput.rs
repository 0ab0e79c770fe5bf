//! `cargo bench`: validation and generation through the library, for 10,
//! 1,000 and 100,000 sites, from JSON and from plist input.

use confluence_mdm::check;
use confluence_mdm::model::{Config, SiteList};
use confluence_mdm::read::{self, InputFormat};
use confluence_mdm::write::{self, OutputFormat, WriteOptions};

// The binary uses mimalloc; so do the benchmarks, to measure the same.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

const SIZES: &[usize] = &[10, 1_000, 100_000];

/// Returns a valid site list of `n` sites as JSON text.
fn site_list(n: usize) -> String {
    let sites: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "title": format!("Site {i}"),
                "baseURL": format!("https://s{i}.example.com/confluence"),
                "oauth": {
                    "clientID": format!("{:032x}", i as u128 * 0x9e37_79b9_7f4a_7c15 + 1),
                    "cacheSessionInMobileBrowser": i % 2 == 0,
                },
            })
        })
        .collect();
    serde_json::to_string(&sites).unwrap()
}

fn as_plist(json: &str) -> Vec<u8> {
    let doc = read::read("<bench>", json.as_bytes(), InputFormat::Json);
    let sites = SiteList::from_node(doc.sites.as_ref().unwrap()).unwrap();
    let config = Config {
        sites,
        other_keys: Vec::new(),
    };
    write::render(&config, OutputFormat::Plist, &WriteOptions::default()).unwrap()
}

fn validate(bytes: &[u8]) -> usize {
    let doc = read::read("<bench>", bytes, InputFormat::Auto);
    check::check(&doc, &check::Options::default()).len()
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn validate_json(bencher: divan::Bencher, n: usize) {
    let json = site_list(n);
    bencher.bench(|| validate(divan::black_box(json.as_bytes())));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn validate_plist(bencher: divan::Bencher, n: usize) {
    let plist = as_plist(&site_list(n));
    bencher.bench(|| validate(divan::black_box(&plist)));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn generate_plist_from_json(bencher: divan::Bencher, n: usize) {
    let json = site_list(n);
    bencher.bench(|| {
        let doc = read::read(
            "<bench>",
            divan::black_box(json.as_bytes()),
            InputFormat::Json,
        );
        let sites = SiteList::from_node(doc.sites.as_ref().unwrap()).unwrap();
        let config = Config {
            sites,
            other_keys: Vec::new(),
        };
        write::render(&config, OutputFormat::Plist, &WriteOptions::default()).unwrap()
    });
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn generate_dict_from_plist(bencher: divan::Bencher, n: usize) {
    let plist = as_plist(&site_list(n));
    bencher.bench(|| {
        let doc = read::read("<bench>", divan::black_box(&plist), InputFormat::Auto);
        let sites = SiteList::from_node(doc.sites.as_ref().unwrap()).unwrap();
        let config = Config {
            sites,
            other_keys: Vec::new(),
        };
        write::render(&config, OutputFormat::Dict, &WriteOptions::default()).unwrap()
    });
}
