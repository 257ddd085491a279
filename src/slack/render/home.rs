//! The App Home tab.

use crate::slack::actions;
use crate::slack::blocks::{
    self, actions as actions_block, button, context, divider, header, section,
};

use super::agenda::due;
use super::who;

/// The Home tab: today's agenda with the same buttons, the pipeline by stage, recent wins, the
/// rep's settings, and for a manager the team board.
pub fn home(home: &crate::service::Home) -> serde_json::Value {
    let mut blocks = vec![
        header("followup"),
        actions_block(
            "home_actions",
            vec![button(
                "➕ Add a prospect",
                actions::OPEN_ADD_MODAL,
                "home",
                Some("primary"),
            )],
        ),
    ];
    // The agenda may use up to 50 blocks; the rest of the Home tab fits in the other 50.
    blocks.extend(due(&home.agenda).capped());
    blocks.push(divider());
    let mut stages: std::collections::BTreeMap<u8, (String, usize, i64)> =
        std::collections::BTreeMap::new();
    for item in &home.pipeline {
        let p = &item.prospect;
        let order = crate::domain::Stage::ALL
            .iter()
            .position(|s| *s == p.stage)
            .unwrap_or(0) as u8;
        let entry = stages.entry(order).or_insert((p.stage.to_string(), 0, 0));
        entry.1 += 1;
        entry.2 += p.value.map(|v| v.cents()).unwrap_or(0);
    }
    let pipeline: Vec<String> = stages
        .values()
        .map(|(stage, n, cents)| {
            let value = crate::domain::Money::from_cents(*cents).unwrap_or_default();
            format!("• *{stage}*: {n} · {}", value.display())
        })
        .collect();
    blocks.push(section(&format!(
        "*📊 Pipeline* ({} open)\n{}",
        home.pipeline.len(),
        if pipeline.is_empty() {
            "empty — add your first prospect".to_string()
        } else {
            pipeline.join("\n")
        }
    )));
    if !home.recent_wins.is_empty() {
        let wins: Vec<String> = home
            .recent_wins
            .iter()
            .take(10)
            .map(|p| {
                format!(
                    "• {}{}",
                    who(p),
                    p.value
                        .map(|v| format!(" · {}", v.display()))
                        .unwrap_or_default()
                )
            })
            .collect();
        blocks.push(section(&format!(
            "*🎉 Won in the last 30 days*\n{}",
            wins.join("\n")
        )));
    }
    if let Some(board) = &home.team_overdue {
        let lines: Vec<String> = board
            .iter()
            .take(25)
            .map(|(user, n)| format!("• <@{user}>: {n} overdue"))
            .collect();
        blocks.push(section(&format!(
            "*🧭 Team board* (you are a manager)\n{}\n_Hand a prospect over with `/followup reassign #12 @rep`._",
            if lines.is_empty() { "Nobody has anything overdue.".to_string() } else { lines.join("\n") }
        )));
    }
    let s = &home.settings;
    blocks.push(context(&format!(
        "⚙️ Digest at {} · {} · weekends {} · at most {} touches a day after time away · `/followup settings` changes these",
        s.digest_time.unwrap_or(home.default_digest).format("%H:%M"),
        s.tz.map(|tz| tz.name().to_string()).unwrap_or_else(|| "UTC".into()),
        if s.weekends_off { "off" } else { "on" },
        s.daily_cap
    )));
    blocks.truncate(blocks::MAX_MODAL_BLOCKS);
    serde_json::json!({"type": "home", "blocks": blocks})
}
