//! The `segc` binary: see `segc --help`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
