//! The SQL backend: typed IR → a typed SQL tree ([`ast`]) → the rewrites the
//! dialect's capabilities call for ([`rewrite`]) → text ([`print`]), one
//! [`Dialect`] per engine.

pub mod ast;
pub mod dialect;
mod gen;
pub mod print;
pub mod rewrite;

pub use dialect::Dialect;
pub use gen::Output;
pub use rewrite::Unsupported;

use crate::ir::Program;
use crate::sema::schema::Schema;
use crate::span::SourceMap;
use crate::time::Timestamp;

/// What to compile and how.
pub struct SqlOptions<'a> {
    pub dialect: &'a dyn Dialect,
    /// The evaluation instant; `None` uses the engine's current time.
    pub as_of: Option<Timestamp>,
    /// The definitions' source files: with them, comments in the SQL quote
    /// the Seg text each part implements and name its file and line.
    pub sources: Option<&'a SourceMap>,
}

/// Typed IR → SQL text: the query for `output`, in the options' dialect;
/// an error when it needs a construct that the dialect cannot express.
pub fn to_sql(
    program: &Program,
    schema: &Schema,
    output: Output,
    options: &SqlOptions,
) -> Result<String, Unsupported> {
    let generator = gen::Generator {
        dialect: options.dialect,
        program,
        schema,
        as_of: options.as_of,
        sources: options.sources,
    };
    let mut query = generator.query(output);
    rewrite::for_dialect(&mut query, options.dialect)?;
    Ok(print::query(&query, options.dialect))
}

/// Whether SQL text is safe to feed a line-oriented client such as the
/// DuckDB CLI or psql: no control character but the line feed, nothing that
/// changes how a line displays, and no line starting with `.` (the DuckDB
/// CLI runs such a line as a command, `.shell` included). Generated SQL
/// always passes, since literals spell such characters out
/// ([`Dialect::string_literal`]); the routes that run SQL check it anyway.
pub fn check_cli_safe(sql: &str) -> Result<(), String> {
    if let Some(c) = sql
        .chars()
        .find(|c| *c != '\n' && crate::chars::spelled_out_in_sql(*c))
    {
        return Err(format!(
            "the SQL holds the raw character {}",
            crate::chars::code_point(c)
        ));
    }
    match sql.lines().position(|line| line.starts_with('.')) {
        Some(n) => Err(format!("line {} of the SQL starts with `.`", n + 1)),
        None => Ok(()),
    }
}
