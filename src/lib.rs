//! segc: the compiler for Seg, a language for behavioural customer segments.
//!
//! The pipeline, one public function per boundary:
//!
//! ```text
//! text ──tokens()──► tokens ──parse()──► AST ──check()──► typed IR ──to_sql()──► SQL
//! ```
//!
//! [`Project`] gathers the texts (from disk, stdin or memory); every stage's
//! output is serde-serializable and printable from the CLI.

// AST and IR nodes are built once per definition and walked a few times;
// boxing their large variants would add indirection for no measurable gain.
#![allow(clippy::large_enum_variant)]

pub mod backend;
pub mod calendar;
pub mod chars;
pub mod data;
pub mod diagnostics;
pub mod fmt;
pub mod ir;
pub mod lint;
pub mod opt;
pub mod sema;
pub mod span;
pub mod syntax;
pub mod testing;
pub mod time;

pub use backend::sql::to_sql;

/// The IR every backend compiles: the checked program after the optimizer
/// (references inlined). `segc sql`, `snapshot`, `run` (on either engine),
/// `bytecode` and `test` all take their program from here, so a definition
/// has one compiled meaning whichever command runs it.
pub fn backend_program(checked: &ir::Program) -> ir::Program {
    opt::optimize(checked, true).0
}
pub use sema::{check, Checked, Project};
pub use syntax::{lex as tokens, parse};
