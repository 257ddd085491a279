//! A team's own cadences beside the built-ins: which id names which cadence, which version a
//! stored enrolment follows, and which cadence `lead:` and the team default pick.

use std::collections::HashMap;

use super::cadence::CadenceId;
use super::cadence_file::CadenceDef;
use super::error::DomainError;
use super::prospect::{LeadTemp, NewProspect};

/// One stored version of a team cadence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCadence {
    pub id: String,
    pub version: i64,
    /// Its place in the file it came from.
    pub position: i64,
    /// [`CadenceDef::canonical`].
    pub definition: String,
    /// A later import left it out: its enrolments run to their end, nobody new joins it.
    pub retired: bool,
}

/// Every version of a team's cadences, and its settings about them. Loaded once per team and
/// kept by the store (they change only on import), so reading a touch's cadence costs a map
/// lookup, not a query.
#[derive(Debug, Clone, Default)]
pub struct TeamCadences {
    versions: HashMap<(String, i64), CadenceId>,
    /// The newest version of each id, and whether it is retired.
    latest: HashMap<String, (CadenceId, bool)>,
    /// What reps can enrol in, in file order.
    listed: Vec<CadenceId>,
    leads: HashMap<LeadTemp, CadenceId>,
    default: Option<CadenceId>,
}

impl TeamCadences {
    /// From the stored versions (any order) and the team's default-cadence setting.
    pub fn new(stored: &[StoredCadence], default: Option<&str>) -> Self {
        let mut team = TeamCadences::default();
        let mut newest: Vec<&StoredCadence> = Vec::new();
        for s in stored {
            let Ok(def) = serde_json::from_str::<CadenceDef>(&s.definition) else {
                tracing::warn!(cadence = %s.id, version = s.version, "unreadable stored cadence left out");
                continue;
            };
            let id = def.team_cadence(s.version);
            team.versions.insert((s.id.clone(), s.version), id);
            match newest.iter_mut().find(|n| n.id == s.id) {
                Some(n) if n.version < s.version => *n = s,
                Some(_) => {}
                None => newest.push(s),
            }
        }
        newest.sort_by_key(|s| (s.position, s.id.clone()));
        for s in newest {
            let Some(&id) = team.versions.get(&(s.id.clone(), s.version)) else {
                continue;
            };
            team.latest.insert(s.id.clone(), (id, s.retired));
            if !s.retired {
                team.listed.push(id);
                if let Ok(def) = serde_json::from_str::<CadenceDef>(&s.definition) {
                    for lead in def.leads.iter().filter_map(|l| LeadTemp::parse(l).ok()) {
                        team.leads.insert(lead, id);
                    }
                }
            }
        }
        team.default = default.and_then(|d| team.usable(d).ok());
        team
    }

    /// The cadence a stored row names: a built-in by its id, a team's by id and version.
    /// `None` for a team cadence this snapshot does not hold (imported since it was loaded).
    pub fn resolve(&self, text: &str, version: i64) -> Option<CadenceId> {
        CadenceId::parse(text)
            .ok()
            .or_else(|| self.versions.get(&(text.to_string(), version)).copied())
    }

    /// [`resolve`](Self::resolve), never failing: a version this snapshot does not hold yet (another
    /// replica imported it) reads as the newest it holds; an id it has never seen, as an
    /// empty cadence under that id and version, so the row is still shown and written back as it was.
    pub fn resolve_lenient(&self, text: &str, version: i64) -> CadenceId {
        if let Some(id) = self.resolve(text, version) {
            return id;
        }
        if let Some(&(newest, _)) = self.latest.get(text) {
            return newest;
        }
        CadenceDef {
            id: text.to_string(),
            name: text.to_string(),
            description: String::new(),
            after: "ask".into(),
            every_days: None,
            min_gap: None,
            leads: Vec::new(),
            steps: Vec::new(),
        }
        .team_cadence(version)
    }

    /// The newest version of a team cadence, unless a later import removed it.
    pub fn current(&self, id: CadenceId) -> Option<CadenceId> {
        match id {
            CadenceId::Team(t) => match self.latest.get(t.slug()) {
                Some(&(newest, false)) => Some(newest),
                _ => None,
            },
            _ => None,
        }
    }

    /// A cadence a rep can enrol in, by what the rep typed: a built-in, or the team's own.
    pub fn usable(&self, typed: &str) -> Result<CadenceId, DomainError> {
        if let Ok(built_in) = super::cadence::parse_cadence(typed) {
            return Ok(built_in);
        }
        let wanted = typed.trim().to_ascii_lowercase();
        self.listed
            .iter()
            .copied()
            .find(|c| c.as_str() == wanted)
            .ok_or_else(|| DomainError::UnknownTeamCadence {
                typed: typed.trim().to_string(),
                known: self.known_list(),
            })
    }

    /// The team's cadences reps can enrol in, in file order.
    pub fn listed(&self) -> &[CadenceId] {
        &self.listed
    }

    pub fn is_empty(&self) -> bool {
        self.versions.is_empty()
    }

    /// Every id a rep can type, built-ins first.
    pub fn known_list(&self) -> String {
        CadenceId::ALL
            .iter()
            .chain(&self.listed)
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The team default (`settings default-cadence`), else `proposal`.
    pub fn team_default(&self) -> CadenceId {
        self.default.unwrap_or(CadenceId::TEAM_DEFAULT)
    }

    /// The cadence a new prospect joins: the one named, else the team's cadence for its lead
    /// temperature, else the built-in one (`hot`, `cold`), else the team default.
    pub fn choose(&self, new: &NewProspect) -> CadenceId {
        if let Some(named) = new.cadence {
            return named;
        }
        match new.lead.and_then(|l| self.leads.get(&l)) {
            Some(&team) => team,
            None => new.chosen_cadence(self.team_default()),
        }
    }
}
