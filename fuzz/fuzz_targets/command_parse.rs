//! Arbitrary UTF-8 → `followup::command::parse`: a command or an error, never a panic.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Dates are read relative to the rep's local today: a fixed one keeps crashes reproducible.
    let today = NaiveDate::from_ymd_opt(2026, 11, 2).expect("a valid date");
    let _ = followup::command::parse(text, today);
});
