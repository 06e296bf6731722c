//! Backends: the typed IR turned into something that runs.

pub mod sql;
