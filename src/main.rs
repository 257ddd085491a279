//! The `followup` binary: parse the command line, run it, report failure in one line.

/// mimalloc instead of the system allocator: a digest pass and the slash-command path allocate
/// many small strings and vectors, and glibc's `malloc`/`free` were a third of the pass's profile.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // The command line and the environment (with `.env`) are read before the runtime starts any
    // thread: reading `.env` changes the process environment.
    let ran = followup::cli::Cli::parse_with_env().and_then(|cli| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?
            .block_on(followup::cli::run(cli))
    });
    match ran {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("followup: {}", one_line(&e));
            std::process::ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line: `could not connect: connection refused`.
fn one_line(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain().map(|c| c.to_string()) {
        // Libraries often repeat their source's text in their own; say each thing once.
        if !parts.last().is_some_and(|last| last.contains(&cause)) {
            parts.push(cause);
        }
    }
    parts.join(": ").replace('\n', " ")
}
