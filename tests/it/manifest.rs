//! `manifest.yml` is a Slack app manifest Slack accepts, and it declares exactly what the code uses:
//! the command, the request paths, the shortcut, the events, and the bot scopes the Web API methods
//! called under `src/` need — no more, no fewer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use followup::slack::manifest::{
    BOT_EVENTS, BOT_SCOPES, COMMAND, COMMANDS_PATH, EVENTS_PATH, INTERACTIONS_PATH,
    OAUTH_CALLBACK_PATH, SHORTCUT_CALLBACK_ID, SHORTCUT_NAME,
};
use jsonschema::{Draft, Registry, Validator};
use serde_json::Value;
use url::Url;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Slack's published schema (github.com/slackapi/manifest-schema, MIT, licence beside it), copied so
/// the tests run offline and without `../shared`.
const SCHEMA_DIR: &str = "tests/fixtures/slack-manifest-schema";

/// Where `manifest.schema.json` points its per-version `$ref`s; the local copies are registered
/// under these addresses, so the dispatch on `_metadata.major_version` runs as Slack wrote it.
const SCHEMA_V1_URI: &str =
    "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.1.0.0.json";
const SCHEMA_V2_URI: &str =
    "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.2.0.0.json";

/// Every Web API method the code may call, and the bot scope it needs (`None`: no scope — views take
/// a `trigger_id` or act on the app's own Home, `oauth.v2.access` authenticates with the client
/// secret, `apps.connections.open` with the app-level token).
/// A method missing here fails `bot_scopes_are_exactly_what_the_web_api_methods_in_src_need`: add it
/// with its scope from https://api.slack.com/methods, and the scope to `BOT_SCOPES` and the manifest.
const METHOD_SCOPES: &[(&str, Option<&str>)] = &[
    ("chat.postMessage", Some("chat:write")),
    ("chat.update", Some("chat:write")),
    ("chat.postEphemeral", Some("chat:write")),
    ("chat.delete", Some("chat:write")),
    ("auth.test", None),
    ("auth.revoke", None),
    ("users.info", Some("users:read")),
    ("views.open", None),
    ("views.publish", None),
    ("views.update", None),
    ("views.push", None),
    ("oauth.v2.access", None),
    ("apps.connections.open", None),
    ("auth.test", None),
    ("auth.revoke", None),
];

/// slack-morphism 2.31's typed session methods and the Web API method each one calls, so that
/// `session.users_info(&request)` counts as `users.info` just like `.call("users.info", …)`.
const TYPED_METHODS: &[(&str, &str)] = &[
    ("agents_sessions_set_status", "agents.sessions.setStatus"),
    ("agents_sessions_rename", "agents.sessions.rename"),
    ("apps_connections_open", "apps.connections.open"),
    ("apps_manifest_create", "apps.manifest.create"),
    ("apps_manifest_delete", "apps.manifest.delete"),
    ("apps_manifest_export", "apps.manifest.export"),
    ("apps_manifest_update", "apps.manifest.update"),
    ("apps_manifest_validate", "apps.manifest.validate"),
    (
        "assistant_threads_set_status",
        "assistant.threads.setStatus",
    ),
    (
        "assistant_threads_set_suggested_prompts",
        "assistant.threads.setSuggestedPrompts",
    ),
    ("assistant_threads_set_title", "assistant.threads.setTitle"),
    ("auth_test", "auth.test"),
    ("blocks_validate", "blocks.validate"),
    ("bots_info", "bots.info"),
    ("canvases_create", "canvases.create"),
    ("canvases_edit", "canvases.edit"),
    ("canvases_delete", "canvases.delete"),
    ("canvases_sections_lookup", "canvases.sections.lookup"),
    ("canvases_access_set", "canvases.access.set"),
    ("canvases_access_delete", "canvases.access.delete"),
    (
        "conversations_canvases_create",
        "conversations.canvases.create",
    ),
    ("chat_delete", "chat.delete"),
    (
        "chat_delete_scheduled_message",
        "chat.deleteScheduledMessage",
    ),
    ("chat_get_permalink", "chat.getPermalink"),
    ("chat_post_ephemeral", "chat.postEphemeral"),
    ("chat_post_message", "chat.postMessage"),
    ("chat_schedule_message", "chat.scheduleMessage"),
    ("chat_unfurl", "chat.unfurl"),
    ("chat_unfurl_v2", "chat.unfurl"),
    ("chat_unfurl_v3", "chat.unfurl"),
    ("chat_update", "chat.update"),
    (
        "chat_scheduled_messages_list",
        "chat.scheduledMessages.list",
    ),
    ("chat_start_stream", "chat.startStream"),
    ("chat_append_stream", "chat.appendStream"),
    ("chat_stop_stream", "chat.stopStream"),
    ("conversations_archive", "conversations.archive"),
    ("conversations_close", "conversations.close"),
    ("conversations_create", "conversations.create"),
    ("conversations_history", "conversations.history"),
    ("conversations_info", "conversations.info"),
    ("conversations_invite", "conversations.invite"),
    ("conversations_join", "conversations.join"),
    ("conversations_kick", "conversations.kick"),
    ("conversations_leave", "conversations.leave"),
    ("conversations_list", "conversations.list"),
    ("conversations_members", "conversations.members"),
    ("conversations_open", "conversations.open"),
    ("conversations_open_full", "conversations.open"),
    ("conversations_rename", "conversations.rename"),
    ("conversations_replies", "conversations.replies"),
    ("conversations_set_purpose", "conversations.setPurpose"),
    ("conversations_set_topic", "conversations.setTopic"),
    ("conversations_unarchive", "conversations.unarchive"),
    ("emoji_list", "emoji.list"),
    ("files_info", "files.info"),
    ("files_list", "files.list"),
    ("files_upload", "files.getUploadURLExternal"),
    ("files_upload_via_url", "files.getUploadURLExternal"),
    ("get_upload_url_external", "files.getUploadURLExternal"),
    (
        "files_complete_upload_external",
        "files.completeUploadExternal",
    ),
    ("files_delete", "files.delete"),
    ("oauth2_access", "oauth.v2.access"),
    ("pins_add", "pins.add"),
    ("pins_list", "pins.list"),
    ("pins_remove", "pins.remove"),
    ("reactions_get", "reactions.get"),
    ("reactions_add", "reactions.add"),
    ("reactions_remove", "reactions.remove"),
    ("stars_add", "stars.add"),
    ("stars_remove", "stars.remove"),
    ("team_info", "team.info"),
    ("team_profile_get", "team.profile.get"),
    ("api_test", "api.test"),
    ("usergroups_list", "usergroups.list"),
    ("usergroups_users_list", "usergroups.users.list"),
    ("usergroups_update", "usergroups.update"),
    ("users_conversations", "users.conversations"),
    ("users_get_presence", "users.getPresence"),
    ("users_identity", "users.identity"),
    ("users_info", "users.info"),
    ("users_list", "users.list"),
    ("users_lookup_by_email", "users.lookupByEmail"),
    ("users_set_presence", "users.setPresence"),
    ("users_profile_get", "users.profile.get"),
    ("users_profile_set", "users.profile.set"),
    ("views_open", "views.open"),
    ("views_publish", "views.publish"),
    ("views_push", "views.push"),
    ("views_update", "views.update"),
];

/// The Web API's method families: a quoted `family.method` literal whose family is one of these is
/// taken for a Web API method (and `"hooks.slack.com"` or `"linkedin.com"` are not).
const FAMILIES: &[&str] = &[
    "admin",
    "agents",
    "api",
    "apps",
    "assistant",
    "auth",
    "blocks",
    "bookmarks",
    "bots",
    "calls",
    "canvases",
    "channels",
    "chat",
    "conversations",
    "dialog",
    "dnd",
    "emoji",
    "entity",
    "files",
    "functions",
    "groups",
    "im",
    "lists",
    "migration",
    "mpim",
    "oauth",
    "openid",
    "pins",
    "reactions",
    "reminders",
    "rtm",
    "search",
    "stars",
    "team",
    "tooling",
    "usergroups",
    "users",
    "views",
    "workflows",
];

fn read(relative: &str) -> String {
    let path = Path::new(ROOT).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn read_json(relative: &str) -> Value {
    serde_json::from_str(&read(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// `manifest.yml`, as the JSON Slack's schema describes.
fn manifest() -> Value {
    serde_norway::from_str(&read("manifest.yml"))
        .unwrap_or_else(|e| panic!("manifest.yml is not YAML: {e}"))
}

/// The all-versions schema, its per-version `$ref`s answered from the fixtures; `offline` makes a
/// reference that is not registered an error instead of a download.
fn all_versions_validator() -> Validator {
    let registry = Registry::new()
        .add(
            SCHEMA_V1_URI,
            read_json(&format!("{SCHEMA_DIR}/manifest.schema.1.0.0.json")),
        )
        .and_then(|r| {
            r.add(
                SCHEMA_V2_URI,
                read_json(&format!("{SCHEMA_DIR}/manifest.schema.2.0.0.json")),
            )
        })
        .and_then(|r| r.prepare())
        .expect("the fixtures' schemas form a registry");
    jsonschema::options()
        .with_draft(Draft::Draft7)
        .with_registry(&registry)
        .offline()
        .build(&read_json(&format!("{SCHEMA_DIR}/manifest.schema.json")))
        .expect("Slack's manifest schema compiles offline")
}

/// Slack's 1.0.0 schema alone: the all-versions schema reports any fault of a version 1 manifest as
/// one `oneOf` failure, while this one says which key is wrong and why.
fn version_1_validator() -> Validator {
    jsonschema::options()
        .with_draft(Draft::Draft7)
        .offline()
        .build(&read_json(&format!(
            "{SCHEMA_DIR}/manifest.schema.1.0.0.json"
        )))
        .expect("Slack's 1.0.0 manifest schema compiles")
}

/// Each fault as (where, why).
fn schema_errors(validator: &Validator, instance: &Value) -> Vec<(String, String)> {
    validator
        .iter_errors(instance)
        .map(|e| (e.instance_path().as_str().to_string(), e.to_string()))
        .collect()
}

fn shown(errors: &[(String, String)]) -> String {
    errors
        .iter()
        .map(|(at, why)| format!("  at `{at}`: {why}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `broken` fails the all-versions schema, and the 1.0.0 schema blames `pointer` for it: the
/// validator really runs, and rejects for the intended reason.
fn assert_fails_schema_at(broken: &Value, pointer: &str, what: &str) {
    assert!(
        !all_versions_validator().is_valid(broken),
        "{what}: Slack's schema accepted it, so validation is not really running"
    );
    let errors = schema_errors(&version_1_validator(), broken);
    assert!(
        errors.iter().any(|(at, _)| at == pointer),
        "{what}: expected a fault at `{pointer}`, got:\n{}",
        shown(&errors)
    );
}

fn at<'a>(value: &'a Value, pointer: &str) -> &'a Value {
    value
        .pointer(pointer)
        .unwrap_or_else(|| panic!("manifest.yml has no `{pointer}`"))
}

fn strings(value: &Value, pointer: &str) -> Vec<String> {
    at(value, pointer)
        .as_array()
        .unwrap_or_else(|| panic!("`{pointer}` is not a list"))
        .iter()
        .map(|v| {
            v.as_str()
                .unwrap_or_else(|| panic!("`{pointer}` holds {v}, not a string"))
                .to_string()
        })
        .collect()
}

fn url_at(value: &Value, pointer: &str) -> Url {
    let text = at(value, pointer)
        .as_str()
        .unwrap_or_else(|| panic!("`{pointer}` is not a string"));
    Url::parse(text).unwrap_or_else(|e| panic!("`{pointer}` = `{text}`: {e}"))
}

fn set(items: &[impl AsRef<str>]) -> BTreeSet<String> {
    items.iter().map(|s| s.as_ref().to_string()).collect()
}

// --- Slack's schema -----------------------------------------------------------------------------

#[test]
fn manifest_is_valid_against_slacks_manifest_schema() {
    let manifest = manifest();
    let errors = schema_errors(&version_1_validator(), &manifest);
    assert!(
        errors.is_empty(),
        "manifest.yml breaks Slack's 1.0.0 manifest schema:\n{}",
        shown(&errors)
    );
    assert!(
        all_versions_validator().is_valid(&manifest),
        "manifest.yml passes the 1.0.0 schema but not manifest.schema.json: check `_metadata`"
    );
}

#[test]
fn manifest_declares_manifest_format_1_1() {
    let manifest = manifest();
    assert_eq!(at(&manifest, "/_metadata/major_version"), 1);
    assert_eq!(at(&manifest, "/_metadata/minor_version"), 1);
}

#[test]
fn a_slash_command_without_its_command_fails_the_schema() {
    let mut broken = manifest();
    broken["features"]["slash_commands"][0]
        .as_object_mut()
        .expect("a slash command")
        .remove("command");
    assert_fails_schema_at(
        &broken,
        "/features/slash_commands/0",
        "a slash command without `command`",
    );
}

#[test]
fn an_unknown_top_level_key_fails_the_schema() {
    let mut broken = manifest();
    broken["webhooks"] = Value::Bool(true);
    assert_fails_schema_at(&broken, "", "an unknown top-level key");
}

#[test]
fn a_scope_that_is_not_a_string_fails_the_schema() {
    let mut broken = manifest();
    broken["oauth_config"]["scopes"]["bot"][0] = Value::from(42);
    assert_fails_schema_at(
        &broken,
        "/oauth_config/scopes/bot/0",
        "a bot scope that is a number",
    );
}

#[test]
fn a_too_short_long_description_fails_the_schema() {
    let mut broken = manifest();
    broken["display_information"]["long_description"] = Value::from("Follow-ups.");
    assert_fails_schema_at(
        &broken,
        "/display_information/long_description",
        "a long_description under 175 characters",
    );
}

/// The schema spells this check `regex`, which is no JSON Schema keyword, so nothing enforces it there.
#[test]
fn background_color_is_a_hex_colour() {
    let colour = at(&manifest(), "/display_information/background_color")
        .as_str()
        .expect("background_color is a string")
        .to_string();
    let digits = colour.strip_prefix('#').unwrap_or_default();
    assert!(
        matches!(digits.len(), 3 | 6) && digits.chars().all(|c| c.is_ascii_hexdigit()),
        "background_color `{colour}` is not #rgb or #rrggbb"
    );
}

// --- The manifest says what the code does --------------------------------------------------------

#[test]
fn the_slash_command_is_the_codes_command_at_the_commands_path() {
    let manifest = manifest();
    let commands = at(&manifest, "/features/slash_commands")
        .as_array()
        .expect("a list of slash commands");
    assert_eq!(commands.len(), 1, "followup has one slash command");
    assert_eq!(at(&manifest, "/features/slash_commands/0/command"), COMMAND);
    assert_eq!(
        url_at(&manifest, "/features/slash_commands/0/url").path(),
        COMMANDS_PATH
    );
    assert_eq!(
        at(&manifest, "/features/slash_commands/0/should_escape"),
        true,
        "mentions must arrive as <@U…> user ids (settings managers, reassign) and emails as <mailto:…>, which the parser reads"
    );
}

#[test]
fn interactivity_events_and_oauth_point_at_the_codes_routes_on_one_host() {
    let manifest = manifest();
    assert_eq!(at(&manifest, "/settings/interactivity/is_enabled"), true);
    let interactions = url_at(&manifest, "/settings/interactivity/request_url");
    let events = url_at(&manifest, "/settings/event_subscriptions/request_url");
    let commands = url_at(&manifest, "/features/slash_commands/0/url");
    assert_eq!(interactions.path(), INTERACTIONS_PATH);
    assert_eq!(events.path(), EVENTS_PATH);

    let redirects = strings(&manifest, "/oauth_config/redirect_urls");
    assert_eq!(redirects.len(), 1, "one OAuth redirect URL");
    let redirect = Url::parse(&redirects[0]).expect("the redirect URL parses");
    assert_eq!(redirect.path(), OAUTH_CALLBACK_PATH);

    for url in [&interactions, &events, &commands, &redirect] {
        assert_eq!(url.scheme(), "https", "{url}: Slack calls only https");
        assert_eq!(url.host_str(), commands.host_str(), "{url}: one host");
    }
}

#[test]
fn bot_scopes_are_exactly_the_codes_bot_scopes() {
    let manifest = manifest();
    let scopes = strings(&manifest, "/oauth_config/scopes/bot");
    assert_eq!(
        scopes.len(),
        set(&scopes).len(),
        "a bot scope is listed twice"
    );
    assert_eq!(set(&scopes), set(BOT_SCOPES));
    assert!(
        at(&manifest, "/oauth_config/scopes").get("user").is_none(),
        "followup asks for no user scopes"
    );
}

#[test]
fn bot_events_are_exactly_the_codes_bot_events() {
    let events = strings(&manifest(), "/settings/event_subscriptions/bot_events");
    assert_eq!(
        events.len(),
        set(&events).len(),
        "a bot event is listed twice"
    );
    assert_eq!(set(&events), set(BOT_EVENTS));
}

#[test]
fn the_message_shortcut_is_the_one_the_code_handles() {
    let manifest = manifest();
    let shortcuts = at(&manifest, "/features/shortcuts")
        .as_array()
        .expect("a list of shortcuts");
    assert_eq!(shortcuts.len(), 1, "followup has one shortcut");
    assert_eq!(at(&manifest, "/features/shortcuts/0/type"), "message");
    assert_eq!(
        at(&manifest, "/features/shortcuts/0/callback_id"),
        SHORTCUT_CALLBACK_ID
    );
    assert_eq!(at(&manifest, "/features/shortcuts/0/name"), SHORTCUT_NAME);
}

#[test]
fn home_and_messages_tabs_are_enabled_and_the_messages_tab_is_read_only() {
    let manifest = manifest();
    assert_eq!(at(&manifest, "/features/app_home/home_tab_enabled"), true);
    assert_eq!(
        at(&manifest, "/features/app_home/messages_tab_enabled"),
        true,
        "the digest arrives in the Messages tab"
    );
    assert_eq!(
        at(
            &manifest,
            "/features/app_home/messages_tab_read_only_enabled"
        ),
        true,
        "a direct message to the bot would get no answer: the tab takes none"
    );
    assert_eq!(at(&manifest, "/features/bot_user/display_name"), "followup");
}

#[test]
fn socket_mode_org_deploy_and_token_rotation_are_off() {
    let settings = at(&manifest(), "/settings").clone();
    for key in [
        "socket_mode_enabled",
        "org_deploy_enabled",
        "token_rotation_enabled",
    ] {
        assert_eq!(settings[key], false, "settings.{key}");
    }
}

// --- The code's Web API calls decide the scopes --------------------------------------------------

/// A Web API method the source names, and where.
#[derive(Debug)]
struct Mention {
    method: String,
    at: String,
}

/// Methods named as a quoted literal (`"chat.postMessage"`, as `.call(…)` takes them) or through a
/// slack-morphism typed method (`.users_info(`). Comments count too: naming a method is a hint that
/// the code calls it.
fn web_api_mentions(source: &str, file: &str) -> Vec<Mention> {
    let mut found = Vec::new();
    for (number, line) in source.lines().enumerate() {
        let at = format!("{file}:{}", number + 1);
        for (i, _) in line.match_indices('"') {
            let rest = &line[i + 1..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
                .unwrap_or(rest.len());
            if rest[end..].starts_with('"') && is_web_api_method(&rest[..end]) {
                found.push(Mention {
                    method: rest[..end].to_string(),
                    at: at.clone(),
                });
            }
        }
        for (typed, method) in TYPED_METHODS {
            if line.contains(&format!(".{typed}(")) {
                found.push(Mention {
                    method: method.to_string(),
                    at: at.clone(),
                });
            }
        }
    }
    found
}

fn is_web_api_method(text: &str) -> bool {
    let segments: Vec<&str> = text.split('.').collect();
    (2..=4).contains(&segments.len())
        && FAMILIES.contains(&segments[0])
        && segments[1..].iter().all(|s| {
            s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && s.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

fn mentions_in_src() -> Vec<Mention> {
    let mut files = Vec::new();
    rust_files(&Path::new(ROOT).join("src"), &mut files);
    files.sort();
    files
        .iter()
        .flat_map(|path| {
            let source = std::fs::read_to_string(path)
                .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            let shown = path
                .strip_prefix(ROOT)
                .unwrap_or(path)
                .display()
                .to_string();
            web_api_mentions(&source, &shown)
        })
        .collect()
}

#[test]
fn the_scanner_finds_quoted_and_typed_web_api_calls_and_skips_hosts() {
    let source = r#"
        self.call("chat.postMessage", &body).await?;
        let token = self.call("oauth.v2.access", &form);
        let answer = session
            .users_info(&request)
            .await?;
        tracing::error!("views.open failed");
        let hosts = vec!["hooks.slack.com".to_string(), "linkedin.com".into()];
    "#;
    let methods: Vec<String> = web_api_mentions(source, "sample.rs")
        .into_iter()
        .map(|m| m.method)
        .collect();
    assert_eq!(
        methods,
        ["chat.postMessage", "oauth.v2.access", "users.info"]
    );
}

#[test]
fn the_scanner_sees_the_digests_web_api_calls_in_src() {
    let methods: BTreeSet<String> = mentions_in_src().into_iter().map(|m| m.method).collect();
    for expected in ["chat.postMessage", "users.info", "auth.test"] {
        assert!(
            methods.contains(expected),
            "no `{expected}` found under src/ (found {methods:?}): is the scanner blind?"
        );
    }
}

#[test]
fn bot_scopes_are_exactly_what_the_web_api_methods_in_src_need() {
    let table: BTreeMap<&str, Option<&str>> = METHOD_SCOPES.iter().copied().collect();
    let mentions = mentions_in_src();

    let unknown: Vec<String> = mentions
        .iter()
        .filter(|m| !table.contains_key(m.method.as_str()))
        .map(|m| format!("  {} at {}", m.method, m.at))
        .collect();
    assert!(
        unknown.is_empty(),
        "src/ calls Web API methods tests/it/manifest.rs does not know; add each to METHOD_SCOPES \
         with the scope it needs (https://api.slack.com/methods), and that scope to BOT_SCOPES and \
         manifest.yml:\n{}",
        unknown.join("\n")
    );

    // `commands` is for the slash command and the shortcut, which are no Web API method.
    let mut needed: BTreeSet<String> = BTreeSet::from(["commands".to_string()]);
    let mut why: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for mention in &mentions {
        if let Some(Some(scope)) = table.get(mention.method.as_str()) {
            needed.insert(scope.to_string());
            why.entry(scope.to_string())
                .or_default()
                .insert(mention.method.clone());
        }
    }
    let declared = set(BOT_SCOPES);
    assert_eq!(
        declared,
        needed,
        "BOT_SCOPES should be `commands` plus the scopes of the methods src/ calls ({why:?}); \
         missing: {:?}, unused: {:?}",
        needed.difference(&declared).collect::<Vec<_>>(),
        declared.difference(&needed).collect::<Vec<_>>()
    );
}
