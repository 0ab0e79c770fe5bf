//! MDM variables (tokens) that an MDM replaces per device or user before the
//! app reads the config. Only the names below count as tokens, so that a
//! title such as "Budget $EUR" is never mistaken for one.
//!
//! NOTE: the names are those each vendor documents for app configuration
//! (Microsoft Intune, Jamf Pro, Workspace ONE, Ivanti EPMM, Kandji); the
//! lists are not exhaustive and were not checked against the vendors' pages.

use crate::app::Mdm;

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

/// Names whose values are people's or devices' display names, which may
/// contain a quote or a backslash and so break the JSON they are put into.
const DISPLAY_NAMES: &[&str] = &[
    "fullname",
    "realname",
    "displayname",
    "firstname",
    "lastname",
    "full_name",
    "devicename",
    "device_name",
    "devicefriendlyname",
    "username",
];

/// The syntax of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `{{name}}` (Intune).
    DoubleBrace,
    /// `{Name}` (Workspace ONE).
    Brace,
    /// `$NAME$` (Ivanti EPMM).
    DollarBoth,
    /// `$NAME` (Jamf Pro, Kandji).
    Dollar,
}

/// A variable written in some MDM's syntax: its text, name, byte offset in
/// the string, and the MDMs that know the name (empty for an unknown name).
#[derive(Debug, PartialEq)]
pub struct Token {
    pub text: String,
    pub name: String,
    pub syntax: Syntax,
    pub offset: usize,
    pub mdms: Vec<Mdm>,
}

impl Token {
    pub fn is_known(&self) -> bool {
        !self.mdms.is_empty()
    }

    /// Names the first MDM that replaces the token, for messages.
    pub fn mdm_name(&self) -> &'static str {
        self.mdms.first().map_or("an MDM", |m| m.name())
    }

    /// Says whether the value may contain characters that break JSON.
    pub fn is_display_name(&self) -> bool {
        DISPLAY_NAMES.contains(&self.name.to_ascii_lowercase().as_str())
    }
}

/// Returns the names an MDM knows, and whether they match without regard to
/// case.
pub fn names_of(mdm: Mdm) -> (&'static [&'static str], Syntax) {
    match mdm {
        Mdm::Intune => (INTUNE, Syntax::DoubleBrace),
        Mdm::Jamf => (JAMF, Syntax::Dollar),
        Mdm::Kandji => (KANDJI, Syntax::Dollar),
        Mdm::WorkspaceOne => (WORKSPACE_ONE, Syntax::Brace),
        Mdm::Ivanti => (IVANTI, Syntax::DollarBoth),
        Mdm::Fleet | Mdm::Generic => (&[], Syntax::Dollar),
    }
}

fn mdms_knowing(name: &str, syntax: Syntax) -> Vec<Mdm> {
    let lower = name.trim().to_ascii_lowercase();
    let mut mdms = Vec::new();
    match syntax {
        Syntax::DoubleBrace => {
            if INTUNE.contains(&lower.as_str()) {
                mdms.push(Mdm::Intune);
            }
        }
        Syntax::Brace => {
            if WORKSPACE_ONE.contains(&name) {
                mdms.push(Mdm::WorkspaceOne);
            }
        }
        Syntax::DollarBoth => {
            if IVANTI.contains(&name) {
                mdms.push(Mdm::Ivanti);
            }
        }
        Syntax::Dollar => {
            if JAMF.contains(&name) {
                mdms.push(Mdm::Jamf);
            }
            if KANDJI.contains(&name) {
                mdms.push(Mdm::Kandji);
            }
        }
    }
    mdms
}

/// Longest token name looked for, so that a run of braces costs linear time.
const MAX_NAME: usize = 40;

/// Finds every variable-shaped text in `text`, known or not. Callers that
/// want only real tokens keep those with `is_known()`.
pub fn scan(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let found = match bytes[i] {
            b'{' if bytes.get(i + 1) == Some(&b'{') => braced(text, i, "{{", "}}")
                .map(|name| (format!("{{{{{name}}}}}"), name, Syntax::DoubleBrace)),
            b'{' => braced(text, i, "{", "}")
                .filter(|name| name.chars().all(|c| c.is_ascii_alphanumeric()))
                .map(|name| (format!("{{{name}}}"), name, Syntax::Brace)),
            b'$' => dollar(text, i),
            _ => None,
        };
        match found {
            Some((token, name, syntax)) => {
                let len = token.len();
                tokens.push(Token {
                    mdms: mdms_knowing(name, syntax),
                    name: name.to_owned(),
                    text: token,
                    syntax,
                    offset: i,
                });
                i += len;
            }
            None => i += 1,
        }
    }
    tokens
}

/// Finds every known MDM token in `text`.
pub fn find(text: &str) -> Vec<Token> {
    scan(text).into_iter().filter(Token::is_known).collect()
}

/// Returns the name between `open` at `at` and the next `close`.
fn braced<'t>(text: &'t str, at: usize, open: &str, close: &str) -> Option<&'t str> {
    let rest = text.get(at + open.len()..)?;
    let mut window = (MAX_NAME + close.len()).min(rest.len());
    while !rest.is_char_boundary(window) {
        window -= 1;
    }
    let end = rest[..window].find(close)?;
    let name = &rest[..end];
    (!name.trim().is_empty() && !name.contains(['{', '}'])).then_some(name)
}

/// Reads `$NAME$` or `$NAME` at `at`; names are upper-case ASCII.
fn dollar(text: &str, at: usize) -> Option<(String, &str, Syntax)> {
    let rest = &text[at + 1..];
    let len = rest
        .bytes()
        .take(MAX_NAME + 1)
        .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
        .count();
    let name = &rest[..len];
    if len < 2 || !name.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    if rest[len..].starts_with('$') {
        return Some((format!("${name}$"), name, Syntax::DollarBoth));
    }
    Some((format!("${name}"), name, Syntax::Dollar))
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

    #[test]
    fn shared_names_list_every_mdm() {
        let email = &find("$EMAIL")[0];
        assert_eq!(email.mdms, [Mdm::Jamf, Mdm::Kandji]);
    }
}
