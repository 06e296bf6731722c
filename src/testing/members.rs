//! Members as any engine reports them, so that one comparison serves the
//! interpreter and the SQL engines alike.

use crate::backend::vm;
use crate::data::Dataset;
use crate::ir;
use crate::sema::schema::Schema;

/// One member of a segment.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub user: String,
    /// The arm, for a partition.
    pub arm: Option<String>,
    /// The holdout flag, when the segment declares a holdout.
    pub holdout: Option<bool>,
}

/// The members of `segment` over `data` as of `now`, on the interpreter.
pub fn evaluate(
    program: &ir::Program,
    schema: &Schema,
    segment: &ir::Segment,
    data: &Dataset,
    now: i64,
) -> Result<Vec<Member>, vm::exec::RunError> {
    let compiled = vm::compile(program, schema, segment);
    let root = compiled.segments.last().expect("verified: a root segment");
    let members = vm::run(&compiled, data, now, vm::exec::DEFAULT_STEP_BUDGET)?;
    Ok(members
        .into_iter()
        .map(|m| Member {
            user: data.users[m.user as usize].clone(),
            arm: m.arm.map(|a| root.arms[a as usize].clone()),
            holdout: m.holdout,
        })
        .collect())
}

/// Members from output rows (a header first: `user_id`, then `arm` or
/// `holdout`), as `segc run` and the SQL print them.
pub fn members_of_rows(rows: &[Vec<String>]) -> Vec<Member> {
    let Some((header, rows)) = rows.split_first() else {
        return Vec::new();
    };
    let column = |name: &str| header.iter().position(|h| h == name);
    let (arm, holdout) = (column("arm"), column("holdout"));
    rows.iter()
        .map(|row| Member {
            user: row.first().cloned().unwrap_or_default(),
            arm: arm.and_then(|i| row.get(i)).cloned(),
            holdout: holdout.and_then(|i| row.get(i)).map(|h| h == "true"),
        })
        .collect()
}
