//! `confluence-mdm`: generate and validate the MDM managed app configuration
//! of the Confluence Data Center iOS app. `main.rs` only parses arguments and
//! maps the result of `cli::run` to the exit status.

pub mod app;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod document;
pub mod finding;
pub mod input;
pub mod model;
pub mod probe;
pub mod read;
pub mod report;
pub mod source;
pub mod write;
