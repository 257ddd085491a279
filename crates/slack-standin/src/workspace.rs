//! The workspace the stand-in pretends to be: its team, the app's bot, its members, and how
//! strictly it holds the app to ids it never issued.

use serde_json::{json, Value};

/// How the stand-in answers a call naming something it never issued or does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// As Slack: an unknown user, channel, message, `trigger_id`, view, `response_url` or method
    /// gets Slack's error (`user_not_found`, `channel_not_found`, `message_not_found`,
    /// `invalid_trigger_id`, `not_found`, 404 `expired_url`, `unknown_method`).
    Slack,
    /// For tests that hand the app ids of their own making: any user or channel id names a real
    /// one (a user is made up on first sight, named after the id, in UTC), an unknown message,
    /// trigger, view or `response_url` is answered as if it existed (nothing is kept of it), and
    /// an unknown method answers `{"ok": true}`.
    Trusting,
}

/// A person in the workspace, as `users.info` describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: String,
    /// The `@handle` (`name` in `users.info`).
    pub handle: String,
    pub real_name: String,
    /// `profile.title`; empty when unset, as in Slack.
    pub title: String,
    /// IANA time zone.
    pub tz: String,
    pub is_admin: bool,
}

impl Member {
    /// A member in UTC, without a title, not an admin.
    pub fn new(
        id: impl Into<String>,
        handle: impl Into<String>,
        real_name: impl Into<String>,
    ) -> Self {
        Self {
            id: id.into(),
            handle: handle.into(),
            real_name: real_name.into(),
            title: String::new(),
            tz: "UTC".into(),
            is_admin: false,
        }
    }

    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    pub fn with_tz(mut self, tz: impl Into<String>) -> Self {
        self.tz = tz.into();
        self
    }

    /// The member a [`Strictness::Trusting`] workspace makes up for an id it never heard of.
    pub fn made_up(id: &str) -> Self {
        Self::new(id, id.to_lowercase(), format!("User {id}"))
    }

    /// The `user` object of `users.info`, with every field slack-morphism requires.
    pub fn to_json(&self, team_id: &str) -> Value {
        let (tz_label, tz_offset) = tz_details(&self.tz);
        json!({
            "id": self.id,
            "team_id": team_id,
            "name": self.handle,
            "deleted": false,
            "color": "9f69e7",
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": tz_label,
            "tz_offset": tz_offset,
            "profile": {
                "title": self.title,
                "real_name": self.real_name,
                "real_name_normalized": self.real_name,
                "display_name": self.handle,
                "display_name_normalized": self.handle,
                "team": team_id,
            },
            "is_admin": self.is_admin,
            "is_owner": false,
            "is_primary_owner": false,
            "is_restricted": false,
            "is_ultra_restricted": false,
            "is_bot": false,
            "is_app_user": false,
            "updated": 1_700_000_000,
            "has_2fa": false,
        })
    }
}

/// The team, the app installed in it, and its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    pub team_id: String,
    pub team_name: String,
    /// `<domain>.slack.com`.
    pub team_domain: String,
    pub app_id: String,
    pub bot_id: String,
    pub bot_user_id: String,
    /// The bot user's name, as `auth.test` gives it; also the title of a modal sent without one.
    pub bot_user_name: String,
    /// The bot scopes `oauth.v2.access` reports granted, comma-separated.
    pub bot_scopes: String,
    pub members: Vec<Member>,
    pub strictness: Strictness,
}

/// The direct-message channel between the app and a user: `D<user id>`, as this stand-in names it.
pub fn dm_channel(user_id: &str) -> String {
    format!("D{user_id}")
}

/// Whether an id names a user (`U…`, or `W…` in Enterprise Grid).
pub(crate) fn is_user_id(id: &str) -> bool {
    id.starts_with('U') || id.starts_with('W')
}

/// Slack-style `tz_label` and the current `tz_offset` in seconds for an IANA zone. An unknown
/// zone gets its own name as label and offset 0.
pub fn tz_details(tz: &str) -> (String, i32) {
    use chrono::{Offset, TimeZone, Utc};
    let Ok(zone) = tz.parse::<chrono_tz::Tz>() else {
        return (tz.to_string(), 0);
    };
    let offset = zone.offset_from_utc_datetime(&Utc::now().naive_utc());
    let seconds = offset.fix().local_minus_utc();
    let abbreviation = offset.to_string();
    let american = tz.starts_with("America/") || tz.starts_with("US/");
    let label = match abbreviation.as_str() {
        "UTC" => "Coordinated Universal Time",
        "GMT" => "Greenwich Mean Time",
        "BST" if tz == "Europe/London" => "British Summer Time",
        "CET" => "Central European Time",
        "CEST" => "Central European Summer Time",
        "EET" => "Eastern European Time",
        "EEST" => "Eastern European Summer Time",
        "EST" if american => "Eastern Standard Time",
        "EDT" if american => "Eastern Daylight Time",
        "CST" if american => "Central Standard Time",
        "CDT" if american => "Central Daylight Time",
        "MST" if american => "Mountain Standard Time",
        "MDT" if american => "Mountain Daylight Time",
        "PST" if american => "Pacific Standard Time",
        "PDT" if american => "Pacific Daylight Time",
        "JST" => "Japan Standard Time",
        "IST" if tz == "Asia/Kolkata" || tz == "Asia/Calcutta" => "India Standard Time",
        other => other,
    };
    (label.to_string(), seconds)
}
