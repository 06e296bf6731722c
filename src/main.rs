//! The `segc` binary: see `segc --help`.

mod cli;

fn main() -> std::process::ExitCode {
    quiet_on_closed_stdout();
    cli::main()
}

/// `segc sql … | head` closes segc's stdout early. Rust ignores SIGPIPE, so
/// the next write fails and `print!` panics ("Broken pipe", exit 101).
/// Restoring the default action ends segc quietly there instead, as `cat`
/// and every other Unix filter end.
fn quiet_on_closed_stdout() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any thread starts;
    // setting a signal's action to its default has no other precondition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
