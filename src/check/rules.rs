//! The rule table: every finding the tool can report, with its stable id,
//! default severity and documentation. `rules`, `explain`, the reports,
//! docs/rules.md and the README's rule list all read this one table.

use crate::finding::Severity;

/// A check with a stable kebab-case id.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    /// One line: what the rule reports.
    pub summary: &'static str,
    /// Why it matters, in a few sentences.
    pub explanation: &'static str,
    /// A `sites` value or file fragment that the rule reports.
    pub failing: &'static str,
    /// The corrected form.
    pub passing: &'static str,
}

macro_rules! rules {
    ($($name:ident = $id:literal, $severity:ident, $summary:literal,
        $explanation:literal, $failing:literal, $passing:literal;)*) => {
        $(
            pub static $name: Rule = Rule {
                id: $id,
                severity: Severity::$severity,
                summary: $summary,
                explanation: $explanation,
                failing: $failing,
                passing: $passing,
            };
        )*

        /// Every rule, in documentation order.
        pub static ALL: &[&Rule] = &[$(&$name),*];
    };
}

rules! {
    NOT_A_CONFIG = "not-a-config", Error,
        "the file is not a site list, plist or CSV inventory",
        "The file is empty, binary, not UTF-8 or UTF-16 text, or its content matches no format the app's config can take, such as an HTML page saved from a browser.",
        "<!DOCTYPE html><html>...",
        "[{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}]";
    TEXT_ENCODING = "text-encoding", Warning,
        "the file is UTF-16 text or starts with a byte order mark",
        "Windows PowerShell writes UTF-16 with a byte order mark. The tool decodes it, but an MDM value field takes plain UTF-8 text, so save the file as UTF-8 without a BOM.",
        "(UTF-16 LE bytes) FF FE 5B 00 ...",
        "(UTF-8 bytes) 5B ...";
    JSON_SYNTAX = "json-syntax", Error,
        "the site list is not valid JSON",
        "The app parses the `sites` value with a strict JSON parser and shows no site at all when it fails. Curly quotes from a word processor, single quotes, comments, a byte order mark and unquoted MDM tokens are the usual causes.",
        "[{“title”: “Wiki”}]",
        "[{\"title\": \"Wiki\"}]";
    JSON_TRAILING_COMMA = "json-trailing-comma", Error,
        "a comma before `]` or `}`",
        "Strict JSON has no trailing commas. One left after deleting the last site makes the app discard the whole list.",
        "[{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"},]",
        "[{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}]";
    JSON_COMMENT = "json-comment", Error,
        "a comment in the JSON",
        "JSON has no comments, and the app's parser rejects the whole list when it meets one.",
        "[ // engineering\n  {\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}]",
        "[{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}]";
    JSON_TOO_DEEP = "json-too-deep", Error,
        "the JSON is nested more than 128 levels deep",
        "A site list is three levels deep. Deeper nesting is not a config, and the tool stops there rather than exhaust its stack.",
        "[[[[[[...]]]]]]",
        "[{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}]";
    JSON_TOO_LARGE = "json-too-large", Error,
        "the JSON has more than 4,000,000 values",
        "A site list has about ten values per site, so this limit allows 400,000 sites. Larger input is not a config, and the tool stops there rather than exhaust memory.",
        "[0,0,0,0,...]",
        "[{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}]";
    FINDING_LIMIT = "finding-limit", Info,
        "more than 10,000 findings in one file; the rest are counted, not shown",
        "A file with this many findings is usually one mistake repeated. The notice counts the findings not shown, and is an error when one of them is, so the exit status stays right. The summary counts only the findings shown.",
        "(a list of 100,000 sites, each with an error)",
        "(fix the repeated mistake, then run again)";
    DUPLICATE_KEY = "duplicate-key", Error,
        "a key appears twice in one JSON object or plist dict",
        "Parsers keep one of the two values and drop the other without a word, and which one differs between parsers, so the device may not read what the file seems to say.",
        "{\"title\":\"Wiki\",\"title\":\"Docs\",\"baseURL\":\"https://confluence.example.com\"}",
        "{\"title\":\"Docs\",\"baseURL\":\"https://confluence.example.com\"}";
    PLIST_SYNTAX = "plist-syntax", Error,
        "the plist XML is not well formed",
        "An MDM rejects XML that is not well formed, or stores it so that the app finds no `sites` key. An `&` in a title must be written `&amp;` inside the XML.",
        "<string>[{\"title\":\"R&D\", ...}]</string>",
        "<string>[{\"title\":\"R&amp;D\", ...}]</string>";
    PLIST_STRUCTURE = "plist-structure", Error,
        "the plist is not a dict of keys and values",
        "Managed app configuration is a dictionary. The root must be `<dict>` (bare, or inside `<plist>`), each `<key>` followed by one value.",
        "<plist><array>...</array></plist>",
        "<dict><key>sites</key><string>[...]</string></dict>";
    SPECFILE_STRUCTURE = "specfile-structure", Error,
        "a specfile checked with `--input-format specfile` does not follow the AppConfig schema",
        "A specfile has <version> (1 to 99999), <bundleId> (letters, digits and dots), and a <dict> that declares `sites` as a <string> key, whose default value is the site list.",
        "<managedAppConfiguration><version>0</version>...",
        "<managedAppConfiguration><version>1</version><bundleId>com.example.app</bundleId>...";
    PLIST_WRAPPER = "plist-wrapper", Info,
        "a full plist document, where some MDMs take only the `<dict>`",
        "Intune's \"Enter XML data\" box and Jamf Pro's preferences field take the bare `<dict>` body and wrap it themselves; a pasted XML declaration, DOCTYPE or `<plist>` element breaks them. Ivanti and other MDMs that upload a plist file want the full document.",
        "<?xml version=\"1.0\"?><plist version=\"1.0\"><dict>...</dict></plist>",
        "<dict>...</dict>";
    DOUBLE_ESCAPED = "double-escaped-entity", Warning,
        "a title contains an XML or HTML entity such as `&amp;`",
        "`&amp;amp;` in a plist file decodes to `&amp;`, and a JSON title copied from HTML keeps its entities, so the app shows the entity literally. Write the character itself, and escape `&` once in plist XML.",
        "<string>[{\"title\":\"R&amp;amp;D\", ...}]</string>",
        "<string>[{\"title\":\"R&amp;D\", ...}]</string>";
    MISSING_SITES = "missing-sites", Error,
        "the config has no `sites` key",
        "The Confluence app reads the key `sites`, with that exact case. Without it the app shows no pre-populated site.",
        "<dict><key>servers</key><string>[...]</string></dict>",
        "<dict><key>sites</key><string>[...]</string></dict>";
    SITES_NOT_STRING = "sites-not-string", Error,
        "`sites` is not a string holding JSON text",
        "The app reads `sites` as a string whose text is a JSON array. A native plist `<array>` of `<dict>` elements is ignored.",
        "<key>sites</key><array><dict>...</dict></array>",
        "<key>sites</key><string>[{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}]</string>";
    SITES_NOT_ARRAY = "sites-not-array", Error,
        "the site list is not a JSON array",
        "`sites` contains an array of site objects, even for one site.",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}",
        "[{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}]";
    SITES_EMPTY = "sites-empty", Error,
        "the site list is empty",
        "An empty list pre-populates nothing. Add a site or remove the key.",
        "[]",
        "[{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}]";
    SITE_NOT_OBJECT = "site-not-object", Error,
        "an entry of the site list is not an object",
        "Each entry is an object with `title`, `baseURL` and an optional `oauth`.",
        "[\"https://confluence.example.com\"]",
        "[{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}]";
    UNKNOWN_MEMBER = "unknown-member", Error,
        "a member the app does not read, such as `baseUrl` for `baseURL`",
        "Key names are case-sensitive. The app ignores a misspelt member, so the value it was meant to carry is lost.",
        "{\"title\":\"Wiki\",\"baseUrl\":\"https://confluence.example.com\"}",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}";
    UNKNOWN_KEY = "unknown-key", Info,
        "a top-level key the Confluence app does not read",
        "Other keys may serve another app or the MDM itself (Intune's `IntuneMAMUPN`, for example). They pass through unchanged.",
        "<key>serverURL</key><string>...</string>",
        "(remove the key, or keep it for the app that reads it)";
    UNCONFIRMED_KEY = "unconfirmed-key", Warning,
        "a key whose name or place for the Data Center app is unconfirmed",
        "`skipInfo` and the `atlassian.devicePolicy*` security-policy keys are documented for other Atlassian apps or without their place in the config. Try the config on one device before the rollout.",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\",\"skipInfo\":true}",
        "(try it on one device first)";
    WRONG_TYPE = "wrong-type", Error,
        "a value has the wrong JSON or plist type",
        "`title`, `baseURL` and `clientID` are strings, `oauth` is an object, and each known top-level key has its own type.",
        "{\"title\":42,\"baseURL\":\"https://confluence.example.com\"}",
        "{\"title\":\"42\",\"baseURL\":\"https://confluence.example.com\"}";
    TITLE_REQUIRED = "title-required", Error,
        "a site has no `title`, or an empty one",
        "The app lists each site by its title.",
        "{\"baseURL\":\"https://confluence.example.com\"}",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}";
    TITLE_WHITESPACE = "title-whitespace", Warning,
        "a title starts or ends with whitespace",
        "Stray spaces show in the app's site list and make two titles look equal when they are not. The generator trims them.",
        "{\"title\":\" Wiki \", ...}",
        "{\"title\":\"Wiki\", ...}";
    TITLE_CONTROL = "title-control-character", Error,
        "a title contains a control character such as U+0000",
        "A `\\u0000` escape or a pasted line break in a title is invisible in the config but breaks or garbles the app's site list.",
        "{\"title\":\"Wiki\\u0000\", ...}",
        "{\"title\":\"Wiki\", ...}";
    TITLE_DUPLICATE = "title-duplicate", Warning,
        "two sites have the same title",
        "Users cannot tell the sites apart in the app.",
        "[{\"title\":\"Wiki\",\"baseURL\":\"https://a.example.com\"},{\"title\":\"Wiki\",\"baseURL\":\"https://b.example.com\"}]",
        "[{\"title\":\"Wiki A\",\"baseURL\":\"https://a.example.com\"},{\"title\":\"Wiki B\",\"baseURL\":\"https://b.example.com\"}]";
    BASE_URL_REQUIRED = "base-url-required", Error,
        "a site has no `baseURL`, or an empty one",
        "The app connects to `baseURL`. It is the Confluence base URL, with its context path if it has one.",
        "{\"title\":\"Wiki\"}",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}";
    BASE_URL_INVALID = "base-url-invalid", Error,
        "`baseURL` is not an absolute http(s) URL with a host",
        "The app appends its REST paths to `baseURL`, so it must be a full URL such as `https://confluence.example.com` or `https://example.com/confluence`.",
        "{\"title\":\"Wiki\",\"baseURL\":\"confluence.example.com\"}",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}";
    BASE_URL_WHITESPACE = "base-url-whitespace", Error,
        "`baseURL` contains whitespace or a control character",
        "A space or line break copied along with the URL makes every request fail.",
        "{\"title\":\"Wiki\",\"baseURL\":\" https://confluence.example.com\\n\"}",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}";
    BASE_URL_USER_INFO = "base-url-user-info", Error,
        "`baseURL` contains a user name or password",
        "Credentials in the URL are stored unencrypted on every device and are not how the app signs in.",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://admin:secret@confluence.example.com\"}",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}";
    BASE_URL_QUERY = "base-url-query", Error,
        "`baseURL` has a query string or a fragment",
        "A base URL never has `?` or `#`. Such a URL was copied from the browser's address bar.",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com/?src=mail\"}",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}";
    BASE_URL_PAGE_PATH = "base-url-page-path", Error,
        "`baseURL` is the address of a page, not the base URL",
        "A path with `/display/`, `/pages/`, `/spaces/`, `/plugins/` or `/x/` followed by more, a `*.action` file, or a `/rest/` resource was copied from the address bar. The app appends its own paths, so every request fails. Keep the context path (`/confluence`, `/wiki`) and cut the rest.",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://example.com/confluence/display/ENG/Home\"}",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://example.com/confluence\"}";
    BASE_URL_TRAILING_SLASH = "base-url-trailing-slash", Warning,
        "`baseURL` ends with `/`",
        "The app appends paths that start with `/`, so a trailing slash doubles it. The generator removes it.",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com/\"}",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}";
    BASE_URL_HTTP = "base-url-http", Warning,
        "`baseURL` uses `http` on a site without OAuth 2.0",
        "Plain HTTP sends passwords and content unencrypted. Use `https`.",
        "{\"title\":\"Wiki\",\"baseURL\":\"http://confluence.example.com\"}",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}";
    OAUTH_REQUIRES_HTTPS = "oauth-requires-https", Error,
        "`baseURL` uses `http` on a site with OAuth 2.0",
        "Confluence's OAuth 2.0 provider requires an HTTPS base URL unless the server sets `atlassian.oauth2.provider.skip.base.url.https.requirement`, so sign-in fails.",
        "{\"title\":\"Wiki\",\"baseURL\":\"http://confluence.example.com\",\"oauth\":{...}}",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\",\"oauth\":{...}}";
    BASE_URL_CLOUD = "base-url-cloud", Error,
        "`baseURL` is an Atlassian Cloud site (`*.atlassian.net`)",
        "This config is for the Confluence Data Center app. Cloud sites use the Confluence Cloud app, which signs in differently.",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://example.atlassian.net/wiki\"}",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}";
    PRODUCT_MISMATCH = "product-mismatch", Warning,
        "`baseURL` looks like a Jira site in a Confluence config",
        "A host starting `jira.`, a `/jira` context path or a Jira page (`/browse/`, `/secure/`, `*.jspa`) belongs in the Jira app's config. The check looks at the URL, never the title.",
        "{\"title\":\"Jira\",\"baseURL\":\"https://jira.example.com/secure/Dashboard.jspa\"}",
        "(move the site to the Jira Data Center app's config)";
    MDM_TOKEN = "mdm-token", Error,
        "an MDM variable such as `{{username}}` in `baseURL` or `clientID`",
        "The server address and the client ID are the same for every user, and a token there makes each device's URL or ID different, or leaves it unreplaced where the MDM does not know the token.",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://{{username}}.example.com\"}",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}";
    MDM_TOKEN_FOREIGN = "mdm-token-foreign", Warning,
        "a variable of another MDM than the one given with `--mdm`",
        "Each MDM replaces only its own variables. Another MDM's token stays in the config as written and shows in the app.",
        "(with --mdm jamf) {\"title\":\"Wiki for {{mail}}\", ...}",
        "(with --mdm jamf) {\"title\":\"Wiki for $EMAIL\", ...}";
    MDM_TOKEN_NEAR_MISS = "mdm-token-near-miss", Warning,
        "a misspelt variable of the MDM given with `--mdm`",
        "A variable name the MDM does not know is never replaced, so the app shows it as written.",
        "(with --mdm intune) {\"title\":\"{{userprinciplename}}\", ...}",
        "(with --mdm intune) {\"title\":\"{{userprincipalname}}\", ...}";
    MDM_TOKEN_UNSAFE = "mdm-token-unsafe", Warning,
        "a variable whose value may contain a quote or backslash, inside the JSON",
        "The MDM puts the value into the `sites` JSON as raw text. A display name such as `O\"Brien` would end the JSON string early and break the whole list.",
        "(with --mdm jamf) {\"title\":\"Wiki of $FULLNAME\", ...}",
        "(with --mdm jamf) {\"title\":\"Wiki\", ...}";
    INTUNE_BRACES = "intune-braces", Error,
        "`{{` or `}}` that is not an Intune token, with `--mdm intune`",
        "Intune reserves double braces for its tokens and matches token names without regard to case, so other double braces break its substitution.",
        "(with --mdm intune) {\"title\":\"{{team}} wiki\", ...}",
        "(with --mdm intune) {\"title\":\"Team wiki\", ...}";
    MDM_VALUE_TYPE = "mdm-value-type", Error,
        "a plist value type that the MDM given with `--mdm` does not take",
        "Intune's \"Enter XML data\" field takes integer, real, string, array, dict, true and false, and no <date> or <data>.",
        "(with --mdm intune) <key>since</key><date>2026-01-01T00:00:00Z</date>",
        "(with --mdm intune) <key>since</key><string>2026-01-01</string>";
    BASE_URL_DUPLICATE = "base-url-duplicate", Error,
        "two sites have the same base URL",
        "Base URLs are compared after normalising scheme and host case, default ports and trailing slashes. The app would list one server twice.",
        "[{\"title\":\"A\",\"baseURL\":\"https://Wiki.example.com/\"},{\"title\":\"B\",\"baseURL\":\"https://wiki.example.com:443\"}]",
        "[{\"title\":\"A\",\"baseURL\":\"https://wiki.example.com\"}]";
    OAUTH_NOT_OBJECT = "oauth-not-object", Error,
        "`oauth` is not an object",
        "`oauth` contains an object with `clientID` and `cacheSessionInMobileBrowser`.",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\",\"oauth\":\"5d0c...\"}",
        "{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\",\"oauth\":{\"clientID\":\"5d0c...\",\"cacheSessionInMobileBrowser\":false}}";
    CLIENT_ID_REQUIRED = "client-id-required", Error,
        "`oauth` has no `clientID`, or an empty one",
        "The app sends the client ID of the incoming application link in its OAuth 2.0 authorization request.",
        "{\"oauth\":{\"cacheSessionInMobileBrowser\":false}}",
        "{\"oauth\":{\"clientID\":\"5d0c7e9a1b2f4c3d8e6a0b1c2d3e4f50\",\"cacheSessionInMobileBrowser\":false}}";
    CLIENT_ID_WHITESPACE = "client-id-whitespace", Error,
        "`clientID` contains whitespace",
        "A client ID has no spaces or line breaks; these were copied along with it, and the server will not recognise it.",
        "{\"clientID\":\" 5d0c7e9a1b2f4c3d8e6a0b1c2d3e4f50\"}",
        "{\"clientID\":\"5d0c7e9a1b2f4c3d8e6a0b1c2d3e4f50\"}";
    CLIENT_ID_PLACEHOLDER = "client-id-placeholder", Error,
        "`clientID` is a documentation placeholder such as `your_clientID`",
        "The example in Atlassian's documentation uses `your_clientID`. Sign-in fails at the authorization step because no application link has that ID. Create an incoming application link (External application, direction Incoming, redirect URL `confluence-server://oauth-callback`, permission WRITE) and paste the client ID it shows.",
        "{\"clientID\":\"your_clientID\"}",
        "{\"clientID\":\"5d0c7e9a1b2f4c3d8e6a0b1c2d3e4f50\"}";
    CLIENT_ID_FORMAT = "client-id-format", Warning,
        "`clientID` is not 32 ASCII letters and digits",
        "Confluence shows client IDs of 32 hexadecimal characters. The format is not documented, so another shape is only a warning: compare it with the application link.",
        "{\"clientID\":\"5d0c-7e9a\"}",
        "{\"clientID\":\"5d0c7e9a1b2f4c3d8e6a0b1c2d3e4f50\"}";
    CLIENT_SECRET_SUSPECTED = "client-secret-suspected", Warning,
        "`clientID` is 40 characters or longer and may be the client secret",
        "Confluence shows a client ID and a longer client secret side by side. The secret must never be in app config, which every device stores unencrypted.",
        "{\"clientID\":\"a3f1...64 characters...\"}",
        "{\"clientID\":\"5d0c7e9a1b2f4c3d8e6a0b1c2d3e4f50\"}";
    SECRET_IN_CONFIG = "secret-in-config", Error,
        "a member named like a secret, such as `clientSecret`",
        "The app is a public OAuth 2.0 client using PKCE and needs no secret. App config is stored unencrypted on every device, so a secret there is a leak: remove it and rotate it in the application link.",
        "{\"clientID\":\"5d0c...\",\"clientSecret\":\"...\"}",
        "{\"clientID\":\"5d0c...\",\"cacheSessionInMobileBrowser\":false}";
    CACHE_SESSION_TYPE = "cache-session-type", Error,
        "`cacheSessionInMobileBrowser` is not a JSON boolean",
        "The app reads a JSON `true` or `false`. The string `\"false\"`, `True` or a number is not a boolean.",
        "{\"cacheSessionInMobileBrowser\":\"false\"}",
        "{\"cacheSessionInMobileBrowser\":false}";
    CACHE_SESSION_MISSING = "cache-session-missing", Warning,
        "`oauth` has no `cacheSessionInMobileBrowser`",
        "The app's default is not documented, so state whether the browser session used for sign-in is kept.",
        "{\"oauth\":{\"clientID\":\"5d0c...\"}}",
        "{\"oauth\":{\"clientID\":\"5d0c...\",\"cacheSessionInMobileBrowser\":false}}";
    CACHE_SESSION_DEFAULTED = "cache-session-defaulted", Info,
        "an empty `cacheSessionInMobileBrowser` is read as `false`",
        "In a CSV inventory, a site with a client ID and an empty flag cell gets `false`, and so does `generate --client-id` without `--cache-session-in-mobile-browser`: the browser session is not kept.",
        "title,baseURL,clientID,cacheSessionInMobileBrowser\nWiki,https://confluence.example.com,5d0c...,",
        "title,baseURL,clientID,cacheSessionInMobileBrowser\nWiki,https://confluence.example.com,5d0c...,false";
    CLIENT_ID_SHARED = "client-id-shared", Warning,
        "one `clientID` on sites with different hosts",
        "Each Confluence server issues its own client IDs, so one ID on two servers is a copy-paste slip.",
        "[{\"baseURL\":\"https://a.example.com\",\"oauth\":{\"clientID\":\"5d0c...\"}},{\"baseURL\":\"https://b.example.com\",\"oauth\":{\"clientID\":\"5d0c...\"}}]",
        "(use each server's own client ID)";
    CSV_SYNTAX = "csv-syntax", Error,
        "the CSV inventory is malformed",
        "Every row needs as many fields as the header, and a field with a comma, quote or line break is quoted.",
        "title,baseURL\nWiki,https://confluence.example.com,extra",
        "title,baseURL\nWiki,https://confluence.example.com";
    CSV_HEADER = "csv-header", Error,
        "the CSV header lacks `title` or `baseURL`, or names an unknown column",
        "The header names the columns `title`, `baseURL`, and optionally `clientID` and `cacheSessionInMobileBrowser`, in any order.",
        "name,url\nWiki,https://confluence.example.com",
        "title,baseURL\nWiki,https://confluence.example.com";
    CSV_FLAG_WITHOUT_CLIENT_ID = "csv-flag-without-client-id", Warning,
        "a `cacheSessionInMobileBrowser` cell on a row without a client ID",
        "The flag belongs to the `oauth` object, which a row without a client ID does not get, so the flag is dropped.",
        "title,baseURL,clientID,cacheSessionInMobileBrowser\nWiki,https://confluence.example.com,,true",
        "title,baseURL,clientID,cacheSessionInMobileBrowser\nWiki,https://confluence.example.com,,";
    SCHEMA = "schema", Error,
        "the site list does not match the JSON Schema",
        "A fallback for structure that no more specific rule reports. `confluence-mdm schema` prints the schema.",
        "[{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\",\"oauth\":{}}]",
        "[{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\"}]";
}

/// Finds a rule by id.
pub fn find(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|rule| rule.id == id)
}

/// Renders docs/rules.md: a table of every rule, then one section per rule
/// with its explanation and examples. The `docs` integration test compares
/// the file with this output.
pub fn markdown() -> String {
    let mut doc = String::from(
        "# Rules\n\n\
         <!-- Generated from the rule table in src/check/rules.rs. Do not edit:\n\
         run `UPDATE_EXPECTED=1 cargo test --test docs` to regenerate. -->\n\n\
         Each finding names one of these rules. `confluence-mdm explain RULE` prints\n\
         the same text, and `--deny`, `--warn`, `--allow` or `confluence-mdm.toml`\n\
         change a rule's severity. Info findings never fail a run, and warnings fail\n\
         it only with `--strict`.\n\n\
         | rule | severity | reports |\n\
         | --- | --- | --- |\n",
    );
    for rule in ALL {
        doc.push_str(&format!(
            "| [`{id}`](#{id}) | {severity} | {summary} |\n",
            id = rule.id,
            severity = rule.severity,
            summary = rule.summary,
        ));
    }
    for rule in ALL {
        doc.push_str(&format!(
            "\n## `{id}`\n\n\
             Severity: {severity}. Reports: {summary}.\n\n\
             {explanation}\n\n\
             Fails:\n\n```text\n{failing}\n```\n\n\
             Passes:\n\n```text\n{passing}\n```\n",
            id = rule.id,
            severity = rule.severity,
            summary = rule.summary,
            explanation = rule.explanation,
            failing = rule.failing,
            passing = rule.passing,
        ));
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for rule in ALL {
            assert!(seen.insert(rule.id), "duplicate id {}", rule.id);
            let kebab = rule
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            assert!(kebab, "{} is not kebab-case", rule.id);
        }
    }

    /// A `|` would split a table cell, and three backticks would close a
    /// code block early.
    #[test]
    fn texts_fit_markdown() {
        for rule in ALL {
            assert!(!rule.summary.contains('|'), "summary of {}", rule.id);
            assert!(
                !rule.failing.contains("```"),
                "failing example of {}",
                rule.id
            );
            assert!(
                !rule.passing.contains("```"),
                "passing example of {}",
                rule.id
            );
        }
    }

    #[test]
    fn markdown_has_section_per_rule() {
        let doc = markdown();
        for rule in ALL {
            let heading = format!("\n## `{}`\n", rule.id);
            assert_eq!(doc.matches(&heading).count(), 1, "heading of {}", rule.id);
            let row = format!("| [`{id}`](#{id}) | {} |", rule.severity, id = rule.id);
            assert!(doc.contains(&row), "table row of {}", rule.id);
        }
    }
}
