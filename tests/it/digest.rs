//! The morning digest: each rep's local morning, exactly once, within Slack's rate limits.
//! A fixed clock and a fake Slack on loopback; every test runs on SQLite and on Postgres.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use common::fake_slack::{Failure, FakeSlack};
use common::{at, TestDb};
use followup::clock::{Clock, FixedClock};
use followup::command::Command;
use followup::digest::Digester;
use followup::domain::digest::{latest_local_date, weekly_numbers_since};
use followup::domain::lifecycle::{decide, enrol, Action, TouchRef};
use followup::domain::schedule::local_date;
use followup::domain::{CadenceId, NewProspect, ProspectName, RepRef, RepSettings, TzSource};
use followup::service::Service;
use followup::slack::api::SlackApi;
use followup::store::{self, Store};

struct Rig {
    store: Arc<dyn Store>,
    slack: FakeSlack,
    clock: Arc<FixedClock>,
    service: Arc<Service>,
    digester: Digester,
    db: TestDb,
}

impl Rig {
    async fn start(db: TestDb, now: DateTime<Utc>) -> Rig {
        let slack = FakeSlack::start().await;
        let clock = Arc::new(FixedClock::new(now));
        let service = Arc::new(Service::new(
            db.store.clone(),
            clock.clone(),
            NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
        ));
        let digester = Digester::new(service.clone(), Arc::new(api(&slack)), 4);
        Rig {
            store: db.store.clone(),
            slack,
            clock,
            service,
            digester,
            db,
        }
    }

    /// A rep with a chosen time zone and digest time.
    async fn rep(
        &self,
        user: &str,
        tz: Tz,
        digest: Option<(u32, u32)>,
        weekends_off: bool,
    ) -> RepSettings {
        let mut s = RepSettings::new(RepRef::new("T1", user));
        s.tz = Some(tz);
        s.tz_source = TzSource::Rep;
        s.digest_time = digest.map(|(h, m)| NaiveTime::from_hms_opt(h, m, 0).unwrap());
        s.weekends_off = weekends_off;
        self.store
            .save_rep_settings(&s, self.clock.now())
            .await
            .unwrap();
        s
    }

    /// Enrols a prospect for the rep at `now`, as the app does; answers its touch dates.
    async fn enrol(
        &self,
        settings: &RepSettings,
        name: &str,
        cadence: CadenceId,
        now: DateTime<Utc>,
    ) -> Vec<NaiveDate> {
        let mut new = NewProspect::named(ProspectName::parse(name).unwrap());
        new.cadence = Some(cadence);
        let ctx = settings.context(now);
        let (cadence, touches) = enrol(&new, ctx.today, &ctx.calendar).unwrap();
        let state = self
            .store
            .add_prospect(&settings.rep, &new, cadence, &touches, now)
            .await
            .unwrap()
            .enrolled()
            .expect("not a duplicate");
        state.touches.iter().map(|t| t.due_on).collect()
    }

    /// The rep works the digest: every touch due today is logged as done.
    async fn work(&self, settings: &RepSettings, now: DateTime<Utc>) {
        let ctx = settings.context(now);
        for due in self
            .store
            .due_touches(&settings.rep, ctx.today)
            .await
            .unwrap()
        {
            let done = Action::Done {
                touch: TouchRef::Id(due.touch.id),
                channel: None,
                outcome: None,
                note: None,
            };
            self.store
                .apply(&settings.rep, due.prospect.id, ctx.now, &|state| {
                    decide(state, &done, &ctx)
                })
                .await
                .unwrap();
        }
    }

    fn delivered(&self) -> Vec<common::fake_slack::Call> {
        self.slack
            .calls_to("chat.postMessage")
            .into_iter()
            .filter(|c| c.succeeded())
            .collect()
    }

    async fn finish(self) {
        self.db.finish().await;
    }
}

fn api(slack: &FakeSlack) -> SlackApi {
    SlackApi::new(&slack.api_url(), Some("xoxb-test".into()))
        .unwrap()
        .with_backoff(Duration::from_millis(10), 4)
}

macro_rules! digest_tests {
    ($(async fn $name:ident($rig:ident) $body:block)*) => {
        $(
            mod $name {
                use super::*;
                async fn body($rig: &Rig) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let rig = Rig::start(TestDb::sqlite().await, at(2026, 10, 19, 0, 0)).await;
                    body(&rig).await;
                    rig.finish().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(db) = TestDb::postgres().await else { return };
                    let rig = Rig::start(db, at(2026, 10, 19, 0, 0)).await;
                    body(&rig).await;
                    rig.finish().await;
                }
            }
        )*
    };
}

digest_tests! {
    async fn a_simulated_month_sends_one_digest_per_working_day_with_something_due_and_mondays_numbers(rig) {
        // Mon 19 Oct – Wed 18 Nov 2026: Europe leaves summer time on 25 Oct, New York on 1 Nov.
        let start = at(2026, 10, 19, 0, 0);
        let ny = rig.rep("U_NY", chrono_tz::America::New_York, None, true).await;
        let berlin = rig.rep("U_BERLIN", chrono_tz::Europe::Berlin, Some((7, 30)), true).await;
        let tokyo = rig.rep("U_TOKYO", chrono_tz::Asia::Tokyo, Some((9, 0)), false).await;
        let mut expected: BTreeMap<String, BTreeSet<NaiveDate>> = BTreeMap::new();
        for (settings, cadence) in [(&ny, CadenceId::TenWeek), (&ny, CadenceId::Recap), (&berlin, CadenceId::Hot), (&tokyo, CadenceId::Proposal)] {
            let dates = rig.enrol(settings, &format!("{} {cadence}", settings.rep.user_id), cadence, start).await;
            let first_day = local_date(start, settings.zone());
            let last_day = NaiveDate::from_ymd_opt(2026, 11, 18).unwrap();
            expected.entry(settings.rep.user_id.clone()).or_default().extend(
                dates.into_iter().filter(|d| *d >= first_day && *d <= last_day),
            );
        }

        let friday = *expected["U_NY"].iter().find(|d| d.weekday() == Weekday::Fri).expect("a Friday with touches");
        // Friday's touches stay overdue through the weekend: no digest until Monday, which gets one.
        expected.get_mut("U_NY").unwrap().insert(friday + chrono::Duration::days(3));
        // Monday logs Friday's ten-week touch three days late, so the rest of that cadence runs
        // from Monday: its week 3 (2, 4 and 6 Nov) comes three days later — 5, then Sun 8 → Mon 9,
        // then 11 Nov (never two working days running).
        let ny_days = expected.get_mut("U_NY").unwrap();
        for day in [2, 4, 6] {
            assert!(ny_days.remove(&NaiveDate::from_ymd_opt(2026, 11, day).unwrap()), "ten-week's week 3 on {day} Nov");
        }
        ny_days.extend([5, 9, 11].map(|day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap()));
        let mut got: BTreeMap<String, Vec<DateTime<Utc>>> = BTreeMap::new();
        let mut now = start;
        while now < at(2026, 11, 19, 0, 0) {
            let report = rig.digester.run_pass(now, false).await.unwrap();
            assert!(report.failed.is_empty(), "{:?}", report.failed);
            for rep in report.sent {
                got.entry(rep.user_id.clone()).or_default().push(now);
                let settings = [&ny, &berlin, &tokyo].into_iter().find(|s| s.rep == rep).unwrap();
                // New York ignores Friday's digest: its touches stay overdue over the weekend.
                if !(rep == ny.rep && local_date(now, ny.zone()) == friday) {
                    rig.work(settings, now).await;
                }
            }
            now += chrono::Duration::minutes(30);
        }

        // A Monday with nothing due still brings last week's numbers to a rep who worked last week
        // (every digest day but New York's Friday) or enrolled a prospect then.
        for settings in [&ny, &berlin, &tokyo] {
            let user = &settings.rep.user_id;
            let mut active: BTreeSet<NaiveDate> = expected[user].iter().copied().filter(|d| !(user == "U_NY" && *d == friday)).collect();
            active.insert(local_date(start, settings.zone()));
            let mondays: Vec<NaiveDate> = local_date(start, settings.zone())
                .iter_days()
                .take_while(|d| *d <= NaiveDate::from_ymd_opt(2026, 11, 18).unwrap())
                .filter(|d| d.weekday() == Weekday::Mon && active.range(*d - chrono::Duration::days(7)..*d).next().is_some())
                .collect();
            expected.get_mut(user).unwrap().extend(mondays);
        }
        for settings in [&ny, &berlin, &tokyo] {
            let user = &settings.rep.user_id;
            let sent = got.get(user).cloned().unwrap_or_default();
            let days: Vec<NaiveDate> = sent.iter().map(|t| local_date(*t, settings.zone())).collect();
            let unique: BTreeSet<NaiveDate> = days.iter().copied().collect();
            assert_eq!(unique.len(), days.len(), "{user}: more than one digest on a day: {days:?}");
            assert_eq!(unique, expected[user], "{user}: digest days");
            let digest_time = settings.digest_time.unwrap_or(NaiveTime::from_hms_opt(8, 0, 0).unwrap());
            for t in &sent {
                assert_eq!(t.with_timezone(&settings.zone()).time(), digest_time, "{user} at {t}: the rep's local digest time");
                if settings.weekends_off {
                    assert!(!matches!(local_date(*t, settings.zone()).weekday(), Weekday::Sat | Weekday::Sun), "{user} on a weekend: {t}");
                }
            }
        }
        // New York across its DST change: 08:00 local was 12:00 UTC before 1 Nov and 13:00 UTC after.
        let ny_sent = &got["U_NY"];
        assert!(ny_sent.iter().any(|t| *t < at(2026, 11, 1, 0, 0) && t.format("%H:%M").to_string() == "12:00"));
        assert!(ny_sent.iter().any(|t| *t > at(2026, 11, 2, 0, 0) && t.format("%H:%M").to_string() == "13:00"));
        assert_eq!(rig.delivered().len(), got.values().map(Vec::len).sum::<usize>());
        // Each digest went to the rep's own DM: posted to the user id, no `conversations.open`.
        for call in rig.delivered() {
            assert!(call.body["channel"].as_str().unwrap().starts_with("U_"), "{}", call.summary());
        }
        assert_eq!(rig.slack.count("conversations.open"), 0);
    }

    async fn a_second_pass_the_same_day_sends_nothing(rig) {
        let ny = rig.rep("U_NY", chrono_tz::America::New_York, None, true).await;
        rig.enrol(&ny, "Jane Doe", CadenceId::Proposal, at(2026, 10, 20, 12, 0)).await;
        let eight = at(2026, 10, 20, 12, 0);
        assert_eq!(rig.digester.run_pass(eight - chrono::Duration::minutes(1), false).await.unwrap().sent.len(), 0, "07:59 is too early");
        assert_eq!(rig.digester.run_pass(eight, false).await.unwrap().sent.len(), 1);
        assert_eq!(rig.digester.run_pass(eight, false).await.unwrap().sent.len(), 0);
        assert_eq!(rig.digester.run_pass(eight + chrono::Duration::hours(5), false).await.unwrap().sent.len(), 0);
        assert_eq!(rig.delivered().len(), 1);
        let run = rig.store.digest_run(&ny.rep, NaiveDate::from_ymd_opt(2026, 10, 20).unwrap()).await.unwrap().unwrap();
        assert_eq!((run.status.as_str(), run.attempts), ("sent", 1));
        assert!(run.message_ts.is_some());
        let text = common::app::reply_text(&rig.delivered()[0].body);
        assert!(text.contains("Good morning") && text.contains("*Jane Doe*") && text.contains("touch 1 of 6"), "{text}");
    }

    async fn a_pass_after_every_digest_went_out_reads_no_rep_until_their_next_morning(rig) {
        let ny = rig.rep("U_NY", chrono_tz::America::New_York, None, true).await;
        let berlin = rig.rep("U_BER", chrono_tz::Europe::Berlin, None, true).await;
        rig.enrol(&ny, "Jane Doe", CadenceId::Proposal, at(2026, 10, 19, 12, 0)).await;
        rig.enrol(&berlin, "Kai Berg", CadenceId::Proposal, at(2026, 10, 19, 12, 0)).await;
        let candidates = |now: DateTime<Utc>| async move {
            let mut found: Vec<String> = rig
                .store
                .digest_candidates(latest_local_date(now), weekly_numbers_since(now), now)
                .await
                .unwrap()
                .into_iter()
                .map(|s| s.rep.user_id)
                .collect();
            found.sort();
            found
        };
        // Tue 20 Oct, 07:30 UTC: 09:30 in Berlin (sent), 03:30 in New York (not yet).
        let morning = at(2026, 10, 20, 7, 30);
        assert_eq!(candidates(morning).await, vec!["U_BER", "U_NY"]);
        assert_eq!(rig.digester.run_pass(morning, false).await.unwrap().sent, vec![berlin.rep.clone()]);
        // A minute later neither is read: Berlin is served, New York's time is 12:00 UTC.
        assert!(candidates(morning + chrono::Duration::minutes(1)).await.is_empty());
        assert!(candidates(at(2026, 10, 20, 11, 59)).await.is_empty());
        assert_eq!(candidates(at(2026, 10, 20, 12, 0)).await, vec!["U_NY"]);
        assert_eq!(rig.digester.run_pass(at(2026, 10, 20, 12, 0), false).await.unwrap().sent, vec![ny.rep.clone()]);
        assert!(candidates(at(2026, 10, 20, 12, 1)).await.is_empty());
        // The next mornings, each at their own time (Berlin's 08:00 is 06:00 UTC in October).
        assert!(candidates(at(2026, 10, 21, 5, 59)).await.is_empty());
        assert_eq!(candidates(at(2026, 10, 21, 6, 0)).await, vec!["U_BER"]);
        // A changed digest time is looked at again at once.
        let mut earlier = ny.clone();
        earlier.digest_time = NaiveTime::from_hms_opt(6, 0, 0);
        rig.store.save_rep_settings(&earlier, at(2026, 10, 20, 13, 0)).await.unwrap();
        assert_eq!(candidates(at(2026, 10, 20, 13, 1)).await, vec!["U_NY"]);
        assert_eq!(rig.digester.run_pass(at(2026, 10, 20, 13, 1), false).await.unwrap().sent.len(), 0, "already sent today");
        assert!(candidates(at(2026, 10, 20, 13, 2)).await.is_empty());
        assert_eq!(candidates(at(2026, 10, 21, 10, 0)).await, vec!["U_BER", "U_NY"], "06:00 in New York");
    }

    async fn a_settings_change_made_while_a_pass_ran_is_not_overwritten_by_it(rig) {
        let ny = rig.rep("U_NY", chrono_tz::America::New_York, None, true).await;
        rig.enrol(&ny, "Jane Doe", CadenceId::Proposal, at(2026, 10, 20, 12, 0)).await;
        let pass_began = at(2026, 10, 20, 12, 0);
        // The rep saves a new digest time a moment after the pass began, before it wrote.
        rig.store.save_rep_settings(&ny, pass_began + chrono::Duration::seconds(5)).await.unwrap();
        let tomorrow = at(2026, 10, 21, 12, 0);
        rig.store.set_digest_after(&[(ny.rep.clone(), tomorrow)], pass_began).await.unwrap();
        let found = rig.store.digest_candidates(latest_local_date(pass_began), None, pass_began + chrono::Duration::minutes(1)).await.unwrap();
        assert_eq!(found.len(), 1, "looked at again, with the new settings");
        // Without a change since, the pass's word holds.
        rig.store.set_digest_after(&[(ny.rep.clone(), tomorrow)], pass_began + chrono::Duration::minutes(1)).await.unwrap();
        let found = rig.store.digest_candidates(latest_local_date(pass_began), None, pass_began + chrono::Duration::minutes(2)).await.unwrap();
        assert!(found.is_empty());
    }

    async fn a_promise_falling_due_brings_a_digest_even_with_no_touch_due(rig) {
        let ny = rig.rep("U_NY", chrono_tz::America::New_York, None, true).await;
        // Jane's cadence starts next month: no touch is due this week.
        let mut later = NewProspect::named(ProspectName::parse("Jane Doe").unwrap());
        later.start_on = Some(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        let ctx = ny.context(at(2026, 10, 19, 12, 0));
        let (cadence, touches) = enrol(&later, ctx.today, &ctx.calendar).unwrap();
        let jane = rig.store.add_prospect(&ny.rep, &later, cadence, &touches, at(2026, 10, 19, 12, 0)).await.unwrap().enrolled().expect("added");
        let promise = followup::domain::items::NewItem {
            mine: true,
            text: "send the security questionnaire".into(),
            due_on: NaiveDate::from_ymd_opt(2026, 10, 21),
        };
        let theirs = followup::domain::items::NewItem {
            mine: false,
            text: "intro to their CFO".into(),
            due_on: NaiveDate::from_ymd_opt(2026, 10, 20),
        };
        rig.store.add_items(&ny.rep, jane.prospect.id, &[promise, theirs], at(2026, 10, 19, 12, 0)).await.unwrap();
        // Tuesday: only the prospect's promise is due, which is theirs to keep: no digest.
        assert!(rig.digester.run_pass(at(2026, 10, 20, 12, 0), false).await.unwrap().sent.is_empty());
        // Wednesday: the rep's own promise falls due.
        let wednesday = rig.digester.run_pass(at(2026, 10, 21, 12, 0), false).await.unwrap();
        assert_eq!(wednesday.sent, vec![ny.rep.clone()]);
        let text = common::app::reply_text(&rig.delivered()[0].body);
        assert!(text.contains("send the security questionnaire"), "{text}");
    }

    async fn a_failed_send_is_retried_by_a_later_pass_not_put_off_to_tomorrow(rig) {
        let ny = rig.rep("U_NY", chrono_tz::America::New_York, None, true).await;
        rig.enrol(&ny, "Jane Doe", CadenceId::Proposal, at(2026, 10, 20, 12, 0)).await;
        rig.slack.fail_next("chat.postMessage", 4, common::fake_slack::Failure::ServerError);
        let eight = at(2026, 10, 20, 12, 0);
        assert_eq!(rig.digester.run_pass(eight, false).await.unwrap().failed.len(), 1);
        assert_eq!(rig.digester.run_pass(eight + chrono::Duration::minutes(1), false).await.unwrap().sent.len(), 0, "waits for the retry");
        let retried = rig.digester.run_pass(eight + chrono::Duration::minutes(6), false).await.unwrap();
        assert_eq!(retried.sent, vec![ny.rep.clone()]);
    }

    async fn a_pass_over_more_reps_than_one_read_sends_each_rep_their_own_digest(rig) {
        // 120 reps in two zones (a pass reads agendas a chunk of reps at a time), every second
        // one with a prospect due today.
        let mut due: BTreeMap<String, String> = BTreeMap::new();
        for n in 0..120 {
            let tz = if n % 3 == 0 { chrono_tz::Europe::Berlin } else { chrono_tz::America::New_York };
            let settings = rig.rep(&format!("U{n:03}"), tz, None, true).await;
            if n % 2 == 0 {
                let name = format!("Prospect Of U{n:03}");
                rig.enrol(&settings, &name, CadenceId::Proposal, at(2026, 10, 20, 12, 0)).await;
                due.insert(settings.rep.user_id.clone(), name);
            }
        }
        let now = at(2026, 10, 20, 14, 0);
        let preview = rig.digester.run_pass(now, true).await.unwrap();
        let previewed: Vec<&str> = preview.previews.iter().map(|p| p.rep.user_id.as_str()).collect();
        assert_eq!(previewed, due.keys().map(String::as_str).collect::<Vec<_>>(), "previews in rep order");
        let report = rig.digester.run_pass(now, false).await.unwrap();
        assert!(report.failed.is_empty(), "{:?}", report.failed);
        assert_eq!(report.sent.len(), 60, "the other half has nothing due");
        let posts = rig.slack.calls_to("chat.postMessage");
        assert_eq!(posts.len(), 60, "one digest each");
        for post in posts {
            let to = post.body["channel"].as_str().expect("a channel").to_string();
            let body = post.body.to_string();
            for (user, name) in &due {
                assert_eq!(body.contains(name.as_str()), *user == to, "{to}'s digest and {name}");
            }
        }
    }

    async fn nothing_is_sent_on_an_empty_day(rig) {
        let ny = rig.rep("U_NY", chrono_tz::America::New_York, None, true).await;
        let mut later = NewProspect::named(ProspectName::parse("Later Larry").unwrap());
        later.start_on = Some(NaiveDate::from_ymd_opt(2026, 10, 27).unwrap());
        let ctx = ny.context(at(2026, 10, 20, 12, 0));
        let (cadence, touches) = enrol(&later, ctx.today, &followup::domain::schedule::Calendar::weekends(true)).unwrap();
        rig.store.add_prospect(&ny.rep, &later, cadence, &touches, at(2026, 10, 20, 12, 0)).await.unwrap();
        assert!(rig.digester.run_pass(at(2026, 10, 20, 13, 0), false).await.unwrap().sent.is_empty());
        assert_eq!(rig.digester.run_pass(at(2026, 10, 27, 13, 0), false).await.unwrap().sent.len(), 1);
    }

    async fn rate_limiting_is_honoured_and_the_digest_still_arrives_once(rig) {
        let ny = rig.rep("U_NY", chrono_tz::America::New_York, None, true).await;
        rig.enrol(&ny, "Jane Doe", CadenceId::Proposal, at(2026, 10, 20, 12, 0)).await;
        rig.slack.fail_next("chat.postMessage", 1, Failure::RateLimited { retry_after_secs: 1 });
        let report = rig.digester.run_pass(at(2026, 10, 20, 12, 0), false).await.unwrap();
        assert_eq!(report.sent.len(), 1);
        let calls = rig.slack.calls_to("chat.postMessage");
        assert_eq!(calls.len(), 2, "one refused with 429, one delivered");
        assert!(!calls[0].succeeded() && calls[1].succeeded());
        let waited = calls[1].received_at.duration_since(calls[0].received_at);
        assert!(waited >= Duration::from_millis(950), "Retry-After: 1 was honoured ({waited:?})");
        assert_eq!(rig.digester.run_pass(at(2026, 10, 20, 12, 30), false).await.unwrap().sent.len(), 0);
        assert_eq!(rig.delivered().len(), 1);
    }

    async fn two_passes_at_the_same_instant_send_once_per_rep(rig) {
        let mut reps = Vec::new();
        for user in ["U_A", "U_B", "U_C", "U_D"] {
            let s = rig.rep(user, chrono_tz::America::New_York, None, true).await;
            rig.enrol(&s, &format!("Prospect of {user}"), CadenceId::Hot, at(2026, 10, 20, 12, 0)).await;
            reps.push(s);
        }
        // A second replica: its own connection pool to the same database and its own Slack client.
        let other_store = store::connect(&rig.db.url).await.unwrap();
        let other_service = Arc::new(Service::new(other_store, rig.clock.clone(), NaiveTime::from_hms_opt(8, 0, 0).unwrap()));
        let other = Digester::new(other_service, Arc::new(api(&rig.slack)), 4);
        let now = at(2026, 10, 20, 12, 0);
        let (a, b) = tokio::join!(rig.digester.run_pass(now, false), other.run_pass(now, false));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.sent.len() + b.sent.len(), 4, "{:?} / {:?}", a.sent, b.sent);
        let channels: Vec<String> = rig.delivered().iter().map(|c| c.body["channel"].as_str().unwrap().to_string()).collect();
        let unique: BTreeSet<&String> = channels.iter().collect();
        assert_eq!((channels.len(), unique.len()), (4, 4), "each rep exactly once: {channels:?}");
    }

    async fn a_pass_killed_between_claim_and_send_is_completed_by_a_later_pass(rig) {
        let ny = rig.rep("U_NY", chrono_tz::America::New_York, None, true).await;
        rig.enrol(&ny, "Jane Doe", CadenceId::Proposal, at(2026, 10, 20, 12, 0)).await;
        let day = NaiveDate::from_ymd_opt(2026, 10, 20).unwrap();
        let eight = at(2026, 10, 20, 12, 0);
        // A pass claimed the digest and died before sending.
        assert!(rig.store.claim_digest(&ny.rep, day, eight, eight + chrono::Duration::minutes(10)).await.unwrap());
        assert!(rig.digester.run_pass(eight + chrono::Duration::minutes(5), false).await.unwrap().sent.is_empty(), "the lease still holds");
        assert_eq!(rig.delivered().len(), 0);
        let later = rig.digester.run_pass(eight + chrono::Duration::minutes(11), false).await.unwrap();
        assert_eq!(later.sent, vec![ny.rep.clone()]);
        assert_eq!(rig.delivered().len(), 1);
        let run = rig.store.digest_run(&ny.rep, day).await.unwrap().unwrap();
        assert_eq!((run.status.as_str(), run.attempts), ("sent", 2));
    }

    async fn slack_down_is_retried_by_a_later_pass(rig) {
        let ny = rig.rep("U_NY", chrono_tz::America::New_York, None, true).await;
        rig.enrol(&ny, "Jane Doe", CadenceId::Proposal, at(2026, 10, 20, 12, 0)).await;
        rig.slack.fail_next("chat.postMessage", 10, Failure::ServerError);
        let eight = at(2026, 10, 20, 12, 0);
        let first = rig.digester.run_pass(eight, false).await.unwrap();
        assert_eq!(first.failed.len(), 1);
        let run = rig.store.digest_run(&ny.rep, NaiveDate::from_ymd_opt(2026, 10, 20).unwrap()).await.unwrap().unwrap();
        assert_eq!(run.status, "failed");
        assert!(run.last_error.unwrap_or_default().contains("Slack"), "the error is kept");
        rig.slack.clear_failures();
        assert!(rig.digester.run_pass(eight + chrono::Duration::minutes(2), false).await.unwrap().sent.is_empty(), "waits before retrying");
        assert_eq!(rig.digester.run_pass(eight + chrono::Duration::minutes(6), false).await.unwrap().sent.len(), 1);
        assert_eq!(rig.delivered().len(), 1);
    }

    async fn a_rep_who_cannot_be_reached_is_skipped_until_they_return(rig) {
        let ny = rig.rep("U_GONE", chrono_tz::America::New_York, None, true).await;
        rig.enrol(&ny, "Jane Doe", CadenceId::Proposal, at(2026, 10, 20, 12, 0)).await;
        rig.slack.fail_next("chat.postMessage", 1, Failure::ApiError("user_not_found".into()));
        let first = rig.digester.run_pass(at(2026, 10, 20, 12, 0), false).await.unwrap();
        assert_eq!(first.unreachable, vec![ny.rep.clone()]);
        assert_eq!(rig.slack.count("chat.postMessage"), 1, "not retried");
        assert!(rig.digester.run_pass(at(2026, 10, 21, 12, 0), false).await.unwrap().sent.is_empty(), "skipped the next day too");
        assert_eq!(rig.slack.count("chat.postMessage"), 1);
        // The rep uses followup again.
        rig.clock.set(at(2026, 10, 21, 15, 0));
        rig.service.run(&ny.rep, Command::List).await.unwrap();
        assert_eq!(rig.digester.run_pass(at(2026, 10, 22, 12, 0), false).await.unwrap().sent.len(), 1);
    }

    async fn the_time_zone_comes_from_slack_unless_the_rep_chose_one(rig) {
        rig.slack.set_user_tz("U_LA", "America/Los_Angeles");
        let la = RepSettings::new(RepRef::new("T1", "U_LA"));
        rig.enrol(&la, "Jane Doe", CadenceId::Proposal, at(2026, 10, 20, 12, 0)).await;
        // 08:00 in New York is 05:00 in Los Angeles: too early for this rep.
        assert!(rig.digester.run_pass(at(2026, 10, 20, 12, 0), false).await.unwrap().sent.is_empty());
        let saved = rig.store.rep_settings(&la.rep).await.unwrap().unwrap();
        assert_eq!((saved.tz, saved.tz_source), (Some(chrono_tz::America::Los_Angeles), TzSource::Slack));
        assert_eq!(rig.digester.run_pass(at(2026, 10, 20, 15, 0), false).await.unwrap().sent.len(), 1, "08:00 in LA");
        assert_eq!(rig.slack.count("users.info"), 1, "cached");
        // A rep's own choice is never overwritten.
        rig.slack.set_user_tz("U_BER", "America/Chicago");
        let ber = rig.rep("U_BER", chrono_tz::Europe::Berlin, None, true).await;
        rig.enrol(&ber, "Hans", CadenceId::Proposal, at(2026, 10, 21, 6, 0)).await;
        assert_eq!(rig.digester.run_pass(at(2026, 10, 21, 7, 0), false).await.unwrap().sent, vec![ber.rep.clone()]);
        assert_eq!(rig.store.rep_settings(&ber.rep).await.unwrap().unwrap().tz, Some(chrono_tz::Europe::Berlin));
    }

    async fn a_long_digest_stays_within_fifty_blocks_and_points_to_due(rig) {
        let ny = rig.rep("U_BUSY", chrono_tz::America::New_York, None, true).await;
        for i in 0..60 {
            rig.enrol(&ny, &format!("Prospect {i:02}"), CadenceId::Hot, at(2026, 10, 20, 11, 0)).await;
        }
        assert_eq!(rig.digester.run_pass(at(2026, 10, 20, 12, 0), false).await.unwrap().sent.len(), 1);
        let call = &rig.delivered()[0];
        let blocks = call.body["blocks"].as_array().unwrap();
        assert!(blocks.len() <= 50, "{} blocks", blocks.len());
        let text = common::app::reply_text(&call.body);
        assert!(text.contains("more. `/followup due`"), "{text}");
        assert!(text.contains("60 follow-ups"), "{text}");
    }

    async fn mondays_digest_carries_last_weeks_numbers(rig) {
        let ny = rig.rep("U_NY", chrono_tz::America::New_York, None, true).await;
        rig.enrol(&ny, "Jane Doe", CadenceId::Proposal, at(2026, 11, 2, 13, 0)).await; // days 0, 2, 6 …
        rig.work(&ny, at(2026, 11, 2, 15, 0)).await;
        rig.work(&ny, at(2026, 11, 4, 15, 0)).await;
        assert_eq!(rig.digester.run_pass(at(2026, 11, 9, 13, 0), false).await.unwrap().sent.len(), 1);
        let monday = common::app::reply_text(&rig.delivered()[0].body);
        assert!(monday.contains("*Last week*: 2 touches logged · 0 replies · 0 won ($0) · 1 prospect added"), "{monday}");
        rig.work(&ny, at(2026, 11, 9, 15, 0)).await;
        rig.enrol(&ny, "Tuesday Tom", CadenceId::Proposal, at(2026, 11, 10, 12, 0)).await;
        assert_eq!(rig.digester.run_pass(at(2026, 11, 10, 14, 0), false).await.unwrap().sent.len(), 1);
        assert!(!common::app::reply_text(&rig.delivered()[1].body).contains("Last week"), "only on Mondays");
    }

    async fn the_team_channel_gets_last_weeks_numbers_once_on_monday(rig) {
        let digester = Digester::new(rig.service.clone(), Arc::new(api(&rig.slack)), 2).with_team_channel(Some("C0TEAM".into()));
        let ny = rig.rep("U_NY", chrono_tz::America::New_York, None, true).await;
        rig.enrol(&ny, "Jane Doe", CadenceId::Proposal, at(2026, 11, 2, 13, 0)).await;
        rig.work(&ny, at(2026, 11, 2, 15, 0)).await;
        assert_eq!(digester.team_summaries(at(2026, 11, 6, 14, 0)).await.unwrap(), 0, "not on a Friday");
        // The workspace's main zone is New York's (its one rep's): 09:00 UTC is 04:00 there.
        assert_eq!(digester.team_summaries(at(2026, 11, 9, 9, 0)).await.unwrap(), 0, "not before the digest time in New York");
        digester.run_pass(at(2026, 11, 9, 13, 0), true).await.unwrap();
        assert!(rig.slack.calls_to("chat.postMessage").is_empty(), "a dry run posts nothing");
        digester.run_pass(at(2026, 11, 9, 13, 0), false).await.unwrap();
        digester.run_pass(at(2026, 11, 9, 13, 30), false).await.unwrap();
        let posts: Vec<_> = rig.delivered().into_iter().filter(|c| c.body["channel"] == "C0TEAM").collect();
        assert_eq!(posts.len(), 1, "once a week");
        let text = common::app::reply_text(&posts[0].body);
        assert!(text.contains("<@U_NY>: 1 touches · 0 replies · 0 won · 1 added"), "{text}");
    }

    async fn no_digest_goes_out_while_the_rep_is_away(rig) {
        let mut ny = rig.rep("U_AWAY", chrono_tz::America::New_York, None, true).await;
        rig.enrol(&ny, "Jane Doe", CadenceId::Proposal, at(2026, 10, 20, 12, 0)).await;
        ny.away = Some((NaiveDate::from_ymd_opt(2026, 10, 20).unwrap(), NaiveDate::from_ymd_opt(2026, 10, 23).unwrap()));
        rig.store.save_rep_settings(&ny, at(2026, 10, 20, 11, 0)).await.unwrap();
        for day in 20..=23 {
            assert!(rig.digester.run_pass(at(2026, 10, day, 12, 0), false).await.unwrap().sent.is_empty(), "day {day}");
        }
        assert_eq!(rig.digester.run_pass(at(2026, 10, 26, 12, 0), false).await.unwrap().sent.len(), 1, "back on Monday");
    }

    async fn a_dry_run_previews_and_sends_or_claims_nothing(rig) {
        let ny = rig.rep("U_NY", chrono_tz::America::New_York, None, true).await;
        rig.enrol(&ny, "Jane Doe", CadenceId::Proposal, at(2026, 10, 20, 12, 0)).await;
        let report = rig.digester.run_pass(at(2026, 10, 20, 12, 0), true).await.unwrap();
        assert_eq!(report.previews.len(), 1);
        let json = report.previews[0].to_json();
        assert_eq!((json["user_id"].as_str(), json["local_date"].as_str()), (Some("U_NY"), Some("2026-10-20")));
        assert!(json["blocks"].as_array().unwrap().len() > 2);
        assert_eq!(rig.slack.calls().len(), 0, "no Slack call at all");
        assert!(rig.store.digest_run(&ny.rep, NaiveDate::from_ymd_opt(2026, 10, 20).unwrap()).await.unwrap().is_none());
        assert_eq!(rig.digester.run_pass(at(2026, 10, 20, 12, 0), false).await.unwrap().sent.len(), 1, "the real pass still sends");
    }
}

mod clicks {
    use super::*;
    use common::app::{TestApp, TEAM};
    use common::slack_requests::{block_actions, bot_message, button_action, message_container};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_click_in_the_digest_updates_that_digest_in_place() {
        let app = TestApp::start(TestDb::sqlite().await, at(2026, 10, 20, 12, 0)).await;
        let mut s = RepSettings::new(RepRef::new(TEAM, "U0ALICE"));
        s.tz = Some(chrono_tz::America::New_York);
        s.tz_source = TzSource::Rep;
        app.store
            .save_rep_settings(&s, app.clock.now())
            .await
            .unwrap();
        for name in ["Jane Doe", "Zed Zulu"] {
            app.say("U0ALICE", &format!("add {name}")).await;
        }
        let service = Arc::new(Service::new(
            app.store.clone(),
            app.clock.clone(),
            NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
        ));
        let digester = Digester::new(service, Arc::new(api(&app.slack)), 2);
        assert_eq!(
            digester
                .run_pass(app.clock.now(), false)
                .await
                .unwrap()
                .sent
                .len(),
            1
        );
        let digest = app.slack.calls_to("chat.postMessage").remove(0);
        let blocks = digest.body["blocks"].clone();
        let done = blocks
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
            .find(|e| e["action_id"] == "touch_done")
            .unwrap();
        let block_id = blocks
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["elements"].as_array().is_some_and(|e| e.contains(&done)))
            .unwrap()["block_id"]
            .as_str()
            .unwrap()
            .to_string();
        let url = app.slack.response_url("digest");
        let payload = block_actions(
            TEAM,
            "U0ALICE",
            vec![button_action(
                "touch_done",
                done["value"].as_str().unwrap(),
                &block_id,
            )],
            Some(&url),
            Some(bot_message(
                digest.body["ts"].as_str().unwrap_or("1700000000.000100"),
                "digest",
                blocks.clone(),
            )),
            Some("DU0ALICE"),
            message_container("DU0ALICE", "1700000000.000100", false),
        );
        assert_eq!(app.interact(&payload).await.0, 200);
        let update = app
            .slack
            .wait_for(
                &FakeSlack::response_url_method("digest"),
                1,
                Duration::from_secs(5),
            )
            .await
            .remove(0);
        assert_eq!(update.body["replace_original"], true);
        let text = common::app::reply_text(&update.body);
        assert!(text.contains("Good morning"), "still the digest: {text}");
        assert!(
            text.contains("Logged touch 1 of 6 for *Jane Doe*") && text.contains("Zed Zulu"),
            "{text}"
        );
        app.finish().await;
    }
}

#[test]
fn the_digest_command_sends_once_a_day_and_previews_with_dry_run() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let slack = runtime.block_on(async {
        let db = store::connect(&url).await.unwrap();
        db.migrate().await.unwrap();
        let mut s = RepSettings::new(RepRef::new("T1", "U_CLI"));
        s.tz = Some(chrono_tz::America::New_York);
        s.tz_source = TzSource::Rep;
        db.save_rep_settings(&s, at(2026, 10, 20, 11, 0))
            .await
            .unwrap();
        let new = NewProspect::named(ProspectName::parse("Jane Doe").unwrap());
        let (cadence, touches) = enrol(
            &new,
            NaiveDate::from_ymd_opt(2026, 10, 20).unwrap(),
            &followup::domain::schedule::Calendar::weekends(true),
        )
        .unwrap();
        db.add_prospect(&s.rep, &new, cadence, &touches, at(2026, 10, 20, 11, 0))
            .await
            .unwrap();
        FakeSlack::start().await
    });
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_followup"))
            .args(args)
            .current_dir(dir.path())
            .env_clear()
            .env("DATABASE_URL", &url)
            .env("SLACK_BOT_TOKEN", "xoxb-cli")
            .env("SLACK_API_URL", slack.api_url())
            .output()
            .unwrap()
    };
    let preview = run(&["digest", "--dry-run", "--at", "2026-10-20T12:00:00Z"]);
    assert!(
        preview.status.success(),
        "{}",
        String::from_utf8_lossy(&preview.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&preview.stdout).unwrap();
    assert_eq!(json["user_id"], "U_CLI");
    assert!(common::app::reply_text(&json).contains("Good morning"));
    assert_eq!(slack.calls().len(), 0);
    let first = run(&["digest", "--at", "2026-10-20T12:00:00Z"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stderr).contains("1 digests sent"));
    let second = run(&["digest", "--at", "2026-10-20T12:30:00Z"]);
    assert!(second.status.success());
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("0 digests sent"),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(slack.calls_to("chat.postMessage").len(), 1);
    let bad = run(&["digest", "--at", "tomorrow morning"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not an RFC 3339 instant"));
}
