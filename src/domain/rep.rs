//! A rep's own settings: time zone, digest time, weekends.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

use super::lifecycle::Context;
use super::prospect::RepRef;
use super::schedule::{local_date, Calendar};

/// Where a rep's time zone came from: Slack's profile can refresh it, the rep's own choice wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TzSource {
    Default,
    Slack,
    Rep,
}

impl TzSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TzSource::Default => "default",
            TzSource::Slack => "slack",
            TzSource::Rep => "rep",
        }
    }
    pub fn parse(raw: &str) -> Self {
        match raw {
            "slack" => TzSource::Slack,
            "rep" => TzSource::Rep,
            _ => TzSource::Default,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RepSettings {
    pub rep: RepRef,
    pub tz: Option<Tz>,
    pub tz_source: TzSource,
    /// `None` uses the installation's default digest time.
    pub digest_time: Option<NaiveTime>,
    pub weekends_off: bool,
    /// Set when Slack said the rep cannot be messaged (blocked the app, left); digests skip them.
    pub unreachable_since: Option<DateTime<Utc>>,
    /// When Slack's profile time zone was last read.
    pub tz_checked_at: Option<DateTime<Utc>>,
    /// Away mode: no digests and no touches due from the first date to the second, inclusive.
    pub away: Option<(NaiveDate, NaiveDate)>,
    /// At most this many touches a day when a backlog is spread out.
    pub daily_cap: i64,
    /// The team's non-working days, sorted (a workspace setting, read with the rep's).
    pub holidays: Vec<NaiveDate>,
}

/// Touches a rep is asked to make in one day when a backlog is spread, unless the rep sets another.
pub const DEFAULT_DAILY_CAP: i64 = 20;

impl RepSettings {
    /// A rep nobody has configured yet: UTC until Slack tells us better, weekends off.
    pub fn new(rep: RepRef) -> Self {
        Self {
            rep,
            tz: None,
            tz_source: TzSource::Default,
            digest_time: None,
            weekends_off: true,
            unreachable_since: None,
            tz_checked_at: None,
            away: None,
            daily_cap: DEFAULT_DAILY_CAP,
            holidays: Vec::new(),
        }
    }
    pub fn zone(&self) -> Tz {
        self.tz.unwrap_or(Tz::UTC)
    }
    /// The moment `now`, as this rep sees it.
    pub fn context(&self, now: DateTime<Utc>) -> Context {
        Context {
            now,
            today: local_date(now, self.zone()),
            calendar: self.calendar(),
        }
    }
    /// The rep's days off: weekends (when kept free), the team's holidays, the absence.
    pub fn calendar(&self) -> Calendar {
        Calendar {
            weekends_off: self.weekends_off,
            holidays: self.holidays.clone(),
            away: self.away,
        }
    }
}
