//! The SQL backend: typed IR → a typed SQL tree ([`ast`]) → text ([`print`]),
//! one [`Dialect`] per engine.

pub mod ast;
pub mod dialect;
mod gen;
pub mod print;

pub use dialect::Dialect;
pub use gen::Output;

use crate::ir::Program;
use crate::sema::schema::Schema;
use crate::time::Timestamp;

/// What to compile and how.
pub struct SqlOptions<'a> {
    pub dialect: &'a dyn Dialect,
    /// The evaluation instant; `None` uses the engine's current time.
    pub as_of: Option<Timestamp>,
}

/// Typed IR → SQL text: the query for `output`, in the options' dialect.
pub fn to_sql(program: &Program, schema: &Schema, output: Output, options: &SqlOptions) -> String {
    let generator = gen::Generator {
        dialect: options.dialect,
        program,
        schema,
        as_of: options.as_of,
    };
    print::query(&generator.query(output), options.dialect)
}
