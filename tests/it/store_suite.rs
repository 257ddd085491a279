//! The store's behaviour, run by the same code on a fresh SQLite file and a fresh Postgres database.

use crate::common;

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::{at, date};
use followup::domain::due::{self, DueReport};
use followup::domain::lifecycle::{decide, enrol, Action, Context, NewTouch, Outcome, TouchRef};
use followup::domain::metrics::{self, Window};
use followup::domain::schedule::SnoozeFor;
use followup::domain::{
    CadenceId, Channel, DomainError, Email, LeadTemp, Money, NewProspect, Pace, Phone,
    ProspectName, ProspectStatus, RepRef, RepSettings, Stage, TouchStatus, TzSource,
};
use followup::store::{Applied, Store, StoreError};

fn alice() -> RepRef {
    RepRef::new("T1", "U_ALICE")
}

/// Monday 2026-11-02, 09:00 UTC.
fn monday() -> DateTime<Utc> {
    at(2026, 11, 2, 9, 0)
}

fn ctx(now: DateTime<Utc>) -> Context {
    RepSettings::new(alice()).context(now)
}

/// Takes `action` on a prospect as the service does: the domain decides on the prospect as
/// stored, the store writes the change.
async fn act(
    store: &Arc<dyn Store>,
    rep: &RepRef,
    id: i64,
    action: &Action,
    ctx: &Context,
) -> Result<Applied, StoreError> {
    store
        .apply(rep, id, ctx.now, &|state| decide(state, action, ctx))
        .await
}

/// Logs the next `n` touches of Alice's prospect, each on the day it is due at 09:00 UTC.
async fn done_each_on_its_day(store: &Arc<dyn Store>, id: i64, n: usize) {
    let done = Action::Done {
        touch: TouchRef::Next,
        channel: None,
        outcome: None,
        note: None,
    };
    for _ in 0..n {
        let state = store.prospect_state(&alice(), id).await.unwrap().unwrap();
        let due = state
            .touches
            .iter()
            .filter(|t| t.status == TouchStatus::Pending)
            .map(|t| t.due_on)
            .min()
            .expect("a pending touch");
        let on_the_day = due.and_hms_opt(9, 0, 0).expect("09:00").and_utc();
        act(store, &alice(), id, &done, &ctx(on_the_day))
            .await
            .unwrap();
    }
}

fn prospect(name: &str) -> NewProspect {
    NewProspect::named(ProspectName::parse(name).expect("valid name"))
}

/// Enrols a prospect the way the app does: plan from the domain, then store it.
async fn add(store: &Arc<dyn Store>, rep: &RepRef, new: NewProspect, now: DateTime<Utc>) -> i64 {
    let c = RepSettings::new(rep.clone()).context(now);
    let (cadence, touches) = enrol(&new, c.today, &c.calendar).expect("plan");
    store
        .add_prospect(rep, &new, cadence, &touches, now)
        .await
        .expect("add prospect")
        .enrolled()
        .expect("not a duplicate")
        .prospect
        .id
}

async fn report(store: &Arc<dyn Store>, rep: &RepRef, now: DateTime<Utc>) -> DueReport {
    let today = RepSettings::new(rep.clone()).context(now).today;
    let touches = store.due_touches(rep, today).await.expect("due");
    let candidates = store
        .attention(rep, due::cutoffs(now))
        .await
        .expect("attention");
    due::build(today, now, touches, candidates)
}

fn due_names(r: &DueReport) -> Vec<String> {
    r.overdue
        .iter()
        .chain(&r.due_today)
        .map(|t| t.prospect.name.clone())
        .collect()
}

on_both_databases! {
    async fn adding_a_prospect_stores_every_field_and_the_dated_cadence(store) {
        let mut new = prospect("Jane   Doe");
        new.email = Some(Email::parse("jane@acme.com").unwrap());
        new.phone = Some(Phone::parse("+1 (555) 010-2030").unwrap());
        new.linkedin = Some("https://www.linkedin.com/in/janedoe".into());
        new.company = Some("Acme Corp".into());
        new.stage = Stage::Qualified;
        new.value = Some(Money::parse("12.5k").unwrap());
        new.lead = Some(LeadTemp::Hot);
        new.pace = Pace::Fast;
        new.notes = Some("met at the fair".into());
        let id = add(&store, &alice(), new, monday()).await;

        let state = store.prospect_state(&alice(), id).await.unwrap().expect("stored");
        let p = &state.prospect;
        assert_eq!(p.name, "Jane Doe");
        assert_eq!(p.email.as_deref(), Some("jane@acme.com"));
        assert_eq!(p.phone.as_deref(), Some("+1 (555) 010-2030"));
        assert_eq!(p.linkedin.as_deref(), Some("https://www.linkedin.com/in/janedoe"));
        assert_eq!(p.company.as_deref(), Some("Acme Corp"));
        assert_eq!(p.stage, Stage::Qualified);
        assert_eq!(p.value, Some(Money::from_cents(1_250_000).unwrap()));
        assert_eq!(p.lead, Some(LeadTemp::Hot));
        assert_eq!(p.pace, Pace::Fast);
        assert_eq!(p.notes.as_deref(), Some("met at the fair"));
        assert_eq!(p.status, ProspectStatus::Active);
        assert_eq!(p.cadence, CadenceId::Hot, "a hot lead picks the hot cadence");
        assert_eq!(p.enrolled_at, monday());
        assert_eq!(p.rep, alice());

        // Hot at fast pace: gaps 7→5, 14→..., each gap × 0.7; weekends moved to Monday.
        let dues: Vec<NaiveDate> = state.touches.iter().map(|t| t.due_on).collect();
        assert_eq!(dues.len(), 9);
        assert_eq!(dues[0], date(2026, 11, 2), "first touch the same day");
        assert_eq!(dues[1], date(2026, 11, 9), "day 0 + round(7 × 0.7) = day 5, a Saturday → Monday");
        assert!(dues.windows(2).all(|w| w[0] < w[1]));
        assert!(state.touches.iter().all(|t| t.status == TouchStatus::Pending && t.step_count == Some(9)));
        assert_eq!(state.touches.iter().map(|t| t.step_index).collect::<Vec<_>>(), (0..9).collect::<Vec<_>>());
    }

    async fn another_rep_or_workspace_sees_and_changes_nothing(store) {
        let id = add(&store, &alice(), prospect("Jane Doe"), monday()).await;
        let before = store.prospect_state(&alice(), id).await.unwrap();
        let bob = RepRef::new("T1", "U_BOB");
        let alice_elsewhere = RepRef::new("T2", "U_ALICE");
        for intruder in [&bob, &alice_elsewhere] {
            assert!(store.prospect_state(intruder, id).await.unwrap().is_none());
            assert!(store.find_prospects(intruder, "jane", false, 10).await.unwrap().is_empty());
            assert!(store.open_prospects(intruder).await.unwrap().is_empty());
            assert!(store.due_touches(intruder, date(2026, 12, 31)).await.unwrap().is_empty());
            let done = Action::Done { touch: TouchRef::Next, channel: None, outcome: None, note: None };
            let err = act(&store, intruder, id, &done, &ctx(monday())).await.unwrap_err();
            assert!(matches!(err, StoreError::NotFound(n) if n == id), "got {err:?}");
            let won = Action::Won { value: None };
            assert!(act(&store, intruder, id, &won, &ctx(monday())).await.is_err());
        }
        assert_eq!(store.prospect_state(&alice(), id).await.unwrap(), before);
    }

    async fn done_logs_the_due_touch_and_the_next_appears_on_its_day(store) {
        let id = add(&store, &alice(), prospect("Jane Doe"), monday()).await; // proposal: days 0,2,6,13,20,29
        assert_eq!(due_names(&report(&store, &alice(), monday()).await), vec!["Jane Doe"]);

        let done = Action::Done { touch: TouchRef::Next, channel: Some(Channel::Email), outcome: None, note: Some("sent deck".into()) };
        let applied = act(&store, &alice(), id, &done, &ctx(monday() + Duration::hours(1))).await.unwrap();
        let Outcome::Done { touch, next_due, cadence_ended, .. } = applied.outcome else { panic!("not done") };
        assert_eq!(touch.step_index, 0);
        assert_eq!(next_due, Some(date(2026, 11, 4)));
        assert!(!cadence_ended);

        let state = store.prospect_state(&alice(), id).await.unwrap().unwrap();
        assert_eq!(state.touches[0].status, TouchStatus::Done);
        assert_eq!(state.touches[0].channel, Some(Channel::Email));
        assert_eq!(state.touches[0].note.as_deref(), Some("sent deck"));
        assert_eq!(state.touches[0].done_at, Some(monday() + Duration::hours(1)));
        assert_eq!(state.prospect.touches_done, 1);
        assert_eq!(state.prospect.last_contact_at, Some(monday() + Duration::hours(1)));
        assert_eq!(state.prospect.last_channel, Some(Channel::Email));

        assert!(report(&store, &alice(), monday() + Duration::hours(2)).await.is_empty());
        assert!(report(&store, &alice(), at(2026, 11, 3, 9, 0)).await.is_empty());
        let wednesday = report(&store, &alice(), at(2026, 11, 4, 9, 0)).await;
        assert_eq!(wednesday.due_today.len(), 1);
        assert_eq!(wednesday.due_today[0].touch.position(), "touch 2 of 6");
        let friday = report(&store, &alice(), at(2026, 11, 6, 9, 0)).await;
        assert_eq!(friday.overdue.len(), 1, "an undone touch stays, as overdue");
        assert_eq!(friday.overdue[0].days_late(friday.today), 2);
    }

    async fn the_same_click_twice_changes_once(store) {
        let id = add(&store, &alice(), prospect("Jane Doe"), monday()).await;
        let first = store.prospect_state(&alice(), id).await.unwrap().unwrap().touches[0].id;
        let click = Action::Done { touch: TouchRef::Id(first), channel: None, outcome: None, note: None };
        let once = act(&store, &alice(), id, &click, &ctx(monday())).await.unwrap();
        assert!(matches!(once.outcome, Outcome::Done { .. }));
        let twice = act(&store, &alice(), id, &click, &ctx(monday() + Duration::seconds(1))).await.unwrap();
        assert!(matches!(twice.outcome, Outcome::AlreadyDone(_)), "got {:?}", twice.outcome);
        assert_eq!(twice.state, once.state, "nothing changed the second time");
        assert_eq!(twice.state.prospect.touches_done, 1);
    }

    async fn concurrent_clicks_on_one_touch_log_it_once(store) {
        let id = add(&store, &alice(), prospect("Jane Doe"), monday()).await;
        let first = store.prospect_state(&alice(), id).await.unwrap().unwrap().touches[0].id;
        let clicks = (0..8).map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let click = Action::Done { touch: TouchRef::Id(first), channel: None, outcome: None, note: None };
                act(&store, &alice(), id, &click, &ctx(monday() + Duration::seconds(i))).await
            })
        });
        let mut done = 0;
        for click in clicks {
            match click.await.unwrap().unwrap().outcome {
                Outcome::Done { .. } => done += 1,
                Outcome::AlreadyDone(_) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(done, 1);
        let state = store.prospect_state(&alice(), id).await.unwrap().unwrap();
        assert_eq!(state.prospect.touches_done, 1);
        assert_eq!(state.touches.iter().filter(|t| t.status == TouchStatus::Done).count(), 1);
    }

    async fn a_snoozed_touch_leaves_todays_digest_and_returns_on_its_day(store) {
        let id = add(&store, &alice(), prospect("Jane Doe"), monday()).await;
        let snooze = Action::Snooze { touch: TouchRef::Next, by: SnoozeFor::Days(1), shift_rest: false };
        let applied = act(&store, &alice(), id, &snooze, &ctx(monday())).await.unwrap();
        assert!(matches!(applied.outcome, Outcome::Snoozed { .. }));
        assert!(report(&store, &alice(), monday()).await.is_empty());
        let tuesday = report(&store, &alice(), at(2026, 11, 3, 9, 0)).await;
        assert_eq!(due_names(&tuesday), vec!["Jane Doe"]);
        let state = store.prospect_state(&alice(), id).await.unwrap().unwrap();
        assert_eq!(state.touches[0].due_on, date(2026, 11, 3));
        assert_eq!(state.touches[0].original_due_on, date(2026, 11, 2));
        assert!(state.touches[0].is_snoozed());
        assert_eq!(state.touches[1].due_on, date(2026, 11, 5), "the next touch moves on a day: never two days running");
    }

    async fn snoozing_with_shift_moves_the_rest_of_the_cadence(store) {
        let id = add(&store, &alice(), prospect("Jane Doe"), monday()).await;
        let before: Vec<NaiveDate> = store.prospect_state(&alice(), id).await.unwrap().unwrap()
            .touches.iter().map(|t| t.due_on).collect();
        let snooze = Action::Snooze { touch: TouchRef::Next, by: SnoozeFor::Days(7), shift_rest: true };
        act(&store, &alice(), id, &snooze, &ctx(monday())).await.unwrap();
        let after: Vec<NaiveDate> = store.prospect_state(&alice(), id).await.unwrap().unwrap()
            .touches.iter().map(|t| t.due_on).collect();
        for (b, a) in before.iter().zip(&after) {
            assert_eq!(*a - *b, Duration::days(7), "{b} should move a week, to {a}");
        }
    }

    async fn a_refused_action_writes_nothing(store) {
        let id = add(&store, &alice(), prospect("Jane Doe"), monday()).await;
        let before = store.prospect_state(&alice(), id).await.unwrap();
        let past = Action::Snooze { touch: TouchRef::Next, by: SnoozeFor::Until(date(2026, 10, 1)), shift_rest: false };
        let err = act(&store, &alice(), id, &past, &ctx(monday())).await.unwrap_err();
        assert!(matches!(err, StoreError::Domain(DomainError::SnoozeNotLater(_))), "got {err:?}");
        let resume = act(&store, &alice(), id, &Action::Resume, &ctx(monday())).await.unwrap();
        assert!(matches!(resume.outcome, Outcome::AlreadyDone(_)));
        let one_more = act(&store, &alice(), id, &Action::OneMore, &ctx(monday())).await.unwrap();
        assert!(matches!(one_more.outcome, Outcome::AlreadyDone(_)));
        assert_eq!(store.prospect_state(&alice(), id).await.unwrap(), before);
    }

    async fn a_failed_add_leaves_no_half_written_prospect(store) {
        let new = prospect("Half Written");
        let duplicate_steps = vec![
            NewTouch { cadence: CadenceId::Proposal, step_index: 0, step_count: Some(6), due_on: date(2026, 11, 2) },
            NewTouch { cadence: CadenceId::Proposal, step_index: 0, step_count: Some(6), due_on: date(2026, 11, 3) },
        ];
        let result = store.add_prospect(&alice(), &new, CadenceId::Proposal, &duplicate_steps, monday()).await;
        assert!(result.is_err(), "a touch twice at one step violates the unique key");
        assert!(store.find_prospects(&alice(), "half", false, 10).await.unwrap().is_empty());
        assert!(store.due_touches(&alice(), date(2026, 12, 31)).await.unwrap().is_empty());
    }

    async fn replied_stops_the_cadence_and_counts_the_touch_it_answered(store) {
        let id = add(&store, &alice(), prospect("Jane Doe"), monday()).await;
        let done = Action::Done { touch: TouchRef::Next, channel: None, outcome: None, note: None };
        act(&store, &alice(), id, &done, &ctx(monday())).await.unwrap();
        act(&store, &alice(), id, &done, &ctx(at(2026, 11, 4, 10, 0))).await.unwrap();
        let replied = Action::Replied { note: Some("wants a call next week".into()) };
        act(&store, &alice(), id, &replied, &ctx(at(2026, 11, 5, 10, 0))).await.unwrap();

        let state = store.prospect_state(&alice(), id).await.unwrap().unwrap();
        assert_eq!(state.prospect.status, ProspectStatus::Replied);
        assert_eq!(state.prospect.replied_after_touch, Some(2));
        assert!(state.prospect.notes.as_deref().unwrap_or("").contains("wants a call next week"));
        assert!(state.touches.iter().all(|t| t.status != TouchStatus::Pending));
        assert!(store.due_touches(&alice(), date(2027, 6, 1)).await.unwrap().is_empty());
        let again = act(&store, &alice(), id, &replied, &ctx(at(2026, 11, 5, 11, 0))).await.unwrap();
        assert!(matches!(again.outcome, Outcome::AlreadyDone(_)));
        let listed = store.open_prospects(&alice()).await.unwrap();
        assert_eq!(listed.len(), 1, "a replied prospect is still in the pipeline");
        assert!(listed[0].next.is_none());
    }

    async fn won_and_lost_close_the_deal(store) {
        let won_id = add(&store, &alice(), prospect("Winner Co"), monday()).await;
        let lost_id = add(&store, &alice(), prospect("Loser Co"), monday()).await;
        let value = Money::parse("40000").unwrap();
        act(&store, &alice(), won_id, &Action::Won { value: Some(value) }, &ctx(monday())).await.unwrap();
        act(&store, &alice(), lost_id, &Action::Lost { reason: Some("went with a competitor".into()) }, &ctx(monday())).await.unwrap();
        let won = store.prospect_state(&alice(), won_id).await.unwrap().unwrap().prospect;
        assert_eq!((won.status, won.stage, won.value), (ProspectStatus::Won, Stage::Won, Some(value)));
        assert_eq!(won.closed_at, Some(monday()));
        let lost = store.prospect_state(&alice(), lost_id).await.unwrap().unwrap().prospect;
        assert_eq!((lost.status, lost.stage), (ProspectStatus::Lost, Stage::Lost));
        assert_eq!(lost.close_reason.as_deref(), Some("went with a competitor"));
        assert!(store.open_prospects(&alice()).await.unwrap().is_empty());
        assert!(report(&store, &alice(), monday()).await.is_empty());
        let err = act(&store, &alice(), lost_id, &Action::Pause, &ctx(monday())).await.unwrap_err();
        assert!(matches!(err, StoreError::Domain(DomainError::WrongStatus { .. })));
    }

    async fn pausing_hides_touches_and_resuming_shifts_them_by_the_pause(store) {
        let id = add(&store, &alice(), prospect("Jane Doe"), monday()).await;
        let before: Vec<NaiveDate> = store.prospect_state(&alice(), id).await.unwrap().unwrap()
            .touches.iter().map(|t| t.due_on).collect();
        act(&store, &alice(), id, &Action::Pause, &ctx(monday())).await.unwrap();
        assert!(report(&store, &alice(), monday()).await.is_empty());
        assert!(store.reps_with_due(date(2027, 1, 1)).await.unwrap().is_empty());
        let listed = store.open_prospects(&alice()).await.unwrap();
        assert_eq!(listed[0].prospect.status, ProspectStatus::Paused);

        let a_week_later = at(2026, 11, 9, 9, 0);
        let resumed = act(&store, &alice(), id, &Action::Resume, &ctx(a_week_later)).await.unwrap();
        assert!(matches!(resumed.outcome, Outcome::Resumed { shifted_days: 7, .. }), "{:?}", resumed.outcome);
        let after: Vec<NaiveDate> = resumed.state.touches.iter().map(|t| t.due_on).collect();
        for (b, a) in before.iter().zip(&after) {
            assert_eq!(*a - *b, Duration::days(7));
        }
        assert_eq!(due_names(&report(&store, &alice(), a_week_later).await), vec!["Jane Doe"]);
    }

    async fn a_finished_cadence_waits_for_the_reps_decision(store) {
        let mut new = prospect("Recap Person");
        new.cadence = Some(CadenceId::Recap); // days 0, 4, 8, 12
        let id = add(&store, &alice(), new, monday()).await;
        done_each_on_its_day(&store, id, 4).await;
        let state = store.prospect_state(&alice(), id).await.unwrap().unwrap();
        assert_eq!(state.prospect.status, ProspectStatus::Awaiting);
        let r = report(&store, &alice(), at(2026, 11, 16, 9, 0)).await;
        assert_eq!(r.awaiting.iter().map(|p| p.id).collect::<Vec<_>>(), vec![id]);

        let more = act(&store, &alice(), id, &Action::OneMore, &ctx(at(2026, 11, 16, 9, 0))).await.unwrap();
        assert_eq!(more.outcome, Outcome::OneMore { due_on: date(2026, 11, 23) });
        assert_eq!(more.state.prospect.status, ProspectStatus::Active);
        assert_eq!(more.state.touches.last().map(|t| t.position()), Some("touch 5 of 5".to_string()));
    }

    async fn a_finished_proposal_moves_to_nurture_by_itself(store) {
        let id = add(&store, &alice(), prospect("Slow Decider"), monday()).await; // the team default: proposal
        let old_enrolment = store.prospect_state(&alice(), id).await.unwrap().unwrap().prospect.enrolment_id;
        let done = Action::Done { touch: TouchRef::Next, channel: None, outcome: None, note: None };
        let last_day = at(2026, 12, 14, 9, 0);
        done_each_on_its_day(&store, id, 5).await;
        act(&store, &alice(), id, &done, &ctx(last_day)).await.unwrap();
        let state = store.prospect_state(&alice(), id).await.unwrap().unwrap();
        assert_eq!(state.prospect.cadence, CadenceId::Nurture);
        assert_eq!(state.prospect.status, ProspectStatus::Active);
        assert_ne!(state.prospect.enrolment_id, old_enrolment);
        assert_eq!(state.prospect.touches_done, 6);
        assert_eq!(state.touches.len(), 1);
        assert_eq!(state.touches[0].due_on, date(2027, 3, 15), "90 days after 2026-12-14 is a Sunday → Monday");
        assert_eq!(state.touches[0].position(), "nurture touch 1");

        // The nurture touch repeats every 90 days.
        let applied = act(&store, &alice(), id, &done, &ctx(at(2027, 3, 15, 9, 0))).await.unwrap();
        assert!(matches!(applied.outcome, Outcome::Done { cadence_ended: false, .. }), "nurture goes on: {:?}", applied.outcome);
        assert_eq!(applied.state.touches.len(), 2);
        assert_eq!(applied.state.touches[1].due_on, date(2027, 6, 14)); // 90 days after 2027-03-15 is a Sunday → Monday
        assert_eq!(applied.state.touches[1].position(), "nurture touch 2");
    }

    async fn moving_to_nurture_replaces_the_open_cadence(store) {
        let id = add(&store, &alice(), prospect("Jane Doe"), monday()).await;
        let applied = act(&store, &alice(), id, &Action::Nurture, &ctx(monday())).await.unwrap();
        assert!(matches!(applied.outcome, Outcome::Nurtured { first_due: Some(d) } if d == date(2027, 2, 1)), "90 days after Mon 2 Nov is Sunday 31 Jan → Monday: {:?}", applied.outcome);
        assert_eq!(applied.state.prospect.cadence, CadenceId::Nurture);
        assert!(report(&store, &alice(), monday()).await.is_empty(), "the proposal's touches are cancelled");
    }

    async fn names_are_found_by_any_part_in_any_case(store) {
        add(&store, &alice(), prospect("Zoë Ångström"), monday()).await;
        add(&store, &alice(), prospect("Jane Doe"), monday()).await;
        add(&store, &alice(), prospect("Janet 50% Off"), monday()).await;
        let names = |v: Vec<followup::domain::Prospect>| v.into_iter().map(|p| p.name).collect::<Vec<_>>();
        assert_eq!(names(store.find_prospects(&alice(), "ZOË", false, 10).await.unwrap()), vec!["Zoë Ångström"]);
        assert_eq!(names(store.find_prospects(&alice(), "jan", false, 10).await.unwrap()), vec!["Jane Doe", "Janet 50% Off"]);
        assert_eq!(names(store.find_prospects(&alice(), "50%", false, 10).await.unwrap()), vec!["Janet 50% Off"]);
        assert_eq!(names(store.find_prospects(&alice(), "%", false, 10).await.unwrap()), vec!["Janet 50% Off"], "% is a character, not a wildcard");
        assert!(store.find_prospects(&alice(), "_", false, 10).await.unwrap().is_empty());
        assert_eq!(store.find_prospects(&alice(), "a", false, 2).await.unwrap().len(), 2, "limit holds");
    }

    async fn the_pipeline_lists_open_prospects_with_their_next_touch(store) {
        let a = add(&store, &alice(), prospect("Alpha"), monday()).await;
        let b = add(&store, &alice(), prospect("Bravo"), monday()).await;
        act(&store, &alice(), b, &Action::Won { value: None }, &ctx(monday())).await.unwrap();
        let done = Action::Done { touch: TouchRef::Next, channel: None, outcome: None, note: None };
        act(&store, &alice(), a, &done, &ctx(monday())).await.unwrap();
        let listed = store.open_prospects(&alice()).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].prospect.id, a);
        let next = listed[0].next.as_ref().expect("a next touch");
        assert_eq!((next.step_index, next.due_on), (1, date(2026, 11, 4)));
    }

    async fn reps_with_something_due_are_found_across_workspaces(store) {
        let bob = RepRef::new("T1", "U_BOB");
        let carol = RepRef::new("T2", "U_CAROL");
        add(&store, &alice(), prospect("Today"), monday()).await;
        let mut later = prospect("Later");
        later.start_on = Some(date(2026, 11, 20));
        add(&store, &bob, later, monday()).await;
        add(&store, &carol, prospect("Also today"), monday()).await;
        assert_eq!(store.reps_with_due(date(2026, 11, 2)).await.unwrap(), vec![alice(), carol.clone()]);
        assert_eq!(store.reps_with_due(date(2026, 11, 20)).await.unwrap(), vec![alice(), bob, carol]);
    }

    async fn agendas_read_for_many_reps_at_once_are_each_reps_own(store) {
        use followup::domain::items::NewItem;
        let bob = RepRef::new("T1", "U_BOB");
        let alice_elsewhere = RepRef::new("T2", "U_ALICE");
        let nobody = RepRef::new("T1", "U_NOBODY");
        let mut hot = prospect("Hot Lead");
        hot.lead = Some(LeadTemp::Hot);
        let hot_id = add(&store, &alice(), hot, monday()).await;
        let jane = add(&store, &alice(), prospect("Jane Doe"), monday()).await;
        add(&store, &bob, prospect("Bob's Pick"), monday()).await;
        add(&store, &bob, prospect("Bob's Next"), monday() + Duration::days(1)).await;
        let elsewhere = add(&store, &alice_elsewhere, prospect("Other Workspace"), monday()).await;
        let promise = |text: &str, due_on| NewItem { mine: true, text: text.into(), due_on };
        assert!(store.add_items(&alice(), jane, &[promise("undated", None), promise("send pricing", Some(date(2026, 11, 3)))], monday()).await.unwrap());
        assert!(store.add_items(&alice_elsewhere, elsewhere, &[promise("call back", Some(date(2026, 11, 2)))], monday()).await.unwrap());

        let later = monday() + Duration::days(2);
        // Bob's today is a day earlier than Alice's: each rep's own date counts.
        let asked = vec![
            (alice(), date(2026, 11, 4)),
            (nobody.clone(), date(2026, 11, 4)),
            (bob.clone(), date(2026, 11, 2)),
            (alice_elsewhere.clone(), date(2026, 11, 4)),
            (alice(), date(2026, 11, 4)),
        ];
        let reps: Vec<RepRef> = asked.iter().map(|(rep, _)| rep.clone()).collect();
        let touches = store.due_touches_of(&asked).await.unwrap();
        let attention = store.attention_of(&reps, due::cutoffs(later)).await.unwrap();
        let items = store.open_items_of(&reps).await.unwrap();
        assert_eq!((touches.len(), attention.len(), items.len()), (5, 5, 5), "one answer per rep asked");
        for (k, (rep, today)) in asked.iter().enumerate() {
            // Each answer is what the rep's own read finds, and only the rep's.
            assert_eq!(touches[k], store.due_touches(rep, *today).await.unwrap(), "{rep:?}");
            assert_eq!(attention[k], store.attention(rep, due::cutoffs(later)).await.unwrap(), "{rep:?}");
            assert_eq!(items[k], store.open_items(rep, None).await.unwrap(), "{rep:?}");
            assert!(touches[k].iter().all(|t| &t.prospect.rep == rep));
            assert!(attention[k].iter().all(|p| &p.prospect.rep == rep));
        }
        let names = |k: usize| {
            let mut names: Vec<String> = touches[k].iter().map(|t| t.prospect.name.clone()).collect();
            names.dedup();
            names
        };
        assert_eq!(names(0), vec!["Hot Lead", "Jane Doe"]);
        assert!(touches[0].windows(2).all(|w| (w[0].touch.due_on, w[0].touch.id) < (w[1].touch.due_on, w[1].touch.id)), "in due order");
        assert!(names(1).is_empty(), "a rep with nothing stored gets nothing");
        assert_eq!(names(2), vec!["Bob's Pick"], "Bob's next prospect is not due on his today");
        assert_eq!(names(3), vec!["Other Workspace"]);
        assert_eq!(names(4), names(0), "a rep asked twice gets the same answer twice");
        assert_eq!(attention[0].iter().map(|p| p.prospect.id).collect::<Vec<_>>(), vec![hot_id], "the hot lead waits");
        let texts = |k: usize| items[k].iter().map(|i| i.text.clone()).collect::<Vec<_>>();
        assert_eq!(texts(0), vec!["send pricing", "undated"], "dated first, undated last");
        assert!(texts(2).is_empty());
        assert_eq!(texts(3), vec!["call back"]);
        assert!(store.due_touches_of(&[]).await.unwrap().is_empty());
    }

    async fn stale_prospects_and_waiting_hot_leads_are_flagged(store) {
        let mut hot = prospect("Hot Lead");
        hot.lead = Some(LeadTemp::Hot);
        let hot_id = add(&store, &alice(), hot, monday()).await;
        let quiet = add(&store, &alice(), prospect("Went Quiet"), monday()).await;
        act(&store, &alice(), quiet, &Action::Replied { note: None }, &ctx(monday())).await.unwrap();

        let next_day = report(&store, &alice(), monday() + Duration::hours(23)).await;
        assert!(next_day.hot_waiting.is_empty(), "still inside 24 hours");
        let later = report(&store, &alice(), monday() + Duration::hours(25)).await;
        assert_eq!(later.hot_waiting.iter().map(|p| p.id).collect::<Vec<_>>(), vec![hot_id]);
        assert!(later.stale.is_empty());

        let weeks_later = report(&store, &alice(), monday() + Duration::days(22)).await;
        let stale: Vec<i64> = weeks_later.stale.iter().map(|p| p.id).collect();
        assert!(stale.contains(&quiet), "a reply with no contact since for 3 weeks is stale");
        assert!(stale.contains(&hot_id), "an active prospect whose next touch is late and unanswered for 3 weeks is stale");
    }

    async fn metrics_come_from_the_recorded_history(store) {
        let done = Action::Done { touch: TouchRef::Next, channel: None, outcome: None, note: None };
        let quick = add(&store, &alice(), prospect("Quick Win"), monday()).await;
        act(&store, &alice(), quick, &done, &ctx(monday() + Duration::hours(2))).await.unwrap();
        act(&store, &alice(), quick, &Action::Won { value: Some(Money::parse("1000").unwrap()) }, &ctx(monday())).await.unwrap();
        let persistent = add(&store, &alice(), prospect("Persistence Pays"), monday()).await;
        for _ in 0..3 {
            act(&store, &alice(), persistent, &done, &ctx(monday() + Duration::hours(4))).await.unwrap();
        }
        act(&store, &alice(), persistent, &Action::Replied { note: None }, &ctx(monday())).await.unwrap();
        act(&store, &alice(), persistent, &Action::Won { value: Some(Money::parse("5000").unwrap()) }, &ctx(monday())).await.unwrap();
        add(&store, &alice(), prospect("Untouched"), monday()).await;

        let m = metrics::compute(&store.histories(&alice()).await.unwrap(), Window::All, monday());
        assert_eq!(m.active, 3);
        assert_eq!(m.won, 2);
        assert_eq!(m.avg_touches_to_close, Some(2.0));
        assert_eq!(m.revenue_recovered, Money::parse("5000").unwrap());
        assert_eq!((m.needed_follow_up, m.won_after_follow_up), (1, 1));
        assert_eq!(m.response_by_touch.iter().map(|r| (r.touch, r.reached, r.replied)).collect::<Vec<_>>(),
                   vec![(1, 2, 0), (2, 1, 0), (3, 1, 1)]);
        assert_eq!(m.speed_to_lead_hours, Some(3.0), "median of 2 h and 4 h");
    }

    async fn rep_settings_are_saved_and_replaced(store) {
        assert!(store.rep_settings(&alice()).await.unwrap().is_none());
        let mut s = RepSettings::new(alice());
        s.tz = Some(chrono_tz::America::New_York);
        s.tz_source = TzSource::Rep;
        s.digest_time = Some(chrono::NaiveTime::from_hms_opt(7, 30, 0).unwrap());
        s.weekends_off = false;
        store.save_rep_settings(&s, monday()).await.unwrap();
        assert_eq!(store.rep_settings(&alice()).await.unwrap(), Some(s.clone()));
        s.tz = Some(chrono_tz::Europe::Berlin);
        s.weekends_off = true;
        store.save_rep_settings(&s, monday()).await.unwrap();
        assert_eq!(store.rep_settings(&alice()).await.unwrap(), Some(s));
        assert!(store.rep_settings(&RepRef::new("T2", "U_ALICE")).await.unwrap().is_none());
    }

    async fn text_is_stored_exactly_as_typed(store) {
        let tricky = "Robert'); DROP TABLE prospects;-- <!channel> *bold* \u{202e}עברית 🎉";
        let mut new = prospect(tricky);
        new.company = Some("O'Reilly & \"Sons\" \\ %_".into());
        let id = add(&store, &alice(), new, monday()).await;
        let p = store.prospect_state(&alice(), id).await.unwrap().unwrap().prospect;
        assert_eq!(p.name, tricky);
        assert_eq!(p.company.as_deref(), Some("O'Reilly & \"Sons\" \\ %_"));
        assert_eq!(store.find_prospects(&alice(), "drop table", false, 5).await.unwrap().len(), 1);
    }

    async fn an_install_state_is_claimed_once_and_forgotten_after_a_day(store) {
        assert!(store.claim_oauth_state("nonce-a", monday()).await.unwrap(), "first use");
        assert!(!store.claim_oauth_state("nonce-a", monday()).await.unwrap(), "second use refused");
        assert!(store.claim_oauth_state("nonce-b", monday()).await.unwrap(), "another link is its own");
        // A day and more later the old rows are pruned (their states expired long before).
        let later = monday() + Duration::hours(25);
        assert!(store.claim_oauth_state("nonce-c", later).await.unwrap());
        assert!(store.claim_oauth_state("nonce-a", later).await.unwrap(), "pruned, so no longer remembered");
    }
}
