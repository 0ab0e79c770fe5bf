//! The app a config is for, and the MDM it goes to: the facts that change
//! messages, defaults and checks.

use crate::probe::manifest::Version;
use crate::write::OutputFormat;

/// The Atlassian Data Center app that reads the config. Both read the same
/// `sites` contract (Atlassian's "Configure OAuth 2.0 for Confluence iOS"
/// and "... for Jira iOS" pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum App {
    #[default]
    Confluence,
    Jira,
}

impl App {
    pub fn product(self) -> &'static str {
        match self {
            App::Confluence => "Confluence",
            App::Jira => "Jira",
        }
    }

    /// Returns the redirect URL of the incoming application link.
    pub fn redirect_url(self) -> &'static str {
        match self {
            App::Confluence => "confluence-server://oauth-callback",
            App::Jira => "jira-server://oauth-callback",
        }
    }

    /// Returns the server versions that offer OAuth 2.0 to the app.
    pub fn version_gate(self) -> &'static str {
        match self {
            App::Confluence => "Confluence 9.1 or later with the OAuth 2.0 plugin 4.1.1 or later",
            App::Jira => {
                "Jira 9.12.14 or later with the OAuth plugin 3.1.14 or later, or Jira 10.1.0 or later with 4.1.0 or later"
            }
        }
    }

    /// Returns the `typeId` the server's application links manifest gives.
    pub fn type_id(self) -> &'static str {
        match self {
            App::Confluence => "confluence",
            App::Jira => "jira",
        }
    }

    /// Returns the app whose server has this manifest `typeId`.
    pub fn from_type_id(id: &str) -> Option<App> {
        [App::Confluence, App::Jira]
            .into_iter()
            .find(|app| app.type_id().eq_ignore_ascii_case(id))
    }

    /// Returns whether a server of this version offers OAuth 2.0 to the app:
    /// Confluence 9.1+, or Jira 9.12.14+ on the 9.x line or 10.1.0+, which
    /// leaves Jira 10.0 out ("Configure OAuth 2.0 for Confluence iOS" and
    /// its Jira counterpart on Atlassian's documentation site).
    pub fn offers_oauth2(self, version: &Version) -> bool {
        match self {
            App::Confluence => *version >= Version::new(&[9, 1]),
            App::Jira => {
                (*version >= Version::new(&[9, 12, 14]) && *version < Version::new(&[10]))
                    || *version >= Version::new(&[10, 1])
            }
        }
    }

    /// Returns the shortest form of the version needed, for messages.
    pub fn minimum_version(self) -> &'static str {
        match self {
            App::Confluence => "9.1 or later",
            App::Jira => "9.12.14 or later on 9.x, or 10.1 or later",
        }
    }

    /// Returns the other product, whose sites do not belong in this config.
    pub fn other(self) -> App {
        match self {
            App::Confluence => App::Jira,
            App::Jira => App::Confluence,
        }
    }
}

/// An MDM, which decides the default output format and which variables are
/// replaced before the app reads the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mdm {
    Intune,
    Jamf,
    WorkspaceOne,
    Ivanti,
    Kandji,
    Fleet,
    Generic,
}

impl Mdm {
    pub fn name(self) -> &'static str {
        match self {
            Mdm::Intune => "Intune",
            Mdm::Jamf => "Jamf Pro",
            Mdm::WorkspaceOne => "Workspace ONE",
            Mdm::Ivanti => "Ivanti EPMM",
            Mdm::Kandji => "Kandji",
            Mdm::Fleet => "Fleet",
            Mdm::Generic => "a generic MDM",
        }
    }

    /// The format its console takes: Intune's "Enter XML data" and Jamf
    /// Pro's preferences take a bare `<dict>`; Workspace ONE takes key,
    /// type and value rows; Ivanti EPMM takes a plist file upload.
    pub fn default_format(self) -> OutputFormat {
        match self {
            Mdm::Intune | Mdm::Jamf | Mdm::Fleet | Mdm::Kandji => OutputFormat::Dict,
            Mdm::WorkspaceOne => OutputFormat::Table,
            Mdm::Ivanti | Mdm::Generic => OutputFormat::Plist,
        }
    }

    /// Says whether the console wraps a pasted `<dict>` itself, so that a
    /// full plist document breaks it.
    pub fn takes_bare_dict(self) -> bool {
        matches!(self, Mdm::Intune | Mdm::Jamf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_gates() {
        let v = |t: &str| Version::parse(t).unwrap();
        assert!(App::Confluence.offers_oauth2(&v("9.1.0")));
        assert!(App::Confluence.offers_oauth2(&v("10.0.1")));
        assert!(!App::Confluence.offers_oauth2(&v("9.0.3")));
        assert!(App::Jira.offers_oauth2(&v("9.12.14")));
        assert!(!App::Jira.offers_oauth2(&v("9.12.13")));
        assert!(!App::Jira.offers_oauth2(&v("10.0.1")));
        assert!(App::Jira.offers_oauth2(&v("10.1.0")));
    }
}
