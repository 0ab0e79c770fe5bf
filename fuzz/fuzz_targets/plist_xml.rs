#![no_main]

#[path = "common.rs"]
mod common;

use confluence_mdm::read::InputFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| common::exercise(data, InputFormat::Plist));
