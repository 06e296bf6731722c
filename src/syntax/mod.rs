//! Syntax: tokens (logos), the grammar (pest) and the AST.

pub mod ast;
pub mod parser;
mod syntax_error;
pub mod token;

pub use parser::{parse, Parsed, MAX_DEPTH};
pub use token::{lex, Token, TokenKind, KEYWORDS};
