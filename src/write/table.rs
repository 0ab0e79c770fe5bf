//! The `table` format: one row per key with its value type and value, as
//! key-value consoles ask for them (Workspace ONE, SimpleMDM, Intune's
//! configuration designer), written as CSV or as a Markdown table.

use std::io::Write;

use super::{TableStyle, WriteOptions, Writer, json::plist_to_json};
use crate::model::Config;
use crate::read::plist::SITES_KEY;

pub struct TableWriter;

/// The header row.
pub const HEADER: [&str; 3] = ["key", "type", "value"];

/// Returns the rows: key, value type and value as text.
fn rows(config: &Config) -> anyhow::Result<Vec<[String; 3]>> {
    let mut rows = vec![[
        SITES_KEY.to_owned(),
        "String".to_owned(),
        config.sites.to_json_text(),
    ]];
    for (key, value) in &config.other_keys {
        let (kind, text) = match value {
            plist::Value::String(s) => ("String", s.clone()),
            plist::Value::Boolean(b) => ("Boolean", b.to_string()),
            plist::Value::Integer(i) => ("Integer", i.to_string()),
            plist::Value::Real(r) => ("Real", r.to_string()),
            other => ("JSON", plist_to_json(other)?.to_string()),
        };
        rows.push([key.clone(), kind.to_owned(), text]);
    }
    Ok(rows)
}

impl Writer for TableWriter {
    fn write(
        &self,
        config: &Config,
        options: &WriteOptions,
        out: &mut dyn Write,
    ) -> anyhow::Result<()> {
        let rows = rows(config)?;
        match options.table_style {
            TableStyle::Csv => {
                let mut writer = csv::Writer::from_writer(out);
                writer.write_record(HEADER)?;
                for row in &rows {
                    writer.write_record(row)?;
                }
                writer.flush()?;
            }
            TableStyle::Markdown => {
                writeln!(out, "| {} |", HEADER.join(" | "))?;
                writeln!(out, "| --- | --- | --- |")?;
                for row in &rows {
                    let cells: Vec<String> = row.iter().map(|cell| markdown_cell(cell)).collect();
                    writeln!(out, "| {} |", cells.join(" | "))?;
                }
            }
        }
        Ok(())
    }
}

/// Escapes a Markdown table cell: `\` and `|` get a backslash, and line
/// breaks become spaces (the JSON is on one line anyway).
fn markdown_cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}
