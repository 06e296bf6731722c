//! The `segc` binary: see `segc --help`.

mod cli;

fn main() -> std::process::ExitCode {
    quiet_on_closed_stdout();
    quiet_on_caught_parquet_panics();
    cli::main()
}

/// The parquet crate still panics on some corrupt files; segc's reader
/// catches those panics and reports the file, row group and column
/// (`segc::data::decoding_parquet`). The default hook would first print the
/// crate's panic message (and a backtrace) as if segc had crashed.
fn quiet_on_caught_parquet_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !segc::data::decoding_parquet() {
            default(info)
        }
    }));
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
