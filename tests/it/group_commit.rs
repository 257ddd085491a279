//! Adds arrive together and are committed together (group commit): every caller still gets its
//! own answer, what it was told is what the database holds, duplicates inside one batch are
//! caught, and one add the database refuses does not take the others down. On SQLite and Postgres.

use crate::common;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use common::{at, date};
use followup::domain::lifecycle::{enrol, NewTouch};
use followup::domain::{CadenceId, Email, NewProspect, ProspectName, RepRef, RepSettings};
use followup::store::{Added, Store, StoreResult};

fn monday() -> DateTime<Utc> {
    at(2026, 11, 2, 9, 0)
}

fn person(name: &str, email: Option<&str>, company: Option<&str>) -> NewProspect {
    let mut new = NewProspect::named(ProspectName::parse(name).expect("a name"));
    new.email = email.map(|e| Email::parse(e).expect("an email"));
    new.company = company.map(str::to_string);
    new
}

/// Adds every prospect at once (all queued before any commits) and returns the answers in order.
async fn add_together(
    store: &Arc<dyn Store>,
    adds: Vec<(RepRef, NewProspect)>,
) -> Vec<StoreResult<Added>> {
    let now = monday();
    let tasks: Vec<_> = adds
        .into_iter()
        .map(|(rep, new)| {
            let store = store.clone();
            tokio::spawn(async move {
                let c = RepSettings::new(rep.clone()).context(now);
                let (cadence, touches) = enrol(&new, c.today, &c.calendar).expect("plan");
                store.add_prospect(&rep, &new, cadence, &touches, now).await
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("the add task ran"));
    }
    answers
}

on_both_databases! {
    async fn ids_deleted_by_a_purge_are_never_given_again_and_a_batch_after_it_reads_back_as_told(store) {
        // T2's prospects are the newest rows in every table a batch writes; purging T2 leaves
        // the highest ids unused. The next batch must number after them, as AUTOINCREMENT does.
        let t1 = RepRef::new("T1", "U_A");
        let t2 = RepRef::new("T2", "U_B");
        let first = add_together(&store, vec![(t1.clone(), person("Ann Able", None, None))]).await;
        let ann = first.into_iter().next().expect("one").expect("stored").enrolled().expect("new");
        let doomed = add_together(&store, (0..3).map(|i| (t2.clone(), person(&format!("Gone {i}"), None, None))).collect()).await;
        let mut highest = (0, 0, 0);
        for answer in doomed {
            let s = answer.expect("stored").enrolled().expect("new");
            highest.0 = highest.0.max(s.prospect.id);
            highest.1 = highest.1.max(s.prospect.enrolment_id);
            highest.2 = highest.2.max(s.touches.iter().map(|t| t.id).max().unwrap_or(0));
        }
        store.purge_workspace("T2", monday()).await.expect("purged");
        let after = add_together(&store, (0..4).map(|i| (t1.clone(), person(&format!("New {i}"), None, None))).collect()).await;
        for answer in after {
            let s = answer.expect("stored").enrolled().expect("new");
            assert!(s.prospect.id > highest.0, "prospect id {} reused (highest was {})", s.prospect.id, highest.0);
            assert!(s.prospect.enrolment_id > highest.1, "enrolment id reused");
            assert!(s.touches.iter().all(|t| t.id > highest.2), "touch id reused");
            let stored = store.prospect_state(&t1, s.prospect.id).await.expect("read").expect("there");
            assert_eq!(stored, s, "what the caller was told is what is stored");
        }
        let kept = store.prospect_state(&t1, ann.prospect.id).await.expect("read").expect("Ann stays");
        assert_eq!(kept, ann);
    }

    async fn a_burst_of_adds_is_stored_exactly_as_each_caller_was_told(store) {
        let reps = [RepRef::new("T1", "U_A"), RepRef::new("T1", "U_B"), RepRef::new("T2", "U_A")];
        let adds = (0..60)
            .map(|i| {
                let rep = reps[i % reps.len()].clone();
                (rep, person(&format!("Person {i}"), Some(&format!("p{i}@example.com")), None))
            })
            .collect();
        let answers = add_together(&store, adds).await;
        let mut ids = Vec::new();
        for (i, answer) in answers.into_iter().enumerate() {
            let state = answer.expect("stored").enrolled().expect("not a duplicate");
            let rep = &reps[i % reps.len()];
            assert_eq!(state.prospect.name, format!("Person {i}"));
            assert_eq!(&state.prospect.rep, rep);
            assert!(!state.touches.is_empty());
            assert!(state.touches.iter().all(|t| t.enrolment_id == state.prospect.enrolment_id));
            // What the caller was told is what a later read finds.
            let stored = store.prospect_state(rep, state.prospect.id).await.expect("read").expect("there");
            assert_eq!(stored, state);
            ids.push(state.prospect.id);
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 60, "every add got its own prospect");
        for rep in &reps {
            assert_eq!(store.open_prospects(rep).await.expect("list").len(), 20);
        }
    }

    async fn the_same_person_added_twice_at_once_is_stored_once(store) {
        let rep = RepRef::new("T1", "U_A");
        let other_team = RepRef::new("T2", "U_A");
        let mut adds: Vec<_> = (0..8)
            .map(|i| (rep.clone(), person(&format!("Jane Doe {i}"), Some("Jane@Acme.com"), None)))
            .collect();
        // By name at the same company (any case), and the same email in another workspace.
        adds.push((rep.clone(), person("Bob Roe", None, Some("Acme"))));
        adds.push((RepRef::new("T1", "U_B"), person("bob roe", None, Some("ACME"))));
        adds.push((other_team.clone(), person("Jane Doe", Some("jane@acme.com"), None)));
        let answers: Vec<Added> = add_together(&store, adds)
            .await
            .into_iter()
            .map(|a| a.expect("answered"))
            .collect();

        let jane: Vec<_> = answers[..8]
            .iter()
            .filter_map(|a| match a {
                Added::Enrolled(state) => Some(state.prospect.id),
                Added::Duplicate(_) => None,
            })
            .collect();
        assert_eq!(jane.len(), 1, "exactly one Jane is stored: {answers:?}");
        for answer in &answers[..8] {
            if let Added::Duplicate(existing) = answer {
                assert_eq!(existing.iter().map(|p| p.id).collect::<Vec<_>>(), jane);
            }
        }
        // Whichever of the two Bobs was queued first is stored; the other points at it.
        let bob = match (&answers[8], &answers[9]) {
            (Added::Enrolled(first), Added::Duplicate(existing))
            | (Added::Duplicate(existing), Added::Enrolled(first)) => {
                assert_eq!(existing[0].id, first.prospect.id);
                first.prospect.id
            }
            other => panic!("one Bob Roe at Acme should be a duplicate of the other: {other:?}"),
        };
        assert!(matches!(&answers[10], Added::Enrolled(_)), "another workspace may hold the same email");
        let stored: Vec<_> = store.team_prospects("T1", None).await.expect("team").iter().map(|p| p.id).collect();
        assert_eq!(stored.len(), 2);
        assert!(stored.contains(&jane[0]) && stored.contains(&bob));
        assert_eq!(store.team_prospects("T2", None).await.expect("team").len(), 1);
    }

    async fn an_add_already_in_the_database_is_refused_with_what_it_matches(store) {
        let rep = RepRef::new("T1", "U_A");
        let first = add_together(&store, vec![(rep.clone(), person("Jane Doe", Some("jane@acme.com"), Some("Acme")))])
            .await
            .remove(0)
            .expect("stored")
            .enrolled()
            .expect("new");
        let again = add_together(&store, vec![
            (RepRef::new("T1", "U_B"), person("Janet Doe", Some("JANE@acme.com"), None)),
            (rep.clone(), person("JANE DOE", None, Some("acme"))),
        ])
        .await;
        for answer in again {
            match answer.expect("answered") {
                Added::Duplicate(existing) => assert_eq!(existing, vec![first.prospect.clone()]),
                other => panic!("expected a duplicate, got {other:?}"),
            }
        }
        assert_eq!(store.team_prospects("T1", None).await.expect("team").len(), 1);
    }

    async fn one_refused_add_in_a_batch_does_not_sink_the_others(store) {
        let rep = RepRef::new("T1", "U_A");
        let now = monday();
        let bad_steps = vec![
            NewTouch { cadence: CadenceId::Proposal, step_index: 0, step_count: Some(6), due_on: date(2026, 11, 2) },
            NewTouch { cadence: CadenceId::Proposal, step_index: 0, step_count: Some(6), due_on: date(2026, 11, 3) },
        ];
        let tasks: Vec<_> = (0..12)
            .map(|i| {
                let store = store.clone();
                let rep = rep.clone();
                let bad_steps = bad_steps.clone();
                tokio::spawn(async move {
                    let new = person(&format!("Person {i}"), None, None);
                    if i == 5 {
                        store.add_prospect(&rep, &new, CadenceId::Proposal, &bad_steps, now).await
                    } else {
                        let (cadence, touches) = enrol(&new, NaiveDate::from_ymd_opt(2026, 11, 2).expect("date"), &followup::domain::schedule::Calendar::weekends(true)).expect("plan");
                        store.add_prospect(&rep, &new, cadence, &touches, now).await
                    }
                })
            })
            .collect();
        for (i, task) in tasks.into_iter().enumerate() {
            let answer = task.await.expect("ran");
            if i == 5 {
                assert!(answer.is_err(), "two touches at one step break the unique key");
            } else {
                assert!(matches!(answer, Ok(Added::Enrolled(_))), "add {i}: {answer:?}");
            }
        }
        let names: Vec<String> = store.open_prospects(&rep).await.expect("list").into_iter().map(|p| p.prospect.name).collect();
        assert_eq!(names.len(), 11);
        assert!(!names.contains(&"Person 5".to_string()), "nothing of the refused add is stored");
    }

    async fn every_rep_who_enrolled_someone_has_a_row_even_after_a_refused_first_add(store) {
        let (a, b) = (RepRef::new("T1", "U_A"), RepRef::new("T1", "U_B"));
        add_together(&store, vec![(a.clone(), person("Jane Doe", Some("jane@acme.com"), None))]).await;
        // B's first add is refused (Jane is A's), then B enrols someone else.
        let refused = add_together(&store, vec![(b.clone(), person("Jane D", Some("jane@acme.com"), None))]).await;
        assert!(matches!(refused.as_slice(), [Ok(Added::Duplicate(_))]), "{refused:?}");
        assert_eq!(store.all_reps().await.expect("reps"), vec![a.clone()]);
        add_together(&store, vec![(b.clone(), person("Omar Novak", Some("omar@acme.com"), None))]).await;
        assert_eq!(store.all_reps().await.expect("reps"), vec![a, b]);
    }
}
