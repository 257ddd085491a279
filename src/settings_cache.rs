//! Reps' settings, kept in memory for a few seconds: every command needs the rep's time zone
//! (to know "today"), and reading it from the database each time was a round trip per request.
//!
//! Changes made through this process replace the cached copy at once; a change made elsewhere
//! (another replica, `followup digest` marking a rep unreachable) is seen within [`TTL`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::domain::{RepRef, RepSettings};

/// How long a cached copy is trusted.
pub const TTL: Duration = Duration::from_secs(5);
/// More reps than this and the cache starts over (bounds memory, not correctness).
const MAX_REPS: usize = 100_000;

#[derive(Debug, Default)]
pub struct SettingsCache {
    reps: Mutex<HashMap<RepRef, (Instant, RepSettings)>>,
}

impl SettingsCache {
    pub fn get(&self, rep: &RepRef) -> Option<RepSettings> {
        let reps = self.reps.lock().unwrap_or_else(|e| e.into_inner());
        reps.get(rep)
            .filter(|(at, _)| at.elapsed() < TTL)
            .map(|(_, settings)| settings.clone())
    }

    pub fn put(&self, settings: &RepSettings) {
        let mut reps = self.reps.lock().unwrap_or_else(|e| e.into_inner());
        if reps.len() >= MAX_REPS && !reps.contains_key(&settings.rep) {
            reps.clear();
        }
        reps.insert(settings.rep.clone(), (Instant::now(), settings.clone()));
    }

    /// Forgets every rep of a workspace (its holidays changed).
    pub fn forget_team(&self, team_id: &str) {
        self.reps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|rep, _| rep.team_id != team_id);
    }

    pub fn forget(&self, rep: &RepRef) {
        self.reps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(rep);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_copy_comes_back_until_replaced_or_forgotten() {
        let cache = SettingsCache::default();
        let rep = RepRef::new("T1", "U1");
        assert_eq!(cache.get(&rep), None);
        let mut settings = RepSettings::new(rep.clone());
        cache.put(&settings);
        assert_eq!(cache.get(&rep), Some(settings.clone()));
        settings.weekends_off = !settings.weekends_off;
        cache.put(&settings);
        assert_eq!(
            cache.get(&rep).map(|s| s.weekends_off),
            Some(settings.weekends_off)
        );
        cache.forget(&rep);
        assert_eq!(cache.get(&rep), None);
    }
}
