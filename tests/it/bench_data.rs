//! `followup bench-data` writes what it says, as the app would have written it: the app's own
//! reads work on it, and a digest pass previews one digest per rep with something due.

use crate::common;

use std::sync::Arc;

use chrono::NaiveTime;
use common::TestDb;
use followup::bench_data::{self, Options};
use followup::clock::FixedClock;
use followup::digest::Digester;
use followup::domain::{ProspectStatus, RepRef, TouchStatus};
use followup::service::Service;
use followup::slack::api::SlackApi;

fn options(history: u32) -> Options {
    Options {
        reps: 20,
        prospects: 10,
        history,
        at: bench_data::parse_at(None).expect("the default instant"),
    }
}

async fn filled(db: &TestDb, history: u32) -> bench_data::Summary {
    bench_data::fill(&db.url, &options(history))
        .await
        .expect("bench-data fills an empty database")
}

macro_rules! on_both {
    ($(async fn $name:ident($db:ident) $body:block)*) => {
        $(
            mod $name {
                use super::*;

                async fn body($db: &TestDb) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let db = TestDb::sqlite().await;
                    body(&db).await;
                    db.finish().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(db) = TestDb::postgres().await else { return };
                    body(&db).await;
                    db.finish().await;
                }
            }
        )*
    };
}

on_both! {
    async fn writes_the_reps_prospects_and_touches_it_reports(db) {
        let summary = filled(db, 7).await;
        assert_eq!((summary.reps, summary.prospects), (20, 200));
        // One current enrolment per prospect, and two earlier ones holding its seven past touches.
        assert_eq!(summary.enrolments, 200 * 3);
        assert!(summary.done >= 200 * 7, "{summary:?}");
        // Between a fifth and a third of the prospects are due or overdue that morning.
        assert!((40..=70).contains(&summary.due), "{summary:?}");
        assert_eq!(summary.reps_due, 20, "{summary:?}");
    }

    async fn the_app_reads_every_prospect_back_as_its_own(db) {
        let summary = filled(db, 3).await;
        let (mut pending, mut done, mut closed) = (0, 0, 0);
        for user in 0..20 {
            let rep = RepRef::new(format!("TB{}", user / 100), format!("UB{user}"));
            let settings = db.store.rep_settings(&rep).await.expect("settings").expect("a reps row");
            assert!(settings.tz.is_some() && settings.digest_time.is_some());
            for state in common::holdings(&db.store, &rep).await {
                let p = &state.prospect;
                assert_eq!(state.touches.first().map(|t| t.enrolment_id), Some(p.enrolment_id));
                let done_now = state.touches.iter().filter(|t| t.status == TouchStatus::Done).count();
                // Three past touches before this enrolment, plus its own done steps.
                assert_eq!(p.touches_done, 3 + done_now as i64, "{p:?}");
                assert!(p.first_touch_at.is_some() && p.last_contact_at.is_some());
                let waiting = state.touches.iter().filter(|t| t.status == TouchStatus::Pending).count();
                if p.status == ProspectStatus::Active {
                    assert!(waiting > 0, "an active prospect has a next touch: {state:?}");
                } else {
                    assert_eq!(waiting, 0, "a closed or finished prospect waits for nothing: {state:?}");
                }
                closed += usize::from(matches!(p.status, ProspectStatus::Won | ProspectStatus::Lost));
                pending += waiting;
                done += done_now;
            }
            db.store.open_prospects(&rep).await.expect("the list reads");
        }
        assert_eq!(pending as i64, summary.pending);
        assert_eq!(done as i64 + 200 * 3, summary.done);
        assert!(closed > 0);
    }

    async fn a_digest_pass_previews_one_digest_per_rep_with_something_due(db) {
        let summary = filled(db, 2).await;
        let at = options(2).at;
        let service = Arc::new(Service::new(
            db.store.clone(),
            Arc::new(FixedClock::new(at)),
            NaiveTime::from_hms_opt(8, 0, 0).expect("a time"),
        ));
        let slack = SlackApi::new("http://127.0.0.1:9/api/", None).expect("a client");
        let digester = Digester::new(service, Arc::new(slack), 4);
        let report = digester.run_pass(at, true).await.expect("a dry run");
        assert_eq!(report.previews.len() as i64, summary.reps_due);
        assert_eq!(report.previewed, report.previews.len());
        assert!(report.previews.iter().all(|p| p.local_date == at.date_naive()));
    }

    async fn refuses_a_database_that_already_holds_prospects(db) {
        filled(db, 0).await;
        let again = bench_data::fill(&db.url, &options(0)).await;
        assert!(again.is_err(), "a second fill must not mix with the first");
    }
}

#[tokio::test]
async fn an_instant_where_the_zones_disagree_on_the_date_is_refused() {
    let db = TestDb::sqlite().await;
    let late = bench_data::parse_at(Some("2026-11-24T23:30:00Z")).expect("an instant");
    let opts = Options {
        at: late,
        ..options(0)
    };
    let err = bench_data::fill(&db.url, &opts)
        .await
        .expect_err("Berlin is a day ahead");
    assert!(err.to_string().contains("same weekday"), "{err}");
}
