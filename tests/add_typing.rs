//! `/followup add` as reps really type it. Here: a phone's E.164 form, worked out beside what was
//! typed and stored with it. The database tests run on SQLite and Postgres.

mod common;

use std::sync::Arc;

use chrono::{DateTime, NaiveTime, Utc};
use common::{at, date};
use followup::clock::FixedClock;
use followup::csv_io::{import, read_prospects};
use followup::domain::{Phone, RepRef};
use followup::service::Service;
use proptest::prelude::*;

/// Monday 2026-11-02, 14:00 UTC.
fn start_time() -> DateTime<Utc> {
    at(2026, 11, 2, 14, 0)
}

#[test]
fn only_a_ten_digit_number_in_nanp_form_is_given_a_country_when_none_was_typed() {
    let e164 = |raw: &str| {
        Phone::parse(raw)
            .ok()
            .and_then(|p| p.e164().map(String::from))
    };
    assert_eq!(e164("(415) 555-0142").as_deref(), Some("+14155550142"));
    assert_eq!(e164("1 415 555 0142").as_deref(), Some("+14155550142"));
    // Area code starting with 0 or 1 is not NANP; an 11-digit national number is not either.
    assert_eq!(e164("015 555 0142"), None);
    assert_eq!(e164("020 7946 0958"), None);
    assert_eq!(e164("555 0142"), None);
    // A country code no one uses.
    assert_eq!(e164("+999 1234 5678"), None);
    // A trunk prefix written in brackets comes off.
    assert_eq!(
        e164("+44 (0)20 7946 0958").as_deref(),
        Some("+442079460958")
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// libphonenumber's parser has panicked on odd input before (rust-phonenumber #32, #43):
    /// nothing a rep types next to a name may reach it and panic.
    #[test]
    fn phone_like_text_never_panics(text in "[0-9+()\\-. x#ext,;a-z]{0,60}") {
        let _ = Phone::parse(&text);
    }
}

on_both_databases! {
    async fn a_csv_import_stores_the_e164_form_beside_the_typed_phone(store) {
        let service = Service::new(
            store.clone(),
            Arc::new(FixedClock::new(start_time())),
            NaiveTime::from_hms_opt(8, 0, 0).expect("a time of day"),
        );
        let rep = RepRef::new("T1", "U1");
        let rows = read_prospects(
            "name,phone\nAnn Lee,(415) 555-0142\nNigel Pratt,+44 20 7946 0958\n".as_bytes(),
            date(2026, 11, 2),
        )
        .expect("a readable file");
        import(&service, &rep, rows).await;
        let prospects = store.team_prospects("T1", None).await.expect("prospects");
        let e164 = |name: &str| {
            prospects
                .iter()
                .find(|p| p.name == name)
                .and_then(|p| p.phone_e164.clone())
        };
        assert_eq!(e164("Ann Lee").as_deref(), Some("+14155550142"));
        assert_eq!(e164("Nigel Pratt").as_deref(), Some("+442079460958"));
    }
}
