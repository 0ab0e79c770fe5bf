//! MDM variables (tokens) that an MDM replaces per device or user before the
//! app reads the config. Only the names below count as tokens, so that a
//! title such as "Budget $EUR" is never mistaken for one.
//!
//! NOTE: the names are those each vendor documents for app configuration
//! (Microsoft Intune, Jamf Pro, Workspace ONE, Ivanti EPMM, Kandji); the
//! lists are not exhaustive and were not checked against the vendors' pages.

/// Intune's `{{name}}` tokens, matched without regard to case.
const INTUNE: &[&str] = &[
    "userprincipalname",
    "mail",
    "partialupn",
    "accountid",
    "deviceid",
    "userid",
    "username",
    "serialnumber",
    "serialnumberlast4digits",
    "aaddeviceid",
    "udidlast4digits",
    "signeddeviceid",
];

/// Jamf Pro's `$NAME` variables.
const JAMF: &[&str] = &[
    "EMAIL",
    "UDID",
    "SERIALNUMBER",
    "DEVICENAME",
    "USERNAME",
    "FULLNAME",
    "REALNAME",
    "PHONE",
    "POSITION",
    "DEPARTMENT",
    "BUILDING",
    "ROOM",
    "SITENAME",
    "SITEID",
    "MACADDRESS",
    "JSSID",
    "PROFILEJSSID",
    "MANAGEMENTID",
];

/// Kandji's `$NAME` variables.
const KANDJI: &[&str] = &[
    "EMAIL",
    "USERNAME",
    "SERIAL_NUMBER",
    "DEVICE_NAME",
    "FULL_NAME",
    "UDID",
];

/// Workspace ONE's `{Name}` lookup values.
const WORKSPACE_ONE: &[&str] = &[
    "EmailAddress",
    "EnrollmentUser",
    "DeviceUid",
    "DeviceSerialNumber",
    "DeviceFriendlyName",
    "UserPrincipalName",
    "EmailUserName",
    "EmailDomain",
    "FirstName",
    "LastName",
    "GroupIdentifier",
];

/// Ivanti EPMM's `$NAME$` substitution variables.
const IVANTI: &[&str] = &[
    "EMAIL",
    "USERID",
    "USERUID",
    "USER_UPN",
    "FIRSTNAME",
    "LASTNAME",
    "DISPLAYNAME",
    "DEVICE_UUID",
    "DEVICE_SN",
    "DEVICE_UDID",
    "PHONE_NUMBER",
];

/// A token found in a string: its text, the MDM that replaces it, and its
/// byte offset in the string.
#[derive(Debug, PartialEq)]
pub struct Token {
    pub text: String,
    pub mdm: &'static str,
    pub offset: usize,
}

/// Finds every known MDM token in `text`.
pub fn find(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let found = match bytes[i] {
            b'{' if bytes.get(i + 1) == Some(&b'{') => braced(text, i, "{{", "}}")
                .filter(|name| INTUNE.contains(&name.trim().to_ascii_lowercase().as_str()))
                .map(|name| (format!("{{{{{name}}}}}"), "Intune")),
            b'{' => braced(text, i, "{", "}")
                .filter(|name| WORKSPACE_ONE.contains(name))
                .map(|name| (format!("{{{name}}}"), "Workspace ONE")),
            b'$' => dollar(text, i),
            _ => None,
        };
        match found {
            Some((token, mdm)) => {
                let len = token.len();
                tokens.push(Token {
                    text: token,
                    mdm,
                    offset: i,
                });
                i += len;
            }
            None => i += 1,
        }
    }
    tokens
}

/// Longest token name looked for, so that a run of braces costs linear time.
const MAX_NAME: usize = 40;

/// Returns the name between `open` at `at` and the next `close`.
fn braced<'t>(text: &'t str, at: usize, open: &str, close: &str) -> Option<&'t str> {
    let rest = text.get(at + open.len()..)?;
    let mut window = (MAX_NAME + close.len()).min(rest.len());
    while !rest.is_char_boundary(window) {
        window -= 1;
    }
    let end = rest[..window].find(close)?;
    let name = &rest[..end];
    (!name.is_empty() && !name.contains(['{', '}'])).then_some(name)
}

/// Reads `$NAME$` (Ivanti) or `$NAME` (Jamf, Kandji) at `at`.
fn dollar(text: &str, at: usize) -> Option<(String, &'static str)> {
    let rest = &text[at + 1..];
    let len = rest
        .bytes()
        .take(MAX_NAME + 1)
        .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
        .count();
    let name = &rest[..len];
    if name.is_empty() {
        return None;
    }
    if rest[len..].starts_with('$') && IVANTI.contains(&name) {
        return Some((format!("${name}$"), "Ivanti EPMM"));
    }
    if JAMF.contains(&name) {
        return Some((format!("${name}"), "Jamf Pro"));
    }
    if KANDJI.contains(&name) {
        return Some((format!("${name}"), "Kandji"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        find(text).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn known_tokens_found() {
        assert_eq!(texts("https://{{username}}.example.com"), ["{{username}}"]);
        assert_eq!(texts("{{SIGNEDDEVICEID}}"), ["{{SIGNEDDEVICEID}}"]);
        assert_eq!(
            texts("a $EMAIL b $USERID$ {DeviceUid}"),
            ["$EMAIL", "$USERID$", "{DeviceUid}"]
        );
    }

    #[test]
    fn ordinary_text_is_not_a_token() {
        assert!(find("Budget $EUR").is_empty());
        assert!(find("Team {Beta}").is_empty());
        assert!(find("{{unknown}}").is_empty());
    }
}
