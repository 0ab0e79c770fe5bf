//! `schema`: print the embedded JSON Schema of the site list.

use super::{Status, Streams, ignore_broken_pipe};
use crate::check::schema::SCHEMA;

pub fn run(streams: &mut Streams) -> anyhow::Result<Status> {
    ignore_broken_pipe(streams.out.write_all(SCHEMA.as_bytes()))?;
    Ok(Status::Ok)
}
