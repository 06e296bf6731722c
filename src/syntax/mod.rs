//! Syntax: tokens (logos), the grammar (pest) and the AST.

pub mod ast;
mod escape;
mod lex_checks;
pub mod parser;
mod recover;
mod slips;
mod syntax_error;
pub mod token;

pub use parser::MAX_DEPTH;
pub use recover::{parse, Broken, Parsed};
pub use token::{lex, Token, TokenKind, KEYWORDS};
