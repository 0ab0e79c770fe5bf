//! "Did you mean" suggestions for misspelt keys.

/// Returns the edit distance between two strings, counted in characters, with a swap of two neighbours as one edit.
pub fn distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

/// Folds a key for loose comparison: lowercase, without `_`, `-` and spaces,
/// so that `client_id`, `Client ID` and `clientId` all fold to `clientid`.
pub fn fold(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Returns the known name that `key` most likely meant, if one is close.
pub fn near_miss<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let folded = fold(key);
    if let Some(exact) = known.iter().find(|k| fold(k) == folded) {
        return Some(exact);
    }
    known
        .iter()
        .map(|k| (distance(&folded, &fold(k)), *k))
        .filter(|(d, k)| *d <= 2 && *d * 4 <= k.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_miss_by_case_and_separator() {
        let known = ["title", "baseURL", "oauth"];
        assert_eq!(near_miss("baseUrl", &known), Some("baseURL"));
        assert_eq!(near_miss("base_url", &known), Some("baseURL"));
        assert_eq!(near_miss("OAuth", &known), Some("oauth"));
        assert_eq!(near_miss("titel", &known), Some("title"));
        assert_eq!(near_miss("color", &known), None);
    }
}
