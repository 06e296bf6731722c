//! Running the `segc` binary, for the tests of its commands.

#![allow(dead_code)] // each test binary uses a part

use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

pub mod fuzz;
pub mod hostile;
pub mod mutate;

pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Runs `segc args` in `dir` with `stdin`, without colour.
pub fn run(dir: &Path, args: &[&str], stdin: &str) -> Output {
    run_env(dir, args, stdin, &[])
}

/// [`run`] with more environment variables (`SEGC_DUCKDB`).
pub fn run_env(dir: &Path, args: &[&str], stdin: &str, env: &[(&str, &OsStr)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_segc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that does not read stdin may exit before it is written.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
