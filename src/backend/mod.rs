//! Backends: the typed IR turned into something that runs.

mod regex;
pub mod sql;
pub mod vm;
