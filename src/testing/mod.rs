//! Test files for segment definitions (`*.segtest.toml`, docs/testing.md):
//! a small fixture of users and events, an evaluation instant, and the
//! members each segment must have. `segc test` runs them in CI, so that a
//! change to a definition that moves its audience fails a build instead of
//! a campaign.
//!
//! The fixture is read into the same [`Dataset`](crate::data::Dataset) as
//! event files are (through the same readers), so a test sees exactly what
//! `segc run` would.

mod compare;
mod file;
mod fixture;
mod members;
mod show;

pub use compare::Mismatch;
pub use file::{load, Expectation, TestFile};
pub use fixture::Rows;
pub use members::{evaluate, members_of_rows, Member};
pub use show::{user_facts, UserFacts};

use std::io;
use std::path::{Path, PathBuf};

/// How test files are named.
pub const SUFFIX: &str = ".segtest.toml";

pub fn is_test_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(SUFFIX))
}

/// Every test file below `dir`, sorted, found as the project's `.seg`
/// files are.
pub fn discover(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    crate::sema::find_files(dir, &is_test_file, &mut found)?;
    found.sort();
    Ok(found)
}
