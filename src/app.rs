//! The app a config is for, and the MDM it goes to: the facts that change
//! messages, defaults and checks.

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
