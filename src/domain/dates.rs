//! The dates, times and zones a rep types: `2026-12-01`, `tomorrow`, `monday`, `3d`, `2w`, `08:30`.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;

use super::error::DomainError;

/// How far from today a typed date may be, either way: far enough for any real plan, near enough
/// that date arithmetic on it can never overflow.
pub const MAX_YEARS_AWAY: i64 = 10;

/// A date a rep may use: within [`MAX_YEARS_AWAY`] of today.
pub fn within_range(date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, DomainError> {
    if (date - today).num_days().abs() > MAX_YEARS_AWAY * 366 {
        Err(DomainError::DateTooFar(date))
    } else {
        Ok(date)
    }
}

/// Reads a date relative to the rep's local `today`. A weekday name means the next one after
/// today. Dates more than ten years away are refused.
pub fn parse_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, DomainError> {
    within_range(parse_any_date(raw, today)?, today)
}

fn parse_any_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, DomainError> {
    let text = raw.trim().to_ascii_lowercase();
    let bad = || DomainError::BadDate(raw.trim().to_string());
    match text.as_str() {
        "today" => return Ok(today),
        "tomorrow" | "tmrw" => return Ok(today + Duration::days(1)),
        _ => {}
    }
    if let Some(weekday) = parse_weekday(&text) {
        let ahead = (7 + weekday.num_days_from_monday() as i64
            - today.weekday().num_days_from_monday() as i64)
            % 7;
        return Ok(today + Duration::days(if ahead == 0 { 7 } else { ahead }));
    }
    if let Some(days) = parse_span_days(&text) {
        return Ok(today + Duration::days(days));
    }
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| bad())
}

/// `3d` → 3, `2w` → 14, `1 week` → 7. At most a year ahead.
pub fn parse_span_days(text: &str) -> Option<i64> {
    let text = text.trim().to_ascii_lowercase();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let count: i64 = number.parse().ok()?;
    let per = match unit.trim() {
        "d" | "day" | "days" => 1,
        "w" | "wk" | "week" | "weeks" => 7,
        _ => return None,
    };
    let days = count.checked_mul(per)?;
    (1..=366).contains(&days).then_some(days)
}

fn parse_weekday(text: &str) -> Option<Weekday> {
    Some(match text {
        "monday" | "mon" => Weekday::Mon,
        "tuesday" | "tue" | "tues" => Weekday::Tue,
        "wednesday" | "wed" => Weekday::Wed,
        "thursday" | "thu" | "thurs" => Weekday::Thu,
        "friday" | "fri" => Weekday::Fri,
        "saturday" | "sat" => Weekday::Sat,
        "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    })
}

/// `08:30` or `8:30`, 24-hour.
pub fn parse_time_of_day(raw: &str) -> Result<NaiveTime, DomainError> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M")
        .map_err(|_| DomainError::BadTimeOfDay(raw.trim().to_string()))
}

/// An IANA zone name such as `America/New_York`.
pub fn parse_time_zone(raw: &str) -> Result<Tz, DomainError> {
    raw.trim()
        .parse::<Tz>()
        .map_err(|_| DomainError::BadTimeZone(raw.trim().to_string()))
}

/// `Mon 1 Dec`, the way dates read in messages.
pub fn short_date(date: NaiveDate) -> String {
    date.format("%a %-d %b").to_string()
}
