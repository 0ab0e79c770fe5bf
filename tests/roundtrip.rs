//! Property test: random valid site lists survive every output format, read
//! back to the same model.

use confluence_mdm::model::{Config, OAuth, Site, SiteList};
use confluence_mdm::read::{self, InputFormat};
use confluence_mdm::write::{self, OutputFormat, TableStyle, WriteOptions};
use proptest::prelude::*;

fn site() -> impl Strategy<Value = Site> {
    let title = "[a-zA-Z0-9&<>|\"'\\\\äöüé€😀 -]{0,18}[a-zA-Z0-9&<>\"'äöüé€😀-]";
    let host = "[a-z][a-z0-9]{0,10}";
    let port = prop::option::of(1u16..=65535);
    let context = prop::option::of("[a-z]{1,10}");
    let oauth = prop::option::of(("[0-9a-f]{32}", prop::option::of(any::<bool>())));
    (title, host, port, context, oauth).prop_map(|(title, host, port, context, oauth)| {
        let port = port.map(|p| format!(":{p}")).unwrap_or_default();
        let context = context.map(|c| format!("/{c}")).unwrap_or_default();
        Site {
            title,
            base_url: format!("https://{host}.example.com{port}{context}"),
            oauth: oauth.map(|(client_id, cache)| OAuth {
                client_id,
                cache_session_in_mobile_browser: cache,
                extra: Default::default(),
            }),
            extra: Default::default(),
        }
    })
}

fn read_back(bytes: &[u8], format: InputFormat) -> Option<SiteList> {
    let doc = read::read("<test>", bytes, format);
    doc.sites.as_ref().and_then(SiteList::from_node)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn formats_round_trip(sites in prop::collection::vec(site(), 1..6)) {
        let config = Config { sites: SiteList { sites }, other_keys: Vec::new() };
        let formats = [
            OutputFormat::Json, OutputFormat::JsonObject, OutputFormat::Plist, OutputFormat::Dict,
            OutputFormat::Binary, OutputFormat::IntuneGraph, OutputFormat::Table, OutputFormat::Specfile,
        ];
        for format in formats {
            for style in [TableStyle::Csv, TableStyle::Markdown] {
                let options = WriteOptions {
                    bundle_id: Some("com.example.app".into()),
                    spec_version: 1,
                    table_style: style,
                    ..WriteOptions::default()
                };
                let bytes = write::render(&config, format, &options).unwrap();
                let input = if format == OutputFormat::Specfile { InputFormat::Specfile } else { InputFormat::Auto };
                let back = read_back(&bytes, input);
                prop_assert_eq!(back.as_ref(), Some(&config.sites), "format {:?}, style {:?}", format, style);
            }
        }
    }

    #[test]
    fn readers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        for format in [InputFormat::Auto, InputFormat::Json, InputFormat::Csv, InputFormat::Plist, InputFormat::Specfile] {
            let doc = read::read("<fuzz>", &bytes, format);
            let _ = confluence_mdm::check::check(&doc, &Default::default());
        }
    }
}
