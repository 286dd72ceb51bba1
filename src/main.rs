//! The `cyberdrill` binary: parses arguments and hands over to [`cyberdrill::cli`].
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    cyberdrill::cli::main()
}
