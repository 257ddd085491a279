//! Arbitrary `X-Slack-Request-Timestamp`, `X-Slack-Signature` and body → `signature::verify`:
//! never a panic, and a body signed correctly at a timestamp within five minutes always passes.
//!
//! Input: `timestamp \n signature \n body` (missing parts are missing headers).
#![no_main]

use chrono::{TimeZone, Utc};
use followup::slack::signature::{sign, verify, SigningSecret, MAX_AGE_SECS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let secret = SigningSecret::new("8f742231b10e8888abcd99yyyzzz85a5");
    let now = Utc
        .with_ymd_and_hms(2026, 11, 2, 14, 0, 0)
        .single()
        .expect("a valid instant");
    let mut parts = data.splitn(3, |b| *b == b'\n');
    // Header values reach the verifier only when they are text.
    let timestamp = parts.next().and_then(|t| std::str::from_utf8(t).ok());
    let signature = parts.next().and_then(|s| std::str::from_utf8(s).ok());
    let body = parts.next().unwrap_or_default();
    let _ = verify(&secret, timestamp, signature, body, now);

    let Some(timestamp) = timestamp else {
        return;
    };
    let good = sign(&secret, timestamp.trim(), body);
    let verified = verify(&secret, Some(timestamp), Some(&good), body, now);
    if let Ok(sent) = timestamp.trim().parse::<i64>() {
        let age = (i128::from(now.timestamp()) - i128::from(sent)).abs();
        if age <= i128::from(MAX_AGE_SECS) {
            assert_eq!(
                verified,
                Ok(()),
                "a correct signature at {timestamp:?} was refused"
            );
        }
    }
});
