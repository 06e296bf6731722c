//! The interpreter backend: typed IR → bytecode ([`program`]) → evaluation
//! over in-memory event data ([`exec`]), with exactly the meaning the SQL
//! backend gives each construct.

mod compile;
pub mod exec;
pub mod program;

pub use compile::compile;
pub use exec::{run, Member, RunError};
pub use program::{LoadError, Program};
