//! The `followup` binary: parse the command line, run it, report failure in one line.

use clap::Parser;

/// mimalloc instead of the system allocator: a digest pass and the slash-command path allocate
/// many small strings and vectors, and glibc's `malloc`/`free` were a third of the pass's profile.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = followup::cli::Cli::parse();
    match followup::cli::run(cli).await {
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
