//! `followup cadences [export|import]`: the built-ins or a team's own cadences, printed, as a
//! file, or imported from one.

use std::io::Write;

use crate::cli::{render_cadence_list, CadencesAction};
use crate::config::Config;
use crate::domain::cadence_file::{self, CadenceDef};

pub async fn run(
    config: &Config,
    action: Option<CadencesAction>,
    team: Option<String>,
) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match action {
        None => {
            let text = match team {
                None => crate::cli::render_cadences(),
                Some(team) => {
                    let cadences = team_cadences(config, &team).await?;
                    if cadences.is_empty() {
                        format!("`{team}` has no cadences of its own yet; `followup cadences` prints the built-ins\n")
                    } else {
                        render_cadence_list(cadences.iter().map(|c| c.cadence()))
                    }
                }
            };
            out.write_all(text.as_bytes())?;
        }
        Some(CadencesAction::Export { team: None }) if team.is_none() => {
            out.write_all(cadence_file::export(&cadence_file::built_in_defs()).as_bytes())?;
        }
        Some(CadencesAction::Export { team: own }) => {
            let team = own.or(team).unwrap_or_default();
            let defs: Vec<CadenceDef> = team_cadences(config, &team)
                .await?
                .iter()
                .map(|c| CadenceDef::of(c.cadence()))
                .collect();
            if defs.is_empty() {
                anyhow::bail!("`{team}` has no cadences of its own; `followup cadences export` prints the built-ins to start from");
            }
            out.write_all(cadence_file::export(&defs).as_bytes())?;
        }
        Some(CadencesAction::Import { team, file }) => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            // Checked before the database is opened: a broken file needs no connection.
            let imported = match cadence_file::parse(&text, false) {
                Ok(defs) => {
                    let store = config.settings()?.open_store().await?;
                    let now = crate::clock::Clock::now(&crate::clock::SystemClock);
                    Ok(store.import_cadences(&team, &defs, "cli", now).await?)
                }
                Err(problems) => Err(problems),
            };
            match imported {
                Ok(done) => {
                    let text = crate::slack::render::cadences::imported_text(&done);
                    out.write_all(format!("{}\n", text.replace('`', "")).as_bytes())?;
                }
                Err(problems) => {
                    anyhow::bail!(
                        "{} refused, nothing imported ({} problem{}):\n{}",
                        file.display(),
                        problems.len(),
                        if problems.len() == 1 { "" } else { "s" },
                        cadence_file::describe(&problems)
                    );
                }
            }
        }
    }
    Ok(())
}

async fn team_cadences(
    config: &Config,
    team: &str,
) -> anyhow::Result<Vec<crate::domain::CadenceId>> {
    let store = config.settings()?.open_store().await?;
    Ok(store.team_cadences(team).await?.listed().to_vec())
}
