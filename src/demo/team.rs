//! The demo's pretend workspace: its ids and the reps you can be on the page.

use slack_standin::{Member, Strictness, Workspace};

pub const TEAM_ID: &str = "T0DEMO001";
pub const TEAM_NAME: &str = "Demo Sales Co";
pub const TEAM_DOMAIN: &str = "followup-demo";
pub const APP_ID: &str = "A0DEMOAPP";
pub const BOT_ID: &str = "B0DEMOBOT";
pub const BOT_USER_ID: &str = "U0DEMOBOT";
pub const BOT_USER_NAME: &str = "followup";
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
    slack_standin::dm_channel(user_id)
}

/// The demo workspace as the stand-in for Slack holds it: this team, strict as Slack.
pub fn workspace() -> Workspace {
    Workspace {
        team_id: TEAM_ID.into(),
        team_name: TEAM_NAME.into(),
        team_domain: TEAM_DOMAIN.into(),
        app_id: APP_ID.into(),
        bot_id: BOT_ID.into(),
        bot_user_id: BOT_USER_ID.into(),
        bot_user_name: BOT_USER_NAME.into(),
        bot_scopes: "commands,chat:write,im:write,users:read".into(),
        members: USERS
            .iter()
            .map(|u| {
                Member::new(u.id, u.handle, u.name)
                    .with_title(u.title)
                    .with_tz(TZ)
            })
            .collect(),
        strictness: Strictness::Slack,
    }
}
