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
    // On the team's own cadence (see `SAMPLE_CADENCES`): the digest names each one's variant.
    Sample {
        rep: SAM,
        added_days_ago: 8,
        add: "add Grace Hall grace@cyberdyne.example company:Cyberdyne cadence:enterprise value:30k",
        done: 2,
        then: Then::Nothing,
    },
    Sample {
        rep: LEE,
        added_days_ago: 3,
        add: "add Ravi Patel ravi@tyrell.example company:\"Tyrell Corp\" cadence:enterprise value:22k",
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

/// The sample team's own cadence file: an enterprise pilot with two variants of two steps.
pub const SAMPLE_CADENCES: &str = include_str!("sample_cadences.toml");

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
    // The team wrote its own cadence before the history starts; Dana imported it.
    let imported = service
        .import_cadences(
            team::TEAM_ID,
            SAMPLE_CADENCES,
            DANA,
            now - Duration::days(40),
        )
        .await?;
    if let Err(problems) = imported {
        anyhow::bail!(
            "the sample cadences do not import: {}",
            crate::domain::cadence_file::describe(&problems)
        );
    }
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
    past_campaign(&service, &clock, now).await?;
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
        // The team's value-add library: a value-add step suggests the best match.
        (
            &dana,
            "resources add \"Security review checklist\" https://example.com/security-checklist security pilot",
        ),
        (
            &dana,
            "resources add \"How Hooli cut onboarding time\" https://example.com/hooli-case-study onboarding saas",
        ),
        (
            &lee,
            "resources add \"Seat pricing calculator\" https://example.com/seat-calculator pricing seats",
        ),
    ] {
        if let Ok(command) = command::parse(text, now.date_naive()) {
            service.run(rep, command).await?;
        }
    }
    Ok(added)
}

/// How many prospects the team ran through its enterprise cadence a month ago.
const CAMPAIGN_SIZE: usize = 48;
const CAMPAIGN_FIRST: [&str; 16] = [
    "Alex", "Bea", "Chris", "Dev", "Eve", "Femi", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lena", "Mo",
    "Noor", "Otto", "Pia",
];
const CAMPAIGN_LAST: [&str; 12] = [
    "Adler", "Brandt", "Costa", "Dunn", "Ekberg", "Fox", "Gill", "Hart", "Iyer", "Jansen", "Kato",
    "Lund",
];
const CAMPAIGN_PREFIX: [&str; 8] = [
    "Bluewater",
    "Northpeak",
    "Redwood",
    "Silverline",
    "Ironbridge",
    "Clearpath",
    "Brightfield",
    "Stonegate",
];
const CAMPAIGN_SUFFIX: [&str; 6] = ["Logistics", "Health", "Labs", "Foods", "Energy", "Media"];

/// A month ago the team ran 48 accounts through its enterprise cadence: the history that lets
/// `/followup stats` give a verdict on the opening email's variants. Variant B's shorter email
/// drew a reply from every second prospect, A's from one in six; a few answered the call at
/// step 3; those who never answered were closed lost after the last step. Every one of them is
/// closed now, so none of it shows in a digest.
async fn past_campaign(
    service: &Service,
    clock: &FixedClock,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let reps = [DANA, LEE, SAM];
    let mut sent = std::collections::HashMap::<String, usize>::new();
    for i in 0..CAMPAIGN_SIZE {
        let rep = RepRef::new(team::TEAM_ID, reps[i % reps.len()]);
        let (first, last) = (CAMPAIGN_FIRST[i % 16], CAMPAIGN_LAST[i % 12]);
        let company = format!("{} {}", CAMPAIGN_PREFIX[i % 8], CAMPAIGN_SUFFIX[i / 8]);
        let domain = company.to_ascii_lowercase().replace(' ', "");
        let add = format!(
            "add {first} {last} {}@{domain}.example company:\"{company}\" cadence:enterprise value:{}k",
            first.to_ascii_lowercase(),
            10 + (i % 5) * 5
        );
        let day = now.date_naive() - Duration::days(27 - (i % 4) as i64);
        let added_at = at_or_before(day, 9, 30, now);
        clock.set(added_at);
        let Command::Add(new) = command::parse(&add, added_at.date_naive())
            .map_err(|e| anyhow::anyhow!("the campaign's `{add}` does not parse: {e}"))?
        else {
            anyhow::bail!("the campaign's `{add}` is not an add");
        };
        let Reply::Added { state, .. } = service.add(&rep, &new).await? else {
            anyhow::bail!("adding the campaign's `{add}` failed");
        };
        let id = state.prospect.id;
        let variant = state
            .touches
            .first()
            .and_then(|t| t.variant.clone())
            .unwrap_or_default();
        let nth = sent.entry(variant.clone()).or_default();
        let replied_first = if variant == "B" {
            *nth % 2 == 0
        } else {
            *nth % 6 == 0
        };
        *nth += 1;
        let replied_at_call = !replied_first && i % 9 == 4;
        let replied = replied_first || replied_at_call;
        let steps = match (replied_first, replied_at_call) {
            (true, _) => 1,
            (_, true) => 3,
            _ => 4,
        };
        let Some(last_touch) = touch_on_due_days(service, clock, &rep, id, steps, now).await?
        else {
            continue;
        };
        let close_at = last_touch + Duration::days(if replied { 6 } else { 2 });
        if close_at >= now {
            continue;
        }
        if replied {
            clock.set(last_touch + Duration::days(1));
            let note = Some("Interested: booked a pilot scoping call".to_string());
            service.act(&rep, id, &Action::Replied { note }).await?;
        }
        clock.set(close_at);
        let close = match (replied, i % 3) {
            (true, 0) => Action::Won { value: None },
            (true, _) => Action::Lost {
                reason: Some("No budget for a pilot this year".into()),
            },
            (false, _) => Action::Lost {
                reason: Some("No reply to the pilot campaign".into()),
            },
        };
        service.act(&rep, id, &close).await?;
    }
    Ok(())
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
