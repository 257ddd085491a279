//! The `followup` command line: parses arguments and runs one command.

use std::io::Write;

use clap::{Parser, Subcommand};

use crate::config::{Config, ServeConfig};
use crate::domain::cadence::{AfterEnd, Cadence, BUILT_IN};
use crate::store;

#[derive(Debug, Parser)]
#[command(
    name = "followup",
    version,
    about = "Makes sales reps follow up: cadences, a morning digest, one-click logging in Slack."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply migrations, serve Slack's requests over HTTP (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Print the built-in cadences, step by step.
    Cadences,
}

/// Runs the command line; `Err` carries the one-line reason for stderr.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None | Some(Command::Serve) => {
            let config = Config::from_env()?;
            let serve = ServeConfig::from_env()?;
            crate::config::init_logging();
            crate::app::serve(config, serve).await
        }
        Some(Command::Migrate) => migrate().await,
        Some(Command::Cadences) => {
            let mut out = std::io::stdout().lock();
            out.write_all(render_cadences().as_bytes())?;
            Ok(())
        }
    }
}

async fn migrate() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let store = store::connect(&config.database_url).await?;
    store.migrate().await?;
    println!(
        "migrations applied to {}",
        store::redact_url(&config.database_url)
    );
    Ok(())
}

/// Every built-in cadence: its id, when to use it, and each step's day, channels and message.
pub fn render_cadences() -> String {
    BUILT_IN
        .iter()
        .map(render_cadence)
        .collect::<Vec<_>>()
        .join("\n")
}

fn render_cadence(c: &Cadence) -> String {
    let mut out = format!("{} — {}\n  {}\n", c.id, c.name, c.when);
    for (i, step) in c.steps.iter().enumerate() {
        out.push_str(&format!(
            "  {:>2}. day {:>3}  {}  ({})\n      {}\n",
            i + 1,
            step.day,
            step.channel_label(),
            step.purpose,
            step.template
        ));
    }
    let then = match c.after {
        AfterEnd::AskRep => {
            "  then: if no reply, the digest asks: one more touch, nurture, or close\n".to_string()
        }
        AfterEnd::MoveTo(next) => format!("  then: moves to `{next}`\n"),
        AfterEnd::Repeat { every_days } => {
            format!("  then: repeats every {every_days} days until a reply or a stop\n")
        }
    };
    out.push_str(&then);
    out
}
