//! Modals and Home tabs as Slack holds them: `views.open` (with a fresh `trigger_id`),
//! `views.push`, `views.update` and `views.publish`, and what a submission's answer does to them.

use serde_json::{json, Map, Value};

use super::web_api::{fail, ok};
use super::{json_field, str_field, Inner, StandIn, MAX_VIEW_BLOCKS, TRIGGER_LIFETIME};

/// Slack keeps at most 3 modals stacked.
const MAX_MODALS: usize = 3;

/// A modal or a Home tab, as Slack holds it after `views.open` / `views.publish`.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub id: String,
    pub hash: String,
    /// The view as Slack answers it: the app's view plus the fields Slack adds.
    pub json: Value,
    /// Problems shown under inputs (`response_action: errors`), by block id.
    pub errors: Map<String, Value>,
}

impl View {
    pub fn blocks(&self) -> &[Value] {
        self.json["blocks"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
    pub fn str_field(&self, field: &str) -> &str {
        self.json[field].as_str().unwrap_or_default()
    }
}

impl Inner {
    fn find_view_mut(&mut self, view_id: &str) -> Option<&mut View> {
        if let Some(view) = self
            .modals
            .values_mut()
            .flat_map(|stack| stack.iter_mut())
            .find(|v| v.id == view_id)
        {
            return Some(view);
        }
        self.homes.values_mut().find(|v| v.id == view_id)
    }
}

/// The view of a `views.*` call, when it is a modal Slack would take.
fn modal_of(body: &Value) -> Result<Value, Value> {
    let Some(view) = json_field(body, "view").filter(Value::is_object) else {
        return Err(fail("invalid_arguments"));
    };
    if str_field(&view, "type") != Some("modal") || view.get("title").is_none() {
        return Err(fail("invalid_arguments"));
    }
    if view["blocks"].as_array().map_or(0, Vec::len) > MAX_VIEW_BLOCKS {
        return Err(fail("invalid_arguments"));
    }
    Ok(view)
}

impl StandIn {
    /// The modal on top of `user`'s stack.
    pub fn modal(&self, user: &str) -> Option<View> {
        self.lock().modals.get(user).and_then(|s| s.last()).cloned()
    }

    pub fn home(&self, user: &str) -> Option<View> {
        self.lock().homes.get(user).cloned()
    }

    /// Closes `view_id` if it is `user`'s top modal; answers the view closed.
    pub fn close_modal(&self, user: &str, view_id: &str) -> Option<View> {
        let mut inner = self.lock();
        let stack = inner.modals.get_mut(user)?;
        if stack.last().map(|v| v.id.as_str()) != Some(view_id) {
            return None;
        }
        let closed = stack.pop();
        inner.version += 1;
        closed
    }

    /// Closes every modal of `user` (`response_action: clear`).
    pub fn clear_modals(&self, user: &str) {
        let mut inner = self.lock();
        inner.modals.remove(user);
        inner.version += 1;
    }

    /// Shows problems under a modal's inputs, as Slack does for `response_action: errors`.
    pub fn set_errors(&self, view_id: &str, errors: Map<String, Value>) {
        let mut inner = self.lock();
        if let Some(view) = inner.find_view_mut(view_id) {
            view.errors = errors;
        }
        inner.version += 1;
    }

    /// `response_action: update` (replace the top modal) or `push` (stack a new one).
    pub fn answer_view(&self, user: &str, view_id: &str, view: &Value, push: bool) {
        let mut inner = self.lock();
        let seq = inner.next();
        let id = if push {
            format!("V0VIEW{seq:06}")
        } else {
            view_id.to_string()
        };
        let new = self.stateful(view, "modal", id, seq);
        let stack = inner.modals.entry(user.to_string()).or_default();
        match (push, stack.last_mut()) {
            (false, Some(top)) if top.id == view_id => *top = new,
            _ => stack.push(new),
        }
        inner.version += 1;
    }

    /// A view as Slack returns it from `views.*`: the app's view plus the state Slack adds.
    fn stateful(&self, requested: &Value, default_type: &str, id: String, seq: u64) -> View {
        let ws = &self.workspace;
        let view_type = str_field(requested, "type")
            .unwrap_or(default_type)
            .to_string();
        let text_of = |field: &str| str_field(requested, field).unwrap_or_default().to_string();
        let blocks = match requested.get("blocks") {
            Some(Value::Array(blocks)) => self.named(blocks.clone(), seq),
            _ => Vec::new(),
        };
        let hash = format!("{}.{seq:08x}", (self.clock)());
        let mut json = json!({
            "id": id,
            "team_id": ws.team_id,
            "type": view_type,
            "blocks": blocks,
            "private_metadata": text_of("private_metadata"),
            "callback_id": text_of("callback_id"),
            "external_id": text_of("external_id"),
            "state": {"values": {}},
            "hash": hash,
            "clear_on_close": requested.get("clear_on_close").cloned().unwrap_or(json!(false)),
            "notify_on_close": requested.get("notify_on_close").cloned().unwrap_or(json!(false)),
            "previous_view_id": null,
            "root_view_id": id,
            "app_id": ws.app_id,
            "app_installed_team_id": ws.team_id,
            "bot_id": ws.bot_id,
        });
        if view_type == "modal" {
            json["title"] = requested
                .get("title")
                .cloned()
                .unwrap_or_else(|| json!({"type": "plain_text", "text": ws.bot_user_name}));
            for field in ["close", "submit"] {
                json[field] = requested.get(field).cloned().unwrap_or(Value::Null);
            }
        }
        View {
            id,
            hash,
            json,
            errors: Map::new(),
        }
    }

    pub(crate) fn open_view(&self, body: &Value, push: bool) -> Value {
        let view = match modal_of(body) {
            Ok(view) => view,
            Err(refusal) => return refusal,
        };
        let Some(trigger_id) = str_field(body, "trigger_id") else {
            return fail("invalid_trigger_id");
        };
        let mut inner = self.lock();
        let seq = inner.next();
        let new = self.stateful(&view, "modal", format!("V0VIEW{seq:06}"), seq);
        let answer = ok(json!({"view": new.json}));
        let user = match inner.triggers.remove(trigger_id) {
            // A trigger the test made up: the modal opens, for no one the stand-in knows.
            None if self.trusting() => return answer,
            None => return fail("invalid_trigger_id"),
            Some(t) if t.issued.elapsed() > TRIGGER_LIFETIME => {
                return fail("expired_trigger_id");
            }
            Some(t) => t.user,
        };
        let stack = inner.modals.entry(user).or_default();
        if push {
            if stack.len() >= MAX_MODALS {
                return fail("push_limit_reached");
            }
            stack.push(new);
        } else {
            *stack = vec![new];
        }
        inner.version += 1;
        answer
    }

    pub(crate) fn update_view(&self, body: &Value) -> Value {
        let Some(view) = json_field(body, "view").filter(Value::is_object) else {
            return fail("invalid_arguments");
        };
        let wanted_id = str_field(body, "view_id");
        let external = str_field(body, "external_id");
        let hash = str_field(body, "hash");
        let mut inner = self.lock();
        let seq = inner.next();
        let found = inner
            .modals
            .values_mut()
            .flat_map(|s| s.iter_mut())
            .find(|v| {
                wanted_id.is_some_and(|id| v.id == id)
                    || external.is_some_and(|x| !x.is_empty() && v.str_field("external_id") == x)
            });
        let Some(current) = found else {
            if self.trusting() {
                let id = wanted_id.map_or_else(|| format!("V0VIEW{seq:06}"), str::to_string);
                return ok(json!({"view": self.stateful(&view, "modal", id, seq).json}));
            }
            return fail("not_found");
        };
        if hash.is_some_and(|h| h != current.hash) {
            return fail("hash_conflict");
        }
        let new = self.stateful(&view, "modal", current.id.clone(), seq);
        *current = new.clone();
        inner.version += 1;
        ok(json!({"view": new.json}))
    }

    pub(crate) fn publish_home(&self, body: &Value) -> Value {
        let mut inner = self.lock();
        let Some(user) = str_field(body, "user_id").and_then(|u| self.member(&mut inner, u)) else {
            return fail("user_not_found");
        };
        let Some(view) = json_field(body, "view").filter(Value::is_object) else {
            return fail("invalid_arguments");
        };
        if str_field(&view, "type") != Some("home") {
            return fail("invalid_arguments");
        }
        if view["blocks"].as_array().map_or(0, Vec::len) > MAX_VIEW_BLOCKS {
            return fail("invalid_arguments");
        }
        let seq = inner.next();
        let id = inner
            .homes
            .get(&user.id)
            .map(|v| v.id.clone())
            .unwrap_or_else(|| format!("V0HOME{seq:06}"));
        let home = self.stateful(&view, "home", id, seq);
        let answer = ok(json!({"view": home.json}));
        inner.homes.insert(user.id, home);
        inner.version += 1;
        answer
    }
}
