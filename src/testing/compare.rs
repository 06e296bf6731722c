//! Comparing what an engine returned with what a test expects, part by part
//! (members, holdout, each arm), so a failure says exactly which users are
//! missing and which are unexpected.

use std::collections::BTreeSet;

use super::{Expectation, Member};

/// One part of an expectation that the members do not meet.
#[derive(Clone, Debug, PartialEq)]
pub struct Mismatch {
    /// `members`, `holdout` or `arm NAME`.
    pub part: String,
    pub expected: Vec<String>,
    pub actual: Vec<String>,
    /// Expected but not returned.
    pub missing: Vec<String>,
    /// Returned but not expected.
    pub unexpected: Vec<String>,
}

impl Expectation {
    /// Every part that differs; empty when the test passes.
    pub fn compare(&self, members: &[Member]) -> Vec<Mismatch> {
        let users = |keep: &dyn Fn(&Member) -> bool| -> BTreeSet<String> {
            members
                .iter()
                .filter(|m| keep(m))
                .map(|m| m.user.clone())
                .collect()
        };
        let mut parts: Vec<(String, &BTreeSet<String>, BTreeSet<String>)> = Vec::new();
        if let Some(expected) = &self.members {
            let actual = users(&|m| self.arm.is_none() || m.arm == self.arm);
            parts.push(("members".into(), expected, actual));
        }
        if let Some(expected) = &self.holdout {
            parts.push((
                "holdout".into(),
                expected,
                users(&|m| m.holdout == Some(true)),
            ));
        }
        for (arm, expected) in self.arms.iter().flatten() {
            let actual = users(&|m| m.arm.as_ref() == Some(arm));
            parts.push((format!("arm {arm}"), expected, actual));
        }
        parts
            .into_iter()
            .filter(|(_, expected, actual)| *expected != actual)
            .map(|(part, expected, actual)| Mismatch {
                part,
                missing: expected.difference(&actual).cloned().collect(),
                unexpected: actual.difference(expected).cloned().collect(),
                expected: expected.iter().cloned().collect(),
                actual: actual.into_iter().collect(),
            })
            .collect()
    }
}
