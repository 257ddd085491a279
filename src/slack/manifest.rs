//! What the Slack app manifest (`manifest.yml`) must declare, as the code uses it. A test holds
//! the manifest to these, so the two cannot drift.

/// The slash command.
pub const COMMAND: &str = "/followup";

/// Every bot scope the code uses, and no other:
/// `commands` (the slash command and the shortcut), `chat:write` (digests and confirmations,
/// posted to the rep's user id: the app's DM, with no `conversations.open`), `users:read`
/// (`users.info` for time zones and who is an admin).
pub const BOT_SCOPES: &[&str] = &["commands", "chat:write", "users:read"];

/// Bot events the app subscribes to.
pub const BOT_EVENTS: &[&str] = &["app_home_opened", "app_uninstalled", "tokens_revoked"];

/// The "Follow up on this" message shortcut.
pub const SHORTCUT_CALLBACK_ID: &str = "follow_up_on_this";
pub const SHORTCUT_NAME: &str = "Follow up on this";

/// The request URLs' paths.
pub const COMMANDS_PATH: &str = "/slack/commands";
pub const INTERACTIONS_PATH: &str = "/slack/interactions";
pub const EVENTS_PATH: &str = "/slack/events";
pub const INSTALL_PATH: &str = "/slack/install";
pub const OAUTH_CALLBACK_PATH: &str = "/slack/oauth/callback";
