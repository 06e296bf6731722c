//! The interpreter backend: typed IR → bytecode ([`program`]) → evaluation
//! over in-memory event data ([`exec`]), with exactly the meaning the SQL
//! backend gives each construct.

mod compile;
pub mod exec;
mod fields;
pub mod program;
pub mod verify;

pub use compile::compile;
pub use exec::{run, Member, RunError};
pub use program::{LoadError, Program};
