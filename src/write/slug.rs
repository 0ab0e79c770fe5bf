//! File names from group names and site titles: safe on every common file
//! system, and unique within one set in a predictable way.

use std::collections::HashSet;

/// Maximum slug length in bytes, well under the 255 that file systems allow.
const MAX_LEN: usize = 80;

/// Names Windows reserves for devices, in any case and with any extension.
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Turns `name` into a slug: ASCII letters and digits, with every other run
/// of characters as one `-`, lower case. An empty result becomes `fallback`.
pub fn slug(name: &str, fallback: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let mut slug = slug.trim_end_matches('-').to_owned();
    slug.truncate(MAX_LEN);
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        return fallback.to_owned();
    }
    if RESERVED.contains(&slug.as_str()) {
        return format!("{slug}-{fallback}");
    }
    slug
}

/// Hands out file names for one set: `slug.ext`, then `slug-2.ext`,
/// `slug-3.ext` for later names with the same slug, in the order asked.
/// `manifest.json` is never handed out.
#[derive(Default)]
pub struct Names {
    used: HashSet<String>,
}

impl Names {
    pub fn reserve(&mut self, name: &str) {
        self.used.insert(name.to_ascii_lowercase());
    }

    pub fn next(&mut self, slug: &str, extension: &str) -> String {
        let mut candidate = format!("{slug}.{extension}");
        let mut n = 2;
        // Compared without case, since macOS and Windows ignore it.
        while self.used.contains(&candidate.to_ascii_lowercase()) {
            candidate = format!("{slug}-{n}.{extension}");
            n += 1;
        }
        self.used.insert(candidate.to_ascii_lowercase());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe() {
        assert_eq!(slug("Sales & Marketing", "group"), "sales-marketing");
        assert_eq!(slug("../../etc/passwd", "group"), "etc-passwd");
        assert_eq!(slug("CON", "group"), "con-group");
        assert_eq!(slug("日本", "site"), "site");
        assert_eq!(slug("  a/b\\c  ", "x"), "a-b-c");
        assert!(slug(&"x".repeat(300), "x").len() <= MAX_LEN);
    }

    #[test]
    fn collisions_get_numbers_in_order() {
        let mut names = Names::default();
        names.reserve("manifest.json");
        assert_eq!(names.next("eng", "xml"), "eng.xml");
        assert_eq!(names.next("eng", "xml"), "eng-2.xml");
        assert_eq!(names.next("ENG", "xml"), "ENG-3.xml");
        assert_eq!(names.next("manifest", "json"), "manifest-2.json");
    }
}
