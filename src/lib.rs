//! segc: the compiler for Seg, a language for behavioural customer segments.
//!
//! The pipeline, one public function per boundary:
//!
//! ```text
//! text ──tokens()──► tokens ──parse()──► AST ──check()──► typed IR
//! ```
//!
//! [`Project`] gathers the texts (from disk, stdin or memory); every stage's
//! output is serde-serializable and printable from the CLI.

pub mod diagnostics;
pub mod ir;
pub mod sema;
pub mod span;
pub mod syntax;
pub mod time;

pub use sema::{check, Checked, Project};
pub use syntax::{lex as tokens, parse};
