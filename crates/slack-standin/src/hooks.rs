//! `response_url`: where the app answers a command or a click after acknowledging it. Each post
//! replaces or deletes the message it came from, or adds a new one, as Slack's do.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::{dm_channel, json_field, str_field, Author, Entry, StandIn};

/// A `response_url` takes 5 posts within 30 minutes.
pub const HOOK_USES: u32 = 5;
pub const HOOK_LIFETIME: Duration = Duration::from_secs(30 * 60);

pub(crate) struct Hook {
    user: String,
    /// The message a `replace_original` / `delete_original` changes.
    original: Option<u64>,
    uses: u32,
    issued: Instant,
}

/// Why a `response_url` post was refused: the HTTP status and Slack's short reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HookRefusal {
    pub status: u16,
    pub reason: &'static str,
}

const EXPIRED: HookRefusal = HookRefusal {
    status: 404,
    reason: "expired_url",
};

fn flag(body: &Value, name: &str) -> bool {
    match body.get(name) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => false,
    }
}

impl StandIn {
    /// A fresh `response_url` for `user`, changing `original` when the app replaces or deletes it.
    pub fn new_hook(&self, user: &str, original: Option<u64>) -> String {
        let mut inner = self.lock();
        let seq = inner.next();
        let id = format!(
            "{}{:08x}",
            self.workspace.team_id,
            u128::from(seq).wrapping_mul(0x2545_f491)
        );
        inner
            .hooks
            .retain(|_, h| h.issued.elapsed() < HOOK_LIFETIME);
        inner.hooks.insert(
            id.clone(),
            Hook {
                user: user.to_string(),
                original,
                uses: 0,
                issued: Instant::now(),
            },
        );
        self.hook_url(&id)
    }

    /// Ties a command's `response_url` to the reply it got, once there is one.
    pub fn bind_hook(&self, url: &str, original: u64) {
        let Some(id) = url.rsplit('/').next() else {
            return;
        };
        if let Some(hook) = self.lock().hooks.get_mut(id) {
            hook.original = Some(original);
        }
    }

    /// A post to a `response_url`: replace or delete the original, or add a new message. A
    /// trusting stand-in takes any JSON posted to a hook it never issued, and keeps nothing of it.
    pub fn hook(&self, id: &str, body: &Value) -> Result<(), HookRefusal> {
        let mut inner = self.lock();
        let seq = inner.next();
        let known = match inner.hooks.get_mut(id) {
            None if self.trusting() => None,
            None => return Err(EXPIRED),
            Some(hook) if hook.issued.elapsed() > HOOK_LIFETIME => return Err(EXPIRED),
            Some(hook) if hook.uses >= HOOK_USES => {
                return Err(HookRefusal {
                    status: 404,
                    reason: "used_url",
                })
            }
            Some(hook) => {
                hook.uses += 1;
                Some((hook.user.clone(), hook.original))
            }
        };
        let text = str_field(body, "text").map(str::to_string);
        let blocks = match json_field(body, "blocks") {
            Some(Value::Array(blocks)) => Some(self.named(blocks, seq)),
            _ => None,
        };
        let Some((user, original)) = known else {
            return Ok(());
        };
        let deletes = flag(body, "delete_original");
        if !deletes && text.is_none() && blocks.is_none() {
            return Err(HookRefusal {
                status: 400,
                reason: "no_text",
            });
        }
        if deletes {
            if let Some(original) = original {
                inner.remove_entry(original);
            }
            inner.version += 1;
            inner.log(
                false,
                "app → Slack: response_url, delete the original".into(),
            );
            return Ok(());
        }
        if flag(body, "replace_original") {
            if let Some(entry) = original.and_then(|id| inner.entry_mut(id)) {
                entry.text = text.unwrap_or_default();
                entry.blocks = blocks.unwrap_or_default();
                entry.edited = true;
                inner.version += 1;
                inner.log(
                    false,
                    "app → Slack: response_url, replace the original".into(),
                );
                return Ok(());
            }
        }
        let author = match str_field(body, "response_type") {
            Some("in_channel") => Author::App,
            _ => Author::AppEphemeral,
        };
        let ts = self.ts(&mut inner);
        inner.push_entry(Entry {
            id: 0,
            channel: dm_channel(&user),
            user,
            author,
            ts,
            text: text.unwrap_or_default(),
            blocks: blocks.unwrap_or_default(),
            edited: false,
        });
        inner.log(false, "app → Slack: response_url, a new message".into());
        Ok(())
    }
}
