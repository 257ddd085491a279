//! The sample team a new demo starts with: three reps and their prospects at different points
//! of their cadences, so the first morning digest already has something due, something late and
//! something new. The history is made by replaying the last few weeks through the service, with
//! the clock set back, exactly as the reps would have done it: added, touched on the day each
//! touch was due, answered, won.

use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};

use crate::clock::FixedClock;
use crate::command::{self, Command};
use crate::domain::lifecycle::TouchRef;
use crate::domain::{Action, Channel, ProspectId, RepRef, TouchOutcome, TouchStatus};
use crate::service::{Reply, Service};
use crate::store::Store;

use super::team;

/// What became of a prospect after its touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Then {
    Nothing,
    Replied,
    Won,
}

struct Sample {
    rep: &'static str,
    added_days_ago: i64,
    /// What the rep typed after `/followup `.
    add: &'static str,
    /// Touches done, each on the day it was due.
    done: usize,
    then: Then,
}

const DANA: &str = "U0DEMODANA";
const LEE: &str = "U0DEMOLEE";
const SAM: &str = "U0DEMOSAM";

const SAMPLES: &[Sample] = &[
    Sample {
        rep: DANA,
        added_days_ago: 21,
        add: "add Priya Shah priya@northwind.example company:\"Northwind Traders\" lead:hot value:24k note:\"Asked for the security review before the pilot\"",
        done: 3,
        then: Then::Nothing,
    },
    Sample {
        rep: DANA,
        added_days_ago: 10,
        add: "add Marcus Bell marcus@globex.example company:Globex lead:warm value:8.5k",
        done: 1,
        then: Then::Nothing,
    },
    Sample {
        rep: DANA,
        added_days_ago: 2,
        add: "add Elena Petrova company:Initech lead:cold note:\"Met at the meetup; wants pricing for 40 seats\"",
        done: 0,
        then: Then::Nothing,
    },
    Sample {
        rep: DANA,
        added_days_ago: 16,
        add: "add Aisha Khan aisha@hooli.example company:Hooli value:18k",
        done: 3,
        then: Then::Won,
    },
    Sample {
        rep: DANA,
        added_days_ago: 33,
        add: "add Tom Becker tom@umbrella.example company:\"Umbrella Corp\" cadence:proposal value:12k",
        done: 6,
        then: Then::Nothing,
    },
    Sample {
        rep: LEE,
        added_days_ago: 14,
        add: "add Jordan Mills jordan@acme.example company:\"Acme Corp\" lead:hot value:40k",
        done: 2,
        then: Then::Nothing,
    },
    Sample {
        rep: LEE,
        added_days_ago: 6,
        add: "add Wei Chen wei@soylent.example company:Soylent value:6k",
        done: 2,
        then: Then::Nothing,
    },
    Sample {
        rep: LEE,
        added_days_ago: 9,
        add: "add Ben Ortiz ben@vandelay.example company:\"Vandelay Industries\" cadence:recap",
        done: 2,
        then: Then::Nothing,
    },
    Sample {
        rep: LEE,
        added_days_ago: 12,
        add: "add Carla Diaz carla@initrode.example company:Initrode lead:warm value:9k",
        done: 1,
        then: Then::Replied,
    },
    Sample {
        rep: SAM,
        added_days_ago: 2,
        add: "add Omar Haddad omar@wayne.example company:\"Wayne Enterprises\" value:15k",
        done: 1,
        then: Then::Nothing,
    },
    Sample {
        rep: SAM,
        added_days_ago: 0,
        add: "add Nina Rossi nina@stark.example company:\"Stark Industries\" lead:hot",
        done: 0,
        then: Then::Nothing,
    },
];

/// How many prospects the sample team starts with.
pub fn sample_count() -> usize {
    SAMPLES.len()
}

/// Replays the sample team's last weeks up to `now`. Nothing is dated after `now`.
pub async fn seed(
    store: Arc<dyn Store>,
    now: DateTime<Utc>,
    default_digest: NaiveTime,
) -> anyhow::Result<usize> {
    let clock = Arc::new(FixedClock::new(now));
    let service = Service::new(store, clock.clone(), default_digest);
    let mut added = 0;
    for sample in SAMPLES {
        let rep = RepRef::new(team::TEAM_ID, sample.rep);
        let day = now.date_naive() - Duration::days(sample.added_days_ago);
        let at = at_or_before(day, 9, 30, now - Duration::minutes(20));
        clock.set(at);
        let Command::Add(new) = command::parse(sample.add, at.date_naive())
            .map_err(|e| anyhow::anyhow!("the sample `{}` does not parse: {e}", sample.add))?
        else {
            anyhow::bail!("the sample `{}` is not an add", sample.add);
        };
        let id = match service.add(&rep, &new).await? {
            Reply::Added { state, .. } => state.prospect.id,
            other => anyhow::bail!("adding the sample `{}` answered {other:?}", sample.add),
        };
        added += 1;
        let last = touch_on_due_days(&service, &clock, &rep, id, sample.done, now).await?;
        let after = last.unwrap_or(at) + Duration::days(1);
        if after < now {
            clock.set(after);
            let action = match sample.then {
                Then::Nothing => None,
                Then::Replied => Some(Action::Replied {
                    note: Some("Wants a call next week".into()),
                }),
                Then::Won => Some(Action::Won { value: None }),
            };
            if let Some(action) = action {
                service.act(&rep, id, &action).await?;
            }
        }
    }
    // Dana manages the team (the workspace's admin named her): her `/followup stats` shows
    // everyone's numbers.
    let dana = RepRef::new(team::TEAM_ID, DANA);
    clock.set(now - Duration::minutes(10));
    service
        .store
        .set_managers(
            team::TEAM_ID,
            &[DANA.to_string()],
            DANA,
            now - Duration::minutes(10),
        )
        .await?;
    // The team's days off over the year end, as a manager sets them.
    let year = if now.month() == 12 || now.month() < 2 {
        now.year() - i32::from(now.month() < 2)
    } else {
        now.year()
    };
    let holidays = format!(
        "settings holidays {year}-12-24 {year}-12-25 {year}-12-31 {}-01-01",
        year + 1
    );
    if let Ok(settings) = command::parse(&holidays, now.date_naive()) {
        service.run(&dana, settings).await?;
    }
    // What reps do in a week beside their cadences: a dated next step, a preferred channel.
    let lee = RepRef::new(team::TEAM_ID, LEE);
    for (rep, text) in [
        (
            &lee,
            "next jordan 3d call after their board meeting, ask about the pilot budget",
        ),
        (&lee, "edit jordan prefers:call stage:qualified"),
        (&dana, "edit priya prefers:email"),
    ] {
        if let Ok(command) = command::parse(text, now.date_naive()) {
            service.run(rep, command).await?;
        }
    }
    Ok(added)
}

/// What a rep logs with a touch in the sample history, in turn.
const LOGS: &[(Channel, TouchOutcome, &str)] = &[
    (
        Channel::Call,
        TouchOutcome::NoAnswer,
        "No answer; left a short voicemail",
    ),
    (
        Channel::Email,
        TouchOutcome::Sent,
        "Sent the one-page summary",
    ),
    (
        Channel::Call,
        TouchOutcome::Connected,
        "Spoke 10 min: budget is set in January, wants pricing first",
    ),
    (
        Channel::LinkedIn,
        TouchOutcome::Sent,
        "Connected on LinkedIn with a short note",
    ),
];

/// `day` at `hour:minute` UTC, or `latest` if that is later.
fn at_or_before(
    day: chrono::NaiveDate,
    hour: u32,
    minute: u32,
    latest: DateTime<Utc>,
) -> DateTime<Utc> {
    let at = NaiveTime::from_hms_opt(hour, minute, 0)
        .map(|t| day.and_time(t).and_utc())
        .unwrap_or(latest);
    at.min(latest)
}

/// Marks the first `count` touches done, each at 10:00 on the day it is due, stopping at the
/// first one not yet due by `now`. Answers when the last one was done.
async fn touch_on_due_days(
    service: &Service,
    clock: &FixedClock,
    rep: &RepRef,
    id: ProspectId,
    count: usize,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<DateTime<Utc>>> {
    let mut last = None;
    for _ in 0..count {
        let Some(state) = service.store.prospect_state(rep, id).await? else {
            break;
        };
        let Some(touch) = state
            .touches
            .iter()
            .filter(|t| t.status == TouchStatus::Pending)
            .min_by_key(|t| t.due_on)
        else {
            break;
        };
        let at = at_or_before(touch.due_on, 10, 0, now);
        if at >= now - Duration::minutes(15) || Some(at) <= last {
            break;
        }
        clock.set(at);
        let (channel, outcome, note) = LOGS[(id as usize + touch.step_index as usize) % LOGS.len()];
        let action = Action::Done {
            touch: TouchRef::Id(touch.id),
            channel: Some(channel),
            outcome: Some(outcome),
            note: Some(note.to_string()),
        };
        service.act(rep, id, &action).await?;
        last = Some(at);
    }
    Ok(last)
}
