//! Slack's wire payloads, parsed tolerantly: only the fields followup uses, unknown ones ignored,
//! so a new kind of payload from Slack is a 400 with a reason, never a panic.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A slash command's form fields (the ones followup reads; Slack sends more).
#[derive(Debug, Clone, Deserialize)]
pub struct SlashCommand {
    pub team_id: String,
    pub user_id: String,
    #[serde(default)]
    pub command: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub channel_id: Option<String>,
    #[serde(default)]
    pub response_url: Option<String>,
    #[serde(default)]
    pub trigger_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IdField {
    pub id: String,
}

/// Why an interaction without a workspace is refused.
pub const NO_WORKSPACE: &str = "`team` is null or empty: the interaction names no workspace (an \
    org-wide Enterprise Grid install sends none), and followup is installed per workspace";

/// An interaction's `team`, which must name a workspace. Inside an Enterprise Grid org Slack adds
/// `enterprise` and `team.enterprise_id` (read past); an app installed org-wide gets `team: null`.
fn workspace<'de, D: Deserializer<'de>>(deserializer: D) -> Result<IdField, D::Error> {
    Option::<IdField>::deserialize(deserializer)?
        .filter(|team| !team.id.is_empty())
        .ok_or_else(|| D::Error::custom(NO_WORKSPACE))
}

/// `payload=` of an interaction, told apart by `type`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type")]
pub enum Interaction {
    #[serde(rename = "block_actions")]
    BlockActions(BlockActions),
    #[serde(rename = "view_submission")]
    ViewSubmission(ViewSubmission),
    #[serde(rename = "view_closed")]
    ViewClosed {},
    /// A message shortcut ("Follow up on this").
    #[serde(rename = "message_action")]
    MessageAction(MessageAction),
    #[serde(other)]
    Other,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MessageAction {
    #[serde(deserialize_with = "workspace")]
    pub team: IdField,
    pub user: IdField,
    pub callback_id: String,
    #[serde(default)]
    pub trigger_id: Option<String>,
    /// The message the shortcut was used on.
    #[serde(default)]
    pub message: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BlockActions {
    #[serde(deserialize_with = "workspace")]
    pub team: IdField,
    pub user: IdField,
    #[serde(default)]
    pub actions: Vec<ActionPayload>,
    #[serde(default)]
    pub response_url: Option<String>,
    #[serde(default)]
    pub trigger_id: Option<String>,
    #[serde(default)]
    pub container: Option<Value>,
    #[serde(default)]
    pub channel: Option<IdField>,
    /// The message the click came from (absent for ephemeral messages).
    #[serde(default)]
    pub message: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ActionPayload {
    pub action_id: String,
    #[serde(default)]
    pub block_id: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub selected_option: Option<SelectedOption>,
}

impl ActionPayload {
    /// A button's value, or a select's or overflow's chosen option.
    pub fn chosen(&self) -> Option<&str> {
        self.value
            .as_deref()
            .or(self.selected_option.as_ref().map(|o| o.value.as_str()))
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct SelectedOption {
    pub value: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ViewSubmission {
    #[serde(deserialize_with = "workspace")]
    pub team: IdField,
    pub user: IdField,
    pub view: SubmittedView,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SubmittedView {
    #[serde(default)]
    pub callback_id: String,
    #[serde(default)]
    pub private_metadata: String,
    #[serde(default)]
    pub state: ViewState,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ViewState {
    #[serde(default)]
    pub values: serde_json::Map<String, Value>,
}

impl ViewState {
    /// The text, selected option, or selected date of the input in `block_id`.
    pub fn value(&self, block_id: &str) -> Option<String> {
        let element = self.values.get(block_id)?.as_object()?.values().next()?;
        let text = element
            .get("value")
            .and_then(Value::as_str)
            .or_else(|| {
                element
                    .get("selected_option")
                    .and_then(|o| o.get("value"))
                    .and_then(Value::as_str)
            })
            .or_else(|| element.get("selected_date").and_then(Value::as_str))?;
        let trimmed = text.trim();
        (!trimmed.is_empty()).then(|| trimmed.to_string())
    }
}

/// An Events API body.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type")]
pub enum EventEnvelope {
    #[serde(rename = "url_verification")]
    UrlVerification { challenge: String },
    #[serde(rename = "event_callback")]
    EventCallback(EventCallback),
    #[serde(rename = "app_rate_limited")]
    AppRateLimited {},
}

/// An `event_callback`, with the workspace it is for.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "WireEventCallback")]
pub struct EventCallback {
    pub team_id: String,
    pub event: Value,
}

#[derive(Deserialize)]
struct WireEventCallback {
    #[serde(default)]
    team_id: Option<String>,
    event: Value,
    #[serde(default)]
    authorizations: Vec<Authorization>,
}

#[derive(Deserialize)]
struct Authorization {
    #[serde(default)]
    team_id: Option<String>,
}

impl TryFrom<WireEventCallback> for EventCallback {
    type Error = &'static str;

    /// The top-level `team_id`, else the installation's (`authorizations[0].team_id`), which
    /// Slack sets when it leaves the former out. Not `event.team`: in a shared channel that is
    /// the author's workspace, which may not be the one followup serves.
    fn try_from(wire: WireEventCallback) -> Result<Self, Self::Error> {
        let team_id = wire
            .team_id
            .filter(|t| !t.is_empty())
            .or_else(|| {
                wire.authorizations
                    .into_iter()
                    .next()
                    .and_then(|a| a.team_id)
            })
            .filter(|t| !t.is_empty())
            .ok_or(
                "an event_callback names no workspace (no `team_id`, nor one in `authorizations`)",
            )?;
        Ok(Self {
            team_id,
            event: wire.event,
        })
    }
}

/// An id with its display name (`team`, `enterprise`).
#[derive(Debug, Clone, Deserialize)]
pub struct NamedId {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// `oauth.v2.access`'s answer, the fields followup reads. Parsed here rather than with
/// slack-morphism's `SlackOAuthV2AccessTokenResponse`, which requires a `team` and has no
/// `enterprise` or `is_enterprise_install`: an org-wide (Enterprise Grid) install answers with
/// `team: null`, and must be told apart to be refused. Not `Debug`: it holds the token.
#[derive(Clone, Deserialize)]
pub struct OAuthAccess {
    pub access_token: String,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub bot_user_id: Option<String>,
    #[serde(default)]
    pub app_id: Option<String>,
    #[serde(default)]
    pub team: Option<NamedId>,
    #[serde(default)]
    pub enterprise: Option<NamedId>,
    #[serde(default)]
    pub is_enterprise_install: bool,
    #[serde(default)]
    pub authed_user: Option<IdField>,
}
