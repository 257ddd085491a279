//! The `followup` command line: parses arguments and runs one command.

use std::io::Write;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::domain::cadence::{AfterEnd, Cadence, BUILT_IN};

#[derive(Debug, Parser)]
#[command(
    name = "followup",
    version,
    about = "Makes sales reps follow up: cadences, a morning digest, one-click logging in Slack."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

impl Cli {
    /// The command line, each setting from its flag, else the environment, else `.env` in the
    /// working directory (for every command but `demo`, which reads no `.env`). Exits as clap
    /// does on `--help` or a usage error. It changes the process environment, so it runs before
    /// any other thread starts.
    pub fn parse_with_env() -> anyhow::Result<Self> {
        // Parsed once to learn the command, then again once `.env` is in the environment: clap
        // reads each variable when it builds the parser.
        let first = Self::parse();
        if first.command.as_ref().is_none_or(Command::reads_dotenv) {
            crate::config::load_dotenv()?;
        }
        crate::config::unset_blank_variables();
        Ok(Self::parse())
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply migrations, serve Slack's requests over HTTP (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Print the cadences step by step: the built-ins, or a team's own with --team; `export`
    /// prints them as a cadence file, `import` adds or replaces a team's from one.
    Cadences {
        #[command(subcommand)]
        action: Option<CadencesAction>,
        /// The Slack workspace (team id) whose own cadences to print.
        #[arg(long)]
        team: Option<String>,
    },
    /// Run one digest pass, as if the clock read --at.
    Digest {
        /// The instant to run as, in RFC 3339 (default: now), e.g. 2026-11-23T08:00:00Z.
        #[arg(long)]
        at: Option<String>,
        /// Print each digest's Block Kit JSON and send nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Import prospects from a CSV file (header row; followup, HubSpot, Salesforce or Pipedrive columns).
    Import {
        /// The CSV file, UTF-8.
        file: std::path::PathBuf,
        /// The Slack workspace (team id), e.g. T0123ABCD.
        #[arg(long)]
        team: String,
        /// The rep (Slack user id) who will own the imported prospects.
        #[arg(long)]
        user: String,
    },
    /// Print the workspace's prospects, or one rep's, as CSV.
    Export {
        /// The Slack workspace (team id).
        #[arg(long)]
        team: String,
        /// Only this rep's prospects (Slack user id).
        #[arg(long)]
        user: Option<String>,
    },
    /// Delete everything followup holds about a workspace now: prospects (names, emails, phones,
    /// notes), touches, reps and settings, and its stored token.
    Purge {
        /// The Slack workspace (team id), e.g. T0123ABCD.
        #[arg(long)]
        team: String,
        /// Purge even though the workspace still has followup installed.
        #[arg(long)]
        force: bool,
    },
    /// Fill an empty database with a large sales org for benchmarks (see BENCHMARKS.md).
    #[command(hide = true)]
    BenchData {
        #[arg(long, default_value_t = 10_000)]
        reps: u32,
        /// Prospects per rep.
        #[arg(long, default_value_t = 100)]
        prospects: u32,
        /// Past done touches per prospect, in earlier, ended enrolments.
        #[arg(long, default_value_t = 2)]
        history: u32,
        /// The morning the data is laid out for, in RFC 3339 (default 2026-11-24T16:00:00Z).
        #[arg(long)]
        at: Option<String>,
    },
    /// Try followup without Slack: the real server with a stand-in for Slack and a web page at
    /// http://localhost:3000/demo, on loopback only, with a sample team.
    Demo {
        /// The port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = crate::demo::DEFAULT_PORT)]
        port: u16,
        /// The demo's own SQLite file.
        #[arg(long, default_value = crate::demo::DEFAULT_DB)]
        db: std::path::PathBuf,
        /// Start without the sample team.
        #[arg(long)]
        empty: bool,
    },
}

impl Command {
    /// Whether the command reads `.env`: every command that opens the database or talks to Slack
    /// does; the demo never does (it refuses real credentials), nor does printing the built-in
    /// cadences, which needs no configuration at all.
    fn reads_dotenv(&self) -> bool {
        match self {
            Command::Demo { .. } => false,
            Command::Cadences { action, team } => match action {
                None => team.is_some(),
                Some(CadencesAction::Export { team: own }) => own.is_some() || team.is_some(),
                Some(CadencesAction::Import { .. }) => true,
            },
            _ => true,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum CadencesAction {
    /// Print cadences as a file to edit and import: the built-ins, or a team's own with --team.
    Export {
        #[arg(long)]
        team: Option<String>,
    },
    /// Check a cadence file and, if every check passes, add or replace the team's cadences with
    /// it; a file that fails changes nothing and every problem is listed.
    Import {
        /// The Slack workspace (team id).
        #[arg(long)]
        team: String,
        /// The cadence file (TOML).
        file: std::path::PathBuf,
    },
}

/// Runs the command line; `Err` carries the one-line reason for stderr.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config;
    match cli.command {
        None | Some(Command::Serve) => {
            let serve = config.serve()?;
            crate::config::init_logging(config.log_format);
            crate::app::serve(serve).await
        }
        Some(Command::Migrate) => migrate(&config).await,
        Some(Command::Digest { at, dry_run }) => digest(&config, at.as_deref(), dry_run).await,
        Some(Command::Import { file, team, user }) => {
            import_csv(&config, &file, &team, &user).await
        }
        Some(Command::Export { team, user }) => export_csv(&config, &team, user.as_deref()).await,
        Some(Command::Purge { team, force }) => purge(&config, &team, force).await,
        Some(Command::Demo { port, db, empty }) => {
            crate::demo::run(crate::demo::Options { port, db, empty }, &config).await
        }
        Some(Command::BenchData {
            reps,
            prospects,
            history,
            at,
        }) => crate::bench_data::run(&config, reps, prospects, history, at.as_deref()).await,
        Some(Command::Cadences { action, team }) => {
            super::cli_cadences::run(&config, action, team).await
        }
    }
}

async fn migrate(config: &Config) -> anyhow::Result<()> {
    let settings = config.settings()?;
    settings.open_store().await?;
    println!("migrations applied to {}", settings.database_shown());
    Ok(())
}

async fn digest(config: &Config, at: Option<&str>, dry_run: bool) -> anyhow::Result<()> {
    let now = match at {
        Some(raw) => chrono::DateTime::parse_from_rfc3339(raw)
            .map_err(|_| {
                anyhow::anyhow!(
                    "--at `{raw}` is not an RFC 3339 instant, e.g. 2026-11-23T08:00:00Z"
                )
            })?
            .with_timezone(&chrono::Utc),
        None => chrono::Utc::now(),
    };
    let settings = config.settings()?;
    let slack_config = config.slack()?;
    let store = settings.open_store().await?;
    let slack = slack_config.api(store.clone())?;
    if !dry_run && !slack.has_token() {
        anyhow::bail!(
            "SLACK_BOT_TOKEN is not set, so no digest can be sent; --dry-run previews them"
        );
    }
    let clock: std::sync::Arc<dyn crate::clock::Clock> =
        std::sync::Arc::new(crate::clock::SystemClock);
    let service = std::sync::Arc::new(crate::service::Service::new(
        store,
        clock,
        settings.digest_time,
    ));
    let digester = crate::digest::Digester::new(
        service,
        std::sync::Arc::new(slack),
        settings.digest_concurrency,
    );
    // Each preview is printed as soon as it is ready, so a pass over many reps holds few.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let report = digester
        .run_pass_with(now, dry_run, |preview| -> anyhow::Result<()> {
            preview.write_json(&mut out)?;
            out.write_all(b"\n")?;
            Ok(())
        })
        .await?;
    out.flush()?;
    eprintln!(
        "{} digests {}, {} skipped, {} unreachable, {} failed",
        if dry_run {
            report.previewed
        } else {
            report.sent.len()
        },
        if dry_run { "previewed" } else { "sent" },
        report.skipped,
        report.unreachable.len(),
        report.failed.len()
    );
    if !report.failed.is_empty() {
        anyhow::bail!(
            "{} digests could not be sent; the next pass retries them",
            report.failed.len()
        );
    }
    Ok(())
}

/// `--team` / `--user` must name someone: an empty id would file prospects under nobody.
fn slack_id<'a>(flag: &str, value: &'a str) -> anyhow::Result<&'a str> {
    let id = value.trim();
    if id.is_empty() {
        anyhow::bail!("{flag} is empty; give a Slack id such as T0123ABCD or U0123ABCD");
    }
    Ok(id)
}

async fn import_csv(
    config: &Config,
    file: &std::path::Path,
    team: &str,
    user: &str,
) -> anyhow::Result<()> {
    let rep = crate::domain::RepRef::new(slack_id("--team", team)?, slack_id("--user", user)?);
    let data =
        std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let settings = config.settings()?;
    let store = settings.open_store().await?;
    let clock: std::sync::Arc<dyn crate::clock::Clock> =
        std::sync::Arc::new(crate::clock::SystemClock);
    let service = crate::service::Service::new(store, clock, settings.digest_time);
    let today = service
        .settings(&rep)
        .await?
        .context(service.clock.now())
        .today;
    let rows = crate::csv_io::read_prospects(data.as_slice(), today)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let summary = crate::csv_io::import(&service, &rep, rows).await;
    println!("{summary}");
    if !summary.failed.is_empty() {
        anyhow::bail!(
            "{} rows could not be saved because the database failed; importing the file again adds them",
            summary.failed.len()
        );
    }
    Ok(())
}

async fn export_csv(config: &Config, team: &str, user: Option<&str>) -> anyhow::Result<()> {
    let team = slack_id("--team", team)?;
    let user = user.map(|u| slack_id("--user", u)).transpose()?;
    let store = config.settings()?.open_store().await?;
    let prospects = store.team_prospects(team, user).await?;
    crate::csv_io::write_prospects(std::io::stdout().lock(), &prospects)?;
    Ok(())
}

async fn purge(config: &Config, team: &str, force: bool) -> anyhow::Result<()> {
    let team = slack_id("--team", team)?;
    let store = config.settings()?.open_store().await?;
    // A workspace that never uninstalled may still be using followup: say so rather than
    // deleting a team's pipeline on a typo'd team id.
    let uninstalled = store.workspace_revocation(team).await?.is_some();
    if !uninstalled && !force {
        anyhow::bail!(
            "{team} has not uninstalled followup, and its token has not been refused; uninstall the app from that workspace first, or add --force to delete its data anyway"
        );
    }
    let purged = store.purge_workspace(team, chrono::Utc::now()).await?;
    println!(
        "purged {team}: {} prospects, {} touches, {} reps{}",
        purged.prospects,
        purged.touches,
        purged.reps,
        if purged.token { ", and its token" } else { "" }
    );
    Ok(())
}

/// Every built-in cadence: its id, when to use it, and each step's day, channels and message.
pub fn render_cadences() -> String {
    render_cadence_list(BUILT_IN.iter())
}

/// Cadences as `followup cadences` prints them.
pub fn render_cadence_list<'a>(cadences: impl Iterator<Item = &'a Cadence>) -> String {
    cadences.map(render_cadence).collect::<Vec<_>>().join("\n")
}

fn render_cadence(c: &Cadence) -> String {
    let mut out = format!("{} — {}\n  {}\n", c.id, c.name, c.when);
    for (i, step) in c.steps.iter().enumerate() {
        out.push_str(&format!(
            "  {:>2}. day {:>3}  {}  ({})\n",
            i + 1,
            step.day,
            step.channel_label(),
            step.purpose,
        ));
        for text in step.templates {
            out.push_str(&format!("      {text}\n"));
        }
        for (i, text) in step.variants.iter().enumerate() {
            let letter = crate::domain::cadence::variant_letter(i);
            out.push_str(&format!("      variant {letter}: {text}\n"));
        }
    }
    out.push_str(&format!("  {}\n", crate::domain::schedule::days_by_pace(c)));
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
