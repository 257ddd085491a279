//! Each team's cadences, kept in memory: every read of a prospect or touch resolves its cadence
//! through them, and they change only on import. An import through this process replaces the
//! copy at once; one made by another replica is seen within [`TTL`] (until then a touch of a
//! version not yet seen follows the newest version this copy has).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::domain::team_cadences::TeamCadences;

pub const TTL: Duration = Duration::from_secs(60);
/// More teams than this and the cache starts over (bounds memory, not correctness).
const MAX_TEAMS: usize = 10_000;

#[derive(Debug, Default)]
pub struct CadenceCache {
    teams: Mutex<HashMap<String, (Instant, Arc<TeamCadences>)>>,
}

impl CadenceCache {
    pub fn get(&self, team_id: &str) -> Option<Arc<TeamCadences>> {
        let teams = self.teams.lock().unwrap_or_else(|e| e.into_inner());
        teams
            .get(team_id)
            .filter(|(at, _)| at.elapsed() < TTL)
            .map(|(_, c)| c.clone())
    }

    pub fn put(&self, team_id: &str, cadences: Arc<TeamCadences>) {
        let mut teams = self.teams.lock().unwrap_or_else(|e| e.into_inner());
        if teams.len() >= MAX_TEAMS && !teams.contains_key(team_id) {
            teams.clear();
        }
        teams.insert(team_id.to_string(), (Instant::now(), cadences));
    }

    pub fn forget(&self, team_id: &str) {
        let mut teams = self.teams.lock().unwrap_or_else(|e| e.into_inner());
        teams.remove(team_id);
    }
}
