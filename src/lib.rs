//! segc: the compiler for Seg, a language for behavioural customer segments.
//!
//! The pipeline, one public function per boundary:
//!
//! ```text
//! text ──tokens()──► tokens ──parse()──► AST ──check()──► typed IR
//! ```
//!
//! Every stage's output is serde-serializable and printable from the CLI.

pub mod diagnostics;
pub mod ir;
pub mod sema;
pub mod span;
pub mod syntax;
pub mod time;


pub use syntax::{lex as tokens, parse};
