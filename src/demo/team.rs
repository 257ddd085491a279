//! The demo's pretend workspace: its ids and the reps you can be on the page.

use serde_json::{json, Value};

pub const TEAM_ID: &str = "T0DEMO001";
pub const TEAM_NAME: &str = "Demo Sales Co";
pub const TEAM_DOMAIN: &str = "followup-demo";
pub const APP_ID: &str = "A0DEMOAPP";
pub const BOT_ID: &str = "B0DEMOBOT";
pub const BOT_USER_ID: &str = "U0DEMOBOT";
/// Every demo rep lives in UTC, so "next morning" means the same moment for all of them.
pub const TZ: &str = "UTC";

/// A person in the demo workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoUser {
    pub id: &'static str,
    /// The `@handle`.
    pub handle: &'static str,
    pub name: &'static str,
    pub title: &'static str,
}

pub const USERS: &[DemoUser] = &[
    DemoUser {
        id: "U0DEMODANA",
        handle: "dana",
        name: "Dana Reyes",
        title: "Sales manager",
    },
    DemoUser {
        id: "U0DEMOLEE",
        handle: "lee",
        name: "Lee Park",
        title: "Account executive",
    },
    DemoUser {
        id: "U0DEMOSAM",
        handle: "sam",
        name: "Sam Okafor",
        title: "Account executive, new this month",
    },
];

pub fn user(id: &str) -> Option<&'static DemoUser> {
    USERS.iter().find(|u| u.id == id)
}

pub fn by_handle(handle: &str) -> Option<&'static DemoUser> {
    USERS.iter().find(|u| u.handle.eq_ignore_ascii_case(handle))
}

/// The direct-message channel between the app and a rep.
pub fn dm_channel(user_id: &str) -> String {
    format!("D{user_id}")
}

/// The rep a channel id is the direct messages of (a user id names that user's DM, as in Slack).
pub fn dm_user(channel: &str) -> Option<&'static DemoUser> {
    user(channel).or_else(|| channel.strip_prefix('D').and_then(user))
}

/// The `user` object of `users.info`, with every field slack-morphism requires.
pub fn user_json(u: &DemoUser) -> Value {
    json!({
        "id": u.id,
        "team_id": TEAM_ID,
        "name": u.handle,
        "deleted": false,
        "color": "9f69e7",
        "real_name": u.name,
        "tz": TZ,
        "tz_label": "Coordinated Universal Time",
        "tz_offset": 0,
        "profile": {
            "title": u.title,
            "real_name": u.name,
            "real_name_normalized": u.name,
            "display_name": u.handle,
            "display_name_normalized": u.handle,
            "team": TEAM_ID,
        },
        "is_admin": false,
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
