//! The `junit` report: JUnit XML for GitLab and Jenkins test reports, with
//! one test suite per file and one test case per rule. A case fails when the
//! rule found something that fails the run; other findings of the rule go to
//! its `system-out`, and rules the policy allows are skipped.

use std::io::{self, Write};

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::{FileReport, locate};
use crate::check::policy::{Level, Policy};
use crate::check::rules::ALL;
use crate::finding::Finding;
use crate::input::ReadError;

fn describe(report: &FileReport, finding: &Finding) -> String {
    let place = match locate(report.doc, finding) {
        Some(at) => format!("{}:{}:{}", report.doc.name, at.start.line, at.start.column),
        None => report.doc.name.clone(),
    };
    let mut text = format!("{place}: {}: {}", finding.severity, finding.message);
    if let Some(help) = &finding.help {
        text.push_str(&format!("\n  help: {help}"));
    }
    text
}

/// Writes one `testsuites` document for all files.
pub fn write_junit(
    out: &mut dyn Write,
    reports: &[FileReport],
    unreadable: &[ReadError],
    policy: &Policy,
) -> io::Result<()> {
    let mut writer = Writer::new_with_indent(out, b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let total_failures: usize = reports.iter().map(|r| failing_rules(r, policy)).sum();
    let total_tests = reports.len() * ALL.len() + unreadable.len();
    writer
        .create_element("testsuites")
        .with_attribute(("name", env!("CARGO_PKG_NAME")))
        .with_attribute(("tests", total_tests.to_string().as_str()))
        .with_attribute(("failures", total_failures.to_string().as_str()))
        .with_attribute(("errors", unreadable.len().to_string().as_str()))
        .write_inner_content(|writer| {
            for report in reports {
                write_suite(writer, report, policy)?;
            }
            for error in unreadable {
                write_unreadable(writer, error)?;
            }
            Ok(())
        })?;
    writer.get_mut().write_all(b"\n")
}

/// Writes a suite with one erroring case for an input that could not be read.
fn write_unreadable<W: Write>(writer: &mut Writer<W>, error: &ReadError) -> io::Result<()> {
    writer
        .create_element("testsuite")
        .with_attribute(("name", error.name.as_str()))
        .with_attribute(("tests", "1"))
        .with_attribute(("errors", "1"))
        .write_inner_content(|writer| {
            writer
                .create_element("testcase")
                .with_attribute(("classname", error.name.as_str()))
                .with_attribute(("name", "read"))
                .write_inner_content(|w| {
                    w.create_element("error")
                        .with_attribute(("message", error.reason.as_str()))
                        .write_empty()
                        .map(|_| ())
                })?;
            Ok(())
        })?;
    Ok(())
}

fn failing_rules(report: &FileReport, policy: &Policy) -> usize {
    ALL.iter()
        .filter(|rule| {
            report
                .findings
                .iter()
                .any(|f| f.rule.id == rule.id && policy.fails(f))
        })
        .count()
}

fn write_suite<W: Write>(
    writer: &mut Writer<W>,
    report: &FileReport,
    policy: &Policy,
) -> io::Result<()> {
    let name = report.doc.name.as_str();
    writer
        .create_element("testsuite")
        .with_attribute(("name", name))
        .with_attribute(("tests", ALL.len().to_string().as_str()))
        .with_attribute((
            "failures",
            failing_rules(report, policy).to_string().as_str(),
        ))
        .write_inner_content(|writer| {
            for rule in ALL {
                let findings: Vec<&Finding> = report
                    .findings
                    .iter()
                    .filter(|f| f.rule.id == rule.id)
                    .collect();
                let failing: Vec<&&Finding> = findings.iter().filter(|f| policy.fails(f)).collect();
                let case = writer
                    .create_element("testcase")
                    .with_attribute(("classname", name))
                    .with_attribute(("name", rule.id));
                if policy.level(rule) == Level::Allow {
                    case.write_inner_content(|w| {
                        w.create_element("skipped").write_empty().map(|_| ())
                    })?;
                } else if findings.is_empty() {
                    case.write_empty()?;
                } else {
                    case.write_inner_content(|w| {
                        if let Some(first) = failing.first() {
                            let details: Vec<String> =
                                failing.iter().map(|f| describe(report, f)).collect();
                            w.create_element("failure")
                                .with_attribute(("message", first.message.as_str()))
                                .with_attribute(("type", first.severity.as_str()))
                                .write_text_content(BytesText::new(&details.join("\n")))?;
                        }
                        let others: Vec<String> = findings
                            .iter()
                            .filter(|f| !policy.fails(f))
                            .map(|f| describe(report, f))
                            .collect();
                        if !others.is_empty() {
                            w.create_element("system-out")
                                .write_text_content(BytesText::new(&others.join("\n")))?;
                        }
                        Ok(())
                    })?;
                }
            }
            Ok(())
        })?;
    Ok(())
}
