//! Fuzzing on stable, in the normal test run: arbitrary text to the `/followup` parser, and
//! arbitrary bytes, JSON and form bodies — properly signed — to the command, interaction and
//! event endpoints of the real server, on SQLite and on Postgres.
//!
//! What is asserted, exactly:
//! - the parser returns (a command or an error) for every input: it never panics;
//! - every signed request gets a complete HTTP answer below 500: no 5xx, and no dropped
//!   connection (which is what a panicking handler looks like from the outside);
//! - nothing the generated requests could not legitimately change has changed. Before the fuzzing
//!   two reps of the workspace `T0FAKE001` (Alice and Bob) each get a prospect with its planned
//!   touches; after every case their prospects and touches, their settings, the workspace's
//!   prospects and its managers must read exactly as before. The generators are built so that no
//!   case is a valid write on their behalf: random bytes, random JSON and random forms never name
//!   `T0FAKE001`; slash commands (grammar-ish or random) come from another workspace, whose own
//!   writes are legitimate and not checked; clicks signed as Alice carry an unknown `action_id`,
//!   or a known one naming a prospect that is not hers (Bob's, another workspace's, or none); her
//!   modal submissions carry an unknown `callback_id`; events may name `T0FAKE001`, but no event
//!   writes a rep's data (`app_uninstalled` only deletes a workspace token row, and with a bot
//!   token there is none). So any change to the protected state is a failure — a write through
//!   a malformed body, or one rep or workspace reaching another's data.
//!
//! Properties that found a bug are `#[ignore = "bug: …"]` with the input and the panicking line;
//! `cargo test --test it -- fuzz_props:: --ignored` runs them.
//!
//! One app per backend is started once and reused across all the cases of a property; proptest's
//! closures are synchronous, so each test owns a Tokio runtime and blocks on it per case.

use crate::common;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use common::app::{reply_text, TestApp, ALICE, BOB, SECRET, TEAM};
use common::slack_requests::{
    block_actions, bot_message, button_action, event_callback, form_encode, interaction_form_body,
    message_container, overflow_action, static_select_action, text_input_value, view_container,
    view_submission, SignedPost, COMMANDS_PATH, EVENTS_PATH, FORM_CONTENT_TYPE, INTERACTIONS_PATH,
    JSON_CONTENT_TYPE,
};
use common::TestDb;
use followup::command;
use followup::domain::lifecycle::ProspectState;
use followup::domain::prospect::Prospect;
use followup::domain::rep::RepSettings;
use followup::domain::RepRef;
use followup::slack::actions;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Value};
use tokio::runtime::Runtime;

/// Monday 2026-11-02, 14:00 UTC.
fn start_time() -> DateTime<Utc> {
    common::at(2026, 11, 2, 14, 0)
}

/// The other workspace, whose users send the fuzzed slash commands.
const OTHER_TEAM: &str = "T0OTHER99";
/// A manager in the other workspace, so `reassign` is tried for real across workspaces.
const OTHER_MANAGER: &str = "U0OTHERMGR";

/// Cases per endpoint property per backend; each case is one or a few loopback requests.
const ENDPOINT_CASES: u32 = 128;
/// Cases for the pure parser properties (microseconds each).
const PARSE_CASES: u32 = 3000;

// ---------------------------------------------------------------------------------------------
// Generators

/// `/followup` verbs and their aliases, and a few near misses.
const VERB_WORDS: &[&str] = &[
    "help", "?", "-h", "--help", "add", "new", "list", "ls", "pipeline", "due", "today", "show",
    "info", "done", "did", "log", "skip", "snooze", "replied", "reply", "answered", "won", "win",
    "lost", "lose", "pause", "resume", "unpause", "nurture", "stop", "cadences", "cadence",
    "stats", "metrics", "settings", "setting", "config", "away", "vacation", "ooo", "back",
    "reassign", "handover", "ADD", "Snooze", "sn00ze", "adf", "",
];

/// Words with a meaning somewhere in the grammar, and the awkward ones.
const FRAGMENTS: &[&str] = &[
    "#1",
    "#2",
    "#0",
    "#-1",
    "#",
    "##3",
    "#99999999999999999999",
    "#1.5",
    "Jane",
    "Doe",
    "\"Jane Doe\"",
    "“Jane Doe”",
    "\"unterminated",
    "\"\"",
    "“",
    "”",
    "company:Acme",
    "company:\"Acme Corp\"",
    "co:",
    "company:",
    ":",
    "::",
    "a:b:c",
    "cadence:standard",
    "cadence:nope",
    "lead:hot",
    "lead:lukewarm",
    "value:$1,000",
    "value:€9999999999999999999999",
    "value:-5",
    "value:1e309",
    "stage:demo",
    "stage:",
    "pace:fast",
    "pace:warp",
    "email:a@b.co",
    "email:@",
    "phone:+1 555 0100",
    "phone:++",
    "linkedin:https://linkedin.com/in/jane",
    "note:\"call after lunch\"",
    "notes:x",
    "start:today",
    "start:2026-13-45",
    "start:+262143-12-31",
    "start:-262144-01-01",
    "http:x",
    "https:linkedin.com/",
    "nope:field",
    "jane@acme.com",
    "a@b",
    "@",
    "+1 555 0100",
    "555-0100",
    "linkedin.com/in/x",
    "<mailto:jane@acme.com|jane@acme.com>",
    "<mailto:|>",
    "<mailto:nope>",
    "<tel:+15550100|+1 555 0100>",
    "<tel:>",
    "<@U0ALICE>",
    "<@U0BOB|bob>",
    "<@U0OTHERMGR>",
    "<@>",
    "<#C0001CHAN|sales>",
    "<!channel>",
    "<!here>",
    "<!subteam^S123|@team>",
    "<https://linkedin.com/in/jane|Jane>",
    "<http://example.com>",
    "<>",
    "<",
    ">",
    "<<>>",
    "&lt;",
    "&gt;",
    "&amp;",
    "&amp;lt;",
    "2026-12-01",
    "2026-02-29",
    "0000-01-01",
    "+262143-12-31",
    "262143-12-31",
    "-262144-01-01",
    "9999-12-31",
    "1d",
    "3d",
    "1w",
    "2w",
    "366d",
    "367d",
    "0d",
    "53w",
    "9999999999999999999w",
    "1 week",
    "monday",
    "MON",
    "tues",
    "sunday",
    "tomorrow",
    "tmrw",
    "today",
    "30d",
    "90d",
    "all",
    "digest",
    "07:30",
    "25:61",
    "tz",
    "Europe/Berlin",
    "Mars/Olympus",
    "weekends",
    "off",
    "on",
    "cap",
    "0",
    "500",
    "501",
    "-1",
    "managers",
    "manager",
    "off",
    "end",
    "🎉",
    "👩‍👩‍👧‍👦",
    "\u{200F}",
    "\u{202E}",
    "\u{200B}",
    "\u{FEFF}",
    "\u{0}",
    "שלום",
    "مرحبا",
    "日本語",
    "Ⅻ",
    "ﬃ",
    "İ",
    "ß",
    "\u{301}",
    "e\u{301}",
    "\\",
    "'",
    "`",
    "%",
    "%00",
    "';DROP TABLE prospects;--",
];

const SEPARATORS: &[&str] = &[" ", " ", " ", "  ", "\t", "\n", "\u{A0}", "\u{3000}", ""];

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(FRAGMENTS).prop_map(str::to_string),
        1 => select(VERB_WORDS).prop_map(str::to_string),
        1 => "\\PC{0,6}",
        1 => "[a-z]{1,8}:[\\PC&&[^ ]]{0,8}",
        1 => "#[0-9]{1,4}",
        1 => any::<char>().prop_map(String::from),
    ]
}

/// A verb (usually) followed by grammar-ish fragments, joined by assorted white space.
fn grammarish() -> impl Strategy<Value = String> {
    (
        prop_oneof![3 => select(VERB_WORDS), 1 => Just("")],
        prop::collection::vec((select(SEPARATORS), fragment()), 0..10),
    )
        .prop_map(|(verb, parts)| {
            let mut text = verb.to_string();
            for (sep, part) in parts {
                text.push_str(sep);
                text.push_str(&part);
            }
            text
        })
}

/// Any text at all: unconstrained Unicode, printable Unicode, or the grammar-ish kind.
fn any_command_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "\\PC{0,40}", grammarish(), "[ -~]{0,40}",]
}

/// A `today` a rep could plausibly have: 1970 to 2100.
fn any_today() -> impl Strategy<Value = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(1970, 1, 1).expect("date");
    (0i64..47_846).prop_map(move |d| first + Duration::days(d))
}

/// Any date chrono can hold, as a rep would type it (`%Y-%m-%d`, so `+262142-12-31` at the
/// far end), biased to both ends of the range.
fn any_date_text() -> impl Strategy<Value = String> {
    let first = NaiveDate::MIN.num_days_from_ce();
    let last = NaiveDate::MAX.num_days_from_ce();
    prop_oneof![
        (first..=last).prop_map(|d| NaiveDate::from_num_days_from_ce_opt(d).expect("in range")),
        (0i64..400).prop_map(|d| NaiveDate::MAX - Duration::days(d)),
        (0i64..400).prop_map(|d| NaiveDate::MIN + Duration::days(d)),
    ]
    .prop_map(|d| d.format("%Y-%m-%d").to_string())
}

/// A date or a span, as the second word of `away`.
fn any_date_or_span() -> impl Strategy<Value = String> {
    prop_oneof![
        any_date_text(),
        (0i64..400).prop_map(|n| format!("{n}d")),
        (0i64..60).prop_map(|n| format!("{n}w")),
    ]
}

/// Strings that appear in Slack payloads, plus anything. Never the protected workspace's id.
fn slackish_string() -> impl Strategy<Value = String> {
    prop_oneof![
        select(
            &[
                "block_actions",
                "view_submission",
                "view_closed",
                "message_action",
                "shortcut",
                "url_verification",
                "event_callback",
                "app_rate_limited",
                "app_home_opened",
                "app_uninstalled",
                "tokens_revoked",
                "message",
                "home",
                "messages",
                "view",
                "button",
                "add_prospect",
                "follow_up_on_this",
                "open_add_modal",
                "touch_done",
                "touch_snooze",
                "touch_replied",
                "prospect_more",
                "prospect_one_more",
                "prospect_nurture",
                "prospect_close",
                "1.1",
                "1.1.1d",
                "2.3.1w.shift",
                "1.won",
                "1",
                "-1",
                "",
                "U0ALICE",
                "U0BOB",
                OTHER_TEAM,
                "act.1",
                "awaiting_act.1",
                "touch.1",
                "name",
                "company",
            ][..]
        )
        .prop_map(str::to_string),
        any::<String>(),
    ]
}

const JSON_KEYS: &[&str] = &[
    "type",
    "team",
    "team_id",
    "user",
    "id",
    "actions",
    "action_id",
    "block_id",
    "value",
    "selected_option",
    "view",
    "callback_id",
    "private_metadata",
    "state",
    "values",
    "event",
    "challenge",
    "trigger_id",
    "response_url",
    "message",
    "text",
    "blocks",
    "container",
    "channel",
    "tokens",
    "bot",
    "tab",
    "token",
    "event_id",
];

/// Arbitrary JSON, with Slack's keys and words common enough that some of it parses as a payload.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        slackish_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![3 => select(JSON_KEYS).prop_map(str::to_string), 1 => "\\PC{0,6}"],
                inner,
                0..7,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const PAYLOAD_TYPES: &[&str] = &[
    "block_actions",
    "view_submission",
    "view_closed",
    "message_action",
    "shortcut",
    "url_verification",
    "event_callback",
    "app_rate_limited",
    "nope",
];

/// JSON shaped like Slack's payloads — a `type`, ids, actions, a view, an event — with random
/// parts and some parts left out, so most of it gets past deserialisation. Ids come from
/// [`slackish_string`]: never the protected workspace's.
fn payloadish_json() -> impl Strategy<Value = Value> {
    let id_object = prop_oneof![
        3 => slackish_string().prop_map(|id| json!({ "id": id })),
        1 => any_json(),
    ];
    let action = (slackish_string(), slackish_string(), slackish_string(), any::<bool>()).prop_map(
        |(action_id, value, block_id, selected)| {
            if selected {
                json!({"action_id": action_id, "block_id": block_id, "selected_option": {"value": value}})
            } else {
                json!({"action_id": action_id, "block_id": block_id, "value": value})
            }
        },
    );
    let input = (
        select(
            &[
                "name", "company", "email", "phone", "cadence", "lead", "value", "start", "stage",
                "note",
            ][..],
        ),
        prop_oneof![
            any_command_text(),
            select(FRAGMENTS).prop_map(str::to_string)
        ],
    );
    (
        select(PAYLOAD_TYPES),
        (id_object.clone(), id_object),
        prop::collection::vec(action, 0..3),
        prop_oneof![
            select(&["add_prospect", "follow_up_on_this"][..]).prop_map(str::to_string),
            slackish_string(),
        ],
        prop::collection::vec(input, 0..6),
        (any_json(), any_json()),
        (slackish_string(), any::<String>()),
        any::<u64>(),
    )
        .prop_map(
            |(kind, (team, user), actions, callback_id, inputs, (event, message), (team_id, challenge), present)| {
                let values: serde_json::Map<String, Value> = inputs
                    .into_iter()
                    .map(|(block, text)| (block.to_string(), json!({ block: text_input_value(&text) })))
                    .collect();
                let fields = [
                    ("team", team),
                    ("user", user),
                    ("actions", Value::Array(actions)),
                    ("callback_id", json!(callback_id)),
                    ("view", json!({"callback_id": callback_id, "private_metadata": "", "state": {"values": values}})),
                    ("event", event),
                    ("message", message),
                    ("team_id", json!(team_id)),
                    ("challenge", json!(challenge)),
                    ("trigger_id", json!("1.2.abc")),
                    ("container", json!({"type": "view"})),
                ];
                let mut object = serde_json::Map::new();
                object.insert("type".into(), json!(kind));
                for (i, (key, value)) in fields.into_iter().enumerate() {
                    // Each field is left out one time in eight.
                    if present >> (3 * i) & 7 != 0 {
                        object.insert(key.into(), value);
                    }
                }
                Value::Object(object)
            },
        )
}

/// Form fields as a slash command has them, plus others, in any order and number.
const FORM_KEYS: &[&str] = &[
    "token",
    "team_id",
    "team_domain",
    "enterprise_id",
    "channel_id",
    "user_id",
    "user_name",
    "command",
    "text",
    "api_app_id",
    "response_url",
    "trigger_id",
    "payload",
    "text",
];

/// A form body of arbitrary fields, usually with the two a slash command needs. `team_id` is
/// never the protected workspace's.
fn any_form() -> impl Strategy<Value = String> {
    let value = || {
        prop_oneof![
            select(&["", OTHER_TEAM, OTHER_MANAGER, "U0ALICE", "/followup"][..])
                .prop_map(str::to_string),
            any_command_text(),
        ]
    };
    let id = || {
        prop_oneof![
            3 => select(&[OTHER_TEAM, OTHER_MANAGER, "U0ALICE"][..]).prop_map(str::to_string),
            1 => value(),
        ]
    };
    (
        prop::option::weighted(0.7, (id(), id())),
        prop::collection::vec(
            (
                prop_oneof![3 => select(FORM_KEYS).prop_map(str::to_string), 1 => "\\PC{0,6}"],
                value(),
            ),
            0..8,
        ),
    )
        .prop_map(|(ids, more)| {
            let mut pairs: Vec<(&str, &str)> = Vec::new();
            if let Some((team, user)) = &ids {
                pairs.push(("team_id", team.as_str()));
                pairs.push(("user_id", user.as_str()));
            }
            pairs.extend(more.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            form_encode(&pairs)
        })
}

fn any_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        // Printable ASCII with form and JSON punctuation: gets further into the parsers.
        "[ -~]{0,256}".prop_map(String::into_bytes),
        "[a-z_=&%{}\\[\\]\":,0-9]{0,256}".prop_map(String::into_bytes),
    ]
}

fn any_path() -> impl Strategy<Value = &'static str> {
    select(&[COMMANDS_PATH, INTERACTIONS_PATH, EVENTS_PATH][..])
}

fn any_content_type() -> impl Strategy<Value = &'static str> {
    select(
        &[
            FORM_CONTENT_TYPE,
            JSON_CONTENT_TYPE,
            "text/plain",
            "multipart/form-data; boundary=x",
            "",
        ][..],
    )
}

// ---------------------------------------------------------------------------------------------
// One app per backend, seeded once

/// The state no fuzzed request may change.
#[derive(Debug, Clone, PartialEq)]
struct Protected {
    alice: Vec<ProspectState>,
    bob: Vec<ProspectState>,
    alice_settings: Option<RepSettings>,
    bob_settings: Option<RepSettings>,
    workspace: Vec<Prospect>,
    managers: Vec<String>,
}

struct Fuzzed {
    app: TestApp,
    alice_prospect: i64,
    bob_prospect: i64,
    other_prospect: i64,
    before: Protected,
}

impl Fuzzed {
    async fn protected(&self) -> Protected {
        let store = &self.app.store;
        let alice = RepRef::new(TEAM, ALICE);
        let bob = RepRef::new(TEAM, BOB);
        Protected {
            alice: self.app.snapshot(&alice).await,
            bob: self.app.snapshot(&bob).await,
            alice_settings: store.rep_settings(&alice).await.expect("settings"),
            bob_settings: store.rep_settings(&bob).await.expect("settings"),
            workspace: store.team_prospects(TEAM, None).await.expect("prospects"),
            managers: store.managers(TEAM).await.expect("managers"),
        }
    }

    /// Posts `body` signed with the test secret at the app's time; the status and the whole
    /// body, or why no complete answer came back.
    async fn post(&self, path: &str, content_type: &str, body: Vec<u8>) -> Result<u16, String> {
        let post = SignedPost::signed(SECRET, self.app.now_unix(), path, content_type, body);
        self.post_signed(&post).await
    }

    async fn post_signed(&self, post: &SignedPost) -> Result<u16, String> {
        let response = post
            .try_send(&self.app.base, &self.app.http)
            .await
            .map_err(|e| format!("no answer (did the handler panic?): {e}"))?;
        let status = response.status().as_u16();
        response
            .bytes()
            .await
            .map_err(|e| format!("answer cut short: {e}"))?;
        Ok(status)
    }

    /// A complete answer below 500, and the protected state as it was.
    async fn check(&self, what: &str, answer: Result<u16, String>) -> Result<(), TestCaseError> {
        let status = answer.map_err(|e| TestCaseError::fail(format!("{what}: {e}")))?;
        prop_assert!(status < 500, "{}: answered {}", what, status);
        let now = self.protected().await;
        prop_assert_eq!(&now, &self.before, "{} changed the protected state", what);
        Ok(())
    }
}

/// Adds a prospect through the slash command and answers its id.
async fn add(app: &TestApp, team: &str, user: &str, text: &str) -> i64 {
    let (status, reply) = app.command_in(team, user, &format!("add {text}")).await;
    assert_eq!(status, 200);
    let text = reply_text(&reply);
    text.split("as *#")
        .nth(1)
        .and_then(|rest| rest.split('*').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no id in reply: {text}"))
}

#[derive(Clone, Copy)]
enum Backend {
    Sqlite,
    Postgres,
}

/// Starts the app on `backend` inside a runtime this test owns, seeds it, and runs `body`.
fn with_app(backend: Backend, body: fn(&Fuzzed, &Runtime)) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let Some(fuzzed) = rt.block_on(async {
        let db = match backend {
            Backend::Sqlite => TestDb::sqlite().await,
            Backend::Postgres => TestDb::postgres().await?,
        };
        let app = TestApp::start(db, start_time()).await;
        let alice_prospect = add(&app, TEAM, ALICE, "Jane Doe jane@acme.com company:Acme").await;
        let bob_prospect = add(&app, TEAM, BOB, "Omar Haddad company:Globex lead:hot").await;
        app.slack.make_admin(OTHER_MANAGER);
        let (status, _) = app
            .command_in(OTHER_TEAM, OTHER_MANAGER, "settings managers <@U0OTHERMGR>")
            .await;
        assert_eq!(status, 200);
        let other_prospect = add(&app, OTHER_TEAM, OTHER_MANAGER, "Li Wei company:Initech").await;
        let mut fuzzed = Fuzzed {
            app,
            alice_prospect,
            bob_prospect,
            other_prospect,
            before: Protected {
                alice: Vec::new(),
                bob: Vec::new(),
                alice_settings: None,
                bob_settings: None,
                workspace: Vec::new(),
                managers: Vec::new(),
            },
        };
        fuzzed.before = fuzzed.protected().await;
        assert_eq!(fuzzed.before.alice.len(), 1, "Alice's seeded prospect");
        assert!(
            !fuzzed.before.alice[0].touches.is_empty(),
            "planned touches"
        );
        assert_eq!(fuzzed.before.bob.len(), 1, "Bob's seeded prospect");
        Some(fuzzed)
    }) else {
        return;
    };
    body(&fuzzed, &rt);
    rt.block_on(fuzzed.app.finish());
}

/// Runs `property` for `cases` generated inputs; a failure panics with the shrunk input.
fn run<S: Strategy>(
    cases: u32,
    strategy: S,
    property: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let mut runner = TestRunner::new(Config {
        cases,
        // Shrinking a failing HTTP case is worth a few hundred more requests, not thousands.
        max_shrink_iters: 512,
        ..Config::default()
    });
    if let Err(e) = runner.run(&strategy, property) {
        panic!("{e}");
    }
}

/// Runs each property (a `fn(&Fuzzed, &Runtime)` of the same name) once against a seeded app on
/// SQLite and once on Postgres, as the tests `<property>::sqlite` and `<property>::postgres`.
/// Attributes before a name (`#[ignore = "bug: …"]`) go on both.
macro_rules! on_both_backends {
    ($($(#[$meta:meta])* $name:ident,)*) => {
        $(
            mod $name {
                #[test]
                $(#[$meta])*
                fn sqlite() {
                    super::with_app(super::Backend::Sqlite, super::$name);
                }

                #[test]
                $(#[$meta])*
                fn postgres() {
                    super::with_app(super::Backend::Postgres, super::$name);
                }
            }
        )*
    };
}

// ---------------------------------------------------------------------------------------------
// The parser

proptest! {
    #![proptest_config(ProptestConfig { cases: PARSE_CASES, ..ProptestConfig::default() })]

    #[test]
    fn the_parser_answers_any_unicode_text_without_panicking(
        text in any::<String>(),
        today in any_today(),
    ) {
        let _ = command::parse(&text, today);
    }

    #[test]
    fn the_parser_answers_any_grammar_like_text_without_panicking(
        text in grammarish(),
        today in any_today(),
    ) {
        let _ = command::parse(&text, today);
        // Slack escapes `&`, `<` and `>` in the text it sends; so does the parser's caller.
        let escaped = text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        let _ = command::parse(&escaped, today);
    }

    #[test]
    fn the_parser_answers_away_between_any_two_dates_without_panicking(
        from in any_date_text(),
        to in any_date_or_span(),
        today in any_today(),
    ) {
        let _ = command::parse(&format!("away {from} {to}"), today);
    }

    #[test]
    fn the_parser_answers_any_text_after_a_verb_without_panicking(
        verb in select(VERB_WORDS),
        rest in any_command_text(),
        today in any_today(),
    ) {
        let _ = command::parse(&format!("{verb} {rest}"), today);
    }
}

// ---------------------------------------------------------------------------------------------
// The endpoints

on_both_backends! {
    arbitrary_signed_bytes_to_any_slack_route_are_answered_below_500_and_write_nothing,
    arbitrary_signed_json_to_any_slack_route_is_answered_below_500_and_writes_nothing,
    arbitrary_signed_forms_to_commands_and_interactions_are_answered_below_500_and_write_nothing,
    any_slash_command_from_another_workspace_is_answered_below_500_and_leaves_this_one_alone,
    clicks_by_alice_that_name_no_action_of_hers_are_answered_below_500_and_write_nothing,
    modal_submissions_and_shortcuts_that_add_nothing_for_alice_are_answered_below_500_and_write_nothing,
    any_events_api_delivery_is_answered_below_500_and_writes_nothing,
    a_body_signed_at_any_timestamp_is_refused_or_answered_never_dropped,
    a_body_signed_at_a_timestamp_near_the_smallest_integer_is_refused_not_dropped,
    commands_naming_any_date_chrono_can_hold_are_answered_below_500,
}

/// Random bytes (raw, printable, or form/JSON punctuation) under any content type to each route.
fn arbitrary_signed_bytes_to_any_slack_route_are_answered_below_500_and_write_nothing(
    fuzzed: &Fuzzed,
    rt: &Runtime,
) {
    run(
        ENDPOINT_CASES,
        (any_path(), any_content_type(), any_bytes()),
        |(path, content_type, body)| {
            rt.block_on(async {
                let what = format!(
                    "{path} ({content_type}) with {:?}",
                    String::from_utf8_lossy(&body)
                );
                let answer = fuzzed.post(path, content_type, body).await;
                fuzzed.check(&what, answer).await
            })
        },
    );
}

/// Random JSON, and JSON shaped like Slack payloads, as a JSON body to each route and as the
/// `payload` field of an interaction.
fn arbitrary_signed_json_to_any_slack_route_is_answered_below_500_and_writes_nothing(
    fuzzed: &Fuzzed,
    rt: &Runtime,
) {
    let json = prop_oneof![any_json(), payloadish_json()];
    run(ENDPOINT_CASES, (any_path(), json), |(path, value)| {
        rt.block_on(async {
            let what = format!("{path} with JSON {value}");
            let answer = fuzzed
                .post(path, JSON_CONTENT_TYPE, value.to_string().into_bytes())
                .await;
            fuzzed.check(&what, answer).await?;
            // The same JSON as an interaction's `payload` field.
            let what = format!("{INTERACTIONS_PATH} with payload={value}");
            let answer = fuzzed
                .post(
                    INTERACTIONS_PATH,
                    FORM_CONTENT_TYPE,
                    interaction_form_body(&value).into_bytes(),
                )
                .await;
            fuzzed.check(&what, answer).await
        })
    });
}

/// Random form fields (usually with `team_id` and `user_id`, never T0FAKE001) to the command and
/// interaction routes, and a `payload` field that is any text.
fn arbitrary_signed_forms_to_commands_and_interactions_are_answered_below_500_and_write_nothing(
    fuzzed: &Fuzzed,
    rt: &Runtime,
) {
    run(
        ENDPOINT_CASES,
        (
            select(&[COMMANDS_PATH, COMMANDS_PATH, INTERACTIONS_PATH][..]),
            any_form(),
            any_command_text(),
        ),
        |(path, form, garbage)| {
            rt.block_on(async {
                let what = format!("{path} with the form {form:?}");
                let answer = fuzzed
                    .post(path, FORM_CONTENT_TYPE, form.into_bytes())
                    .await;
                fuzzed.check(&what, answer).await?;
                // A `payload` field that is not JSON at all.
                let body = form_encode(&[("payload", garbage.as_str())]);
                let what = format!("{INTERACTIONS_PATH} with payload={garbage:?}");
                let answer = fuzzed
                    .post(INTERACTIONS_PATH, FORM_CONTENT_TYPE, body.into_bytes())
                    .await;
                fuzzed.check(&what, answer).await
            })
        },
    );
}

/// Any `/followup` text from users of another workspace — its manager too — half the time aimed at
/// Alice's and Bob's prospects by number (`done #1`, `reassign #1 <@them>`): it may write in that
/// workspace, never in this one.
fn any_slash_command_from_another_workspace_is_answered_below_500_and_leaves_this_one_alone(
    fuzzed: &Fuzzed,
    rt: &Runtime,
) {
    let ids = [
        fuzzed.alice_prospect,
        fuzzed.bob_prospect,
        fuzzed.other_prospect,
    ];
    run(
        ENDPOINT_CASES,
        (
            select(&[OTHER_MANAGER, "U0ALICE", "U0STRANGER"][..]),
            any_command_text(),
            select(ids.to_vec()),
            select(
                &[
                    "reassign", "show", "done", "stop", "won", "snooze", "skip", "pause",
                ][..],
            ),
            any::<bool>(),
        ),
        |(user, text, id, verb, aimed)| {
            rt.block_on(async {
                // Half the time aimed at a protected prospect by number: `done #1 …`.
                let text = if aimed {
                    match verb {
                        "reassign" => format!("reassign #{id} <@{user}>"),
                        "snooze" => format!("snooze #{id} 3d"),
                        _ => format!("{verb} #{id} {text}"),
                    }
                } else {
                    text
                };
                let command = common::slack_requests::SlashCommand::new(&text)
                    .team_id(OTHER_TEAM)
                    .user_id(user)
                    .response_url(&fuzzed.app.slack.response_url("fuzz"));
                let post = SignedPost::signed(
                    SECRET,
                    fuzzed.app.now_unix(),
                    COMMANDS_PATH,
                    FORM_CONTENT_TYPE,
                    command.form_body(),
                );
                let answer = fuzzed.post_signed(&post).await;
                fuzzed
                    .check(
                        &format!("`/followup {text}` from {OTHER_TEAM}/{user}"),
                        answer,
                    )
                    .await
            })
        },
    );
}

/// Alice's button, menu and overflow clicks, on a message, an ephemeral message or the Home tab,
/// with an unknown `action_id`, or a known one naming a prospect that is not hers.
fn clicks_by_alice_that_name_no_action_of_hers_are_answered_below_500_and_write_nothing(
    fuzzed: &Fuzzed,
    rt: &Runtime,
) {
    let known = [
        actions::DONE,
        actions::SNOOZE,
        actions::REPLIED,
        actions::MORE,
        actions::ONE_MORE,
        actions::NURTURE,
        actions::CLOSE,
    ];
    let mine = fuzzed.alice_prospect.to_string();
    // Known action ids only with a prospect that is not Alice's; unknown ones with anything.
    let not_hers = [
        fuzzed.bob_prospect,
        fuzzed.other_prospect,
        0,
        -1,
        999_999,
        i64::MAX,
    ];
    let action = prop_oneof![
        (
            select(known.to_vec()),
            select(not_hers.to_vec()),
            prop_oneof![
                Just(String::new()),
                select(&["1", "won", "lost", "stop", "nurture", "1d", "1.1w.shift"][..])
                    .prop_map(|s| format!(".{s}")),
                "\\.[0-9]{1,3}(\\.(1d|3d|1w|1w\\.shift|[a-z]{0,3}))?",
            ],
        )
            .prop_map(|(id, p, rest)| (id.to_string(), format!("{p}{rest}"))),
        (
            slackish_string().prop_filter("an unknown action id", |a| {
                !known.contains(&a.as_str()) && a != actions::OPEN_ADD_MODAL
            }),
            prop_oneof![
                slackish_string(),
                Just(format!("{mine}.1")),
                "[0-9]{1,3}\\.[0-9]{1,3}"
            ],
        ),
    ];
    run(
        ENDPOINT_CASES,
        (
            action,
            0u8..3,
            prop_oneof![
                Just("act.1".to_string()),
                Just("awaiting_act.1".to_string()),
                slackish_string()
            ],
            0u8..3,
        ),
        |((action_id, value), kind, block_id, place)| {
            rt.block_on(async {
                let action = match kind {
                    0 => button_action(&action_id, &value, &block_id),
                    1 => static_select_action(&action_id, &value, &block_id),
                    _ => overflow_action(&action_id, &value, &block_id),
                };
                let response_url = fuzzed.app.slack.response_url("fuzz-click");
                let payload = match place {
                    0 => block_actions(
                        TEAM,
                        ALICE,
                        vec![action],
                        Some(&response_url),
                        Some(bot_message(
                            "1700000000.000100",
                            "Today's follow-ups",
                            json!([]),
                        )),
                        Some("D0ALICE"),
                        message_container("D0ALICE", "1700000000.000100", false),
                    ),
                    1 => block_actions(
                        TEAM,
                        ALICE,
                        vec![action],
                        Some(&response_url),
                        None,
                        Some("D0ALICE"),
                        message_container("D0ALICE", "1700000000.000100", true),
                    ),
                    _ => block_actions(
                        TEAM,
                        ALICE,
                        vec![action],
                        None,
                        None,
                        None,
                        view_container("V0HOME"),
                    ),
                };
                let what = format!("Alice clicking {action_id:?} with {value:?} on {block_id:?}");
                let answer = fuzzed
                    .post(
                        INTERACTIONS_PATH,
                        FORM_CONTENT_TYPE,
                        interaction_form_body(&payload).into_bytes(),
                    )
                    .await;
                fuzzed.check(&what, answer).await
            })
        },
    );
}

/// Alice submitting a modal that is not the add modal (and the add modal from another workspace)
/// with any inputs; and the message shortcut with any callback id and any message.
fn modal_submissions_and_shortcuts_that_add_nothing_for_alice_are_answered_below_500_and_write_nothing(
    fuzzed: &Fuzzed,
    rt: &Runtime,
) {
    let field = (
        select(
            &[
                "name", "company", "email", "phone", "cadence", "lead", "value", "start", "stage",
                "note", "x",
            ][..],
        ),
        prop_oneof![
            any_command_text(),
            select(FRAGMENTS).prop_map(str::to_string)
        ],
    );
    run(
        ENDPOINT_CASES,
        (
            prop_oneof![
                // Alice, with a modal that is not the add modal.
                slackish_string()
                    .prop_filter("not the add modal", |c| c
                        != followup::slack::render::modals::add_prospect::CALLBACK_ID)
                    .prop_map(|c| (TEAM, c)),
                // The add modal, from the other workspace: may add there, never here.
                Just((
                    OTHER_TEAM,
                    followup::slack::render::modals::add_prospect::CALLBACK_ID.to_string()
                )),
            ],
            prop::collection::vec(field, 0..6),
            any_command_text(),
            slackish_string(),
            any_json(),
        ),
        |((team, callback_id), fields, metadata, shortcut_id, message)| {
            rt.block_on(async {
                let values: serde_json::Map<String, Value> = fields
                    .iter()
                    .map(|(block, text)| (block.to_string(), json!({ *block: text_input_value(text) })))
                    .collect();
                let submission = view_submission(team, ALICE, &callback_id, &metadata, Value::Object(values), "V0FUZZ");
                let what = format!("{team}/Alice submitting {callback_id:?} with {fields:?}");
                let answer = fuzzed
                    .post(INTERACTIONS_PATH, FORM_CONTENT_TYPE, interaction_form_body(&submission).into_bytes())
                    .await;
                fuzzed.check(&what, answer).await?;
                // The message shortcut only opens a modal, whatever the message.
                let shortcut = json!({
                    "type": "message_action",
                    "team": {"id": TEAM}, "user": {"id": ALICE},
                    "callback_id": if shortcut_id.is_empty() { followup::slack::manifest::SHORTCUT_CALLBACK_ID } else { shortcut_id.as_str() },
                    "trigger_id": "1.2.abc",
                    "message": message,
                });
                let what = format!("Alice's shortcut {shortcut}");
                let answer = fuzzed
                    .post(INTERACTIONS_PATH, FORM_CONTENT_TYPE, interaction_form_body(&shortcut).into_bytes())
                    .await;
                fuzzed.check(&what, answer).await
            })
        },
    );
}

/// Any `event_callback` (any event body, any of the kinds followup reads, redelivered or not), and
/// the `url_verification` handshake, which must echo any challenge.
fn any_events_api_delivery_is_answered_below_500_and_writes_nothing(fuzzed: &Fuzzed, rt: &Runtime) {
    run(
        ENDPOINT_CASES,
        (
            select(&[TEAM, OTHER_TEAM, ""][..]),
            any_json(),
            select(
                &[
                    "app_home_opened",
                    "app_mention",
                    "message",
                    "app_uninstalled",
                    "tokens_revoked",
                    "nope",
                ][..],
            ),
            prop::option::of(0u32..5),
            any::<String>(),
        ),
        |(team, mut event, kind, retry, challenge)| {
            rt.block_on(async {
                // In bot-token mode no workspace row exists, so an `app_uninstalled` for
                // T0FAKE001 deletes nothing either: every delivery here must write nothing.
                if let Value::Object(map) = &mut event {
                    map.insert("type".into(), json!(kind));
                    map.entry("user").or_insert(json!(ALICE));
                }
                let body = event_callback(team, event).to_string();
                let mut post = SignedPost::signed(
                    SECRET,
                    fuzzed.app.now_unix(),
                    EVENTS_PATH,
                    JSON_CONTENT_TYPE,
                    body.clone(),
                );
                if let Some(n) = retry {
                    post = post.with_retry(n, "http_timeout");
                }
                let answer = fuzzed.post_signed(&post).await;
                fuzzed.check(&format!("the event {body}"), answer).await?;
                // The handshake echoes any challenge.
                let handshake =
                    json!({"type": "url_verification", "token": "x", "challenge": challenge});
                let post = SignedPost::signed(
                    SECRET,
                    fuzzed.app.now_unix(),
                    EVENTS_PATH,
                    JSON_CONTENT_TYPE,
                    handshake.to_string(),
                );
                let response = post
                    .try_send(&fuzzed.app.base, &fuzzed.app.http)
                    .await
                    .map_err(|e| TestCaseError::fail(format!("handshake: {e}")))?;
                prop_assert_eq!(response.status().as_u16(), 200);
                let echoed: Value = response
                    .json()
                    .await
                    .map_err(|e| TestCaseError::fail(format!("handshake body: {e}")))?;
                prop_assert_eq!(&echoed["challenge"], &json!(challenge));
                Ok(())
            })
        },
    );
}

/// Random bodies correctly signed at any `X-Slack-Request-Timestamp` (numbers, near now, far
/// past, text): 401 when stale or unreadable, never a dropped connection.
fn a_body_signed_at_any_timestamp_is_refused_or_answered_never_dropped(
    fuzzed: &Fuzzed,
    rt: &Runtime,
) {
    let now = fuzzed.app.now_unix();
    let timestamp = prop_oneof![
        any::<i64>().prop_map(|t| t.to_string()),
        (-400i64..400).prop_map(move |d| (now + d).to_string()),
        // Far in the past, but short of where `now - sent` overflows (see the next property).
        (i64::MIN / 2..i64::MIN / 4).prop_map(|t| t.to_string()),
        // Header values must be visible ASCII (or tab) to be sent at all.
        "[ -~]{0,12}",
        Just(" 17 ".to_string()),
    ];
    signed_at_any_timestamp(fuzzed, rt, timestamp.boxed());
}

/// The same at the timestamps where `now - sent` overflows an `i64`.
fn a_body_signed_at_a_timestamp_near_the_smallest_integer_is_refused_not_dropped(
    fuzzed: &Fuzzed,
    rt: &Runtime,
) {
    let now = fuzzed.app.now_unix();
    let timestamp =
        prop_oneof![Just(i64::MIN), (i64::MIN..i64::MIN + now),].prop_map(|t| t.to_string());
    signed_at_any_timestamp(fuzzed, rt, timestamp.boxed());
}

/// `add … start:`, `snooze` and `away` with dates across chrono's whole range, from the other
/// workspace's manager.
fn commands_naming_any_date_chrono_can_hold_are_answered_below_500(fuzzed: &Fuzzed, rt: &Runtime) {
    let own = fuzzed.other_prospect;
    run(
        ENDPOINT_CASES,
        (0u8..4, any_date_text(), any_date_or_span()),
        |(form, date, second)| {
            rt.block_on(async {
                // From the other workspace's manager about their own prospect: these may
                // write there, never in T0FAKE001.
                let text = match form {
                    0 => format!("add Fuzz Person start:{date}"),
                    1 => format!("snooze #{own} {date}"),
                    2 => format!("away {date} {second}"),
                    _ => "away off".to_string(),
                };
                let command = common::slack_requests::SlashCommand::new(&text)
                    .team_id(OTHER_TEAM)
                    .user_id(OTHER_MANAGER);
                let post = SignedPost::signed(
                    SECRET,
                    fuzzed.app.now_unix(),
                    COMMANDS_PATH,
                    FORM_CONTENT_TYPE,
                    command.form_body(),
                );
                let answer = fuzzed.post_signed(&post).await;
                fuzzed.check(&format!("`/followup {text}`"), answer).await
            })
        },
    );
}

/// Posts arbitrary bytes to any route, signed at `timestamp`: a complete answer below 500 (401
/// when stale), and nothing written.
fn signed_at_any_timestamp(
    fuzzed: &Fuzzed,
    rt: &Runtime,
    timestamp: proptest::strategy::BoxedStrategy<String>,
) {
    run(
        ENDPOINT_CASES,
        (any_path(), timestamp, any_bytes()),
        |(path, timestamp, body)| {
            rt.block_on(async {
                let signature = followup::slack::signature::sign(
                    &followup::slack::signature::SigningSecret::new(SECRET),
                    timestamp.trim(),
                    &body,
                );
                let response = fuzzed
                    .app
                    .http
                    .post(format!("{}{path}", fuzzed.app.base))
                    .header("Content-Type", FORM_CONTENT_TYPE)
                    .header("X-Slack-Request-Timestamp", timestamp.as_str())
                    .header("X-Slack-Signature", signature)
                    .body(body)
                    .send()
                    .await;
                let answer = match response {
                    Ok(r) => Ok(r.status().as_u16()),
                    Err(e) => Err(format!("no answer (did the handler panic?): {e}")),
                };
                fuzzed
                    .check(&format!("{path} signed at {timestamp:?}"), answer)
                    .await
            })
        },
    );
}
