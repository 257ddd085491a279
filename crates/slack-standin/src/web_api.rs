//! The Web API methods a Slack app calls, answered in Slack's shapes (with every field
//! slack-morphism needs to read them), and Slack's error codes where Slack would give one.
//! Messages are in `messages`, views in `views`.

use serde_json::{json, Value};

use super::{dm_channel, str_field, StandIn, Strictness};

pub(crate) fn ok(fields: Value) -> Value {
    let mut out = json!({"ok": true});
    if let (Some(out), Value::Object(fields)) = (out.as_object_mut(), fields) {
        out.extend(fields);
    }
    out
}

pub(crate) fn fail(code: &str) -> Value {
    json!({"ok": false, "error": code})
}

/// Methods that take no bearer token: `oauth.v2.access` authenticates the app by its client
/// id and secret.
const WITHOUT_TOKEN: &[&str] = &["oauth.v2.access"];

impl StandIn {
    /// Answers one Web API call as Slack would. `authorization` is the request's header; it is
    /// checked only when the stand-in was given a token ([`StandIn::with_token`]).
    pub fn call(&self, method: &str, authorization: Option<&str>, body: &Value) -> Value {
        let token = authorization.and_then(|a| a.strip_prefix("Bearer "));
        let answer = match (&self.token, token) {
            _ if WITHOUT_TOKEN.contains(&method) => self.method(method, body),
            (None, _) => self.method(method, body),
            (Some(_), None) => fail("not_authed"),
            (Some(expected), Some(t)) if t != expected => fail("invalid_auth"),
            (Some(_), Some(_)) => self.method(method, body),
        };
        let outcome = match answer["error"].as_str() {
            Some(code) => format!(" → error `{code}`"),
            None => String::new(),
        };
        let about = ["channel", "user", "users", "user_id", "view_id"]
            .iter()
            .find_map(|f| str_field(body, f))
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        self.log(false, format!("app → Slack: {method}{about}{outcome}"));
        answer
    }

    fn method(&self, method: &str, body: &Value) -> Value {
        let ws = &self.workspace;
        match method {
            "auth.test" => ok(json!({
                "url": format!("https://{}.slack.com/", ws.team_domain),
                "team": ws.team_name,
                "user": ws.bot_user_name,
                "team_id": ws.team_id,
                "user_id": ws.bot_user_id,
                "bot_id": ws.bot_id,
                "is_enterprise_install": false,
            })),
            "users.info" => self.users_info(body),
            "conversations.open" => self.open_conversation(body),
            "chat.postMessage" => self.post_message(body),
            "chat.postEphemeral" => self.post_ephemeral(body),
            "chat.update" => self.update_message(body),
            "chat.delete" => self.delete_message(body),
            "views.open" | "views.push" => self.open_view(body, method == "views.push"),
            "views.update" => self.update_view(body),
            "views.publish" => self.publish_home(body),
            "oauth.v2.access" => self.grant_token(body),
            "auth.revoke" => ok(json!({"revoked": true})),
            "apps.connections.open" => {
                // A one-time Socket Mode URL on this stand-in's own address, which serves no
                // socket: an app that connects fails here, never on the internet.
                let seq = self.lock().next();
                let base = self.base_url.replacen("http", "ws", 1);
                ok(json!({"url": format!("{base}/link/?ticket={seq:016x}&app_id={}", ws.app_id)}))
            }
            _ if ws.strictness == Strictness::Trusting => ok(json!({})),
            _ => fail("unknown_method"),
        }
    }

    fn users_info(&self, body: &Value) -> Value {
        let Some(id) = str_field(body, "user") else {
            return fail("user_not_found");
        };
        let mut inner = self.lock();
        if let Some(user) = inner.user_json.get(id) {
            return ok(json!({"user": user}));
        }
        match self.member(&mut inner, id) {
            Some(m) => ok(json!({"user": m.to_json(&self.workspace.team_id)})),
            None => fail("user_not_found"),
        }
    }

    /// The DM with the first of `users` (a comma-separated string, or as slack-morphism sends
    /// it, an array), or the `channel` asked for.
    fn open_conversation(&self, body: &Value) -> Value {
        if let Some(channel) = str_field(body, "channel") {
            return ok(json!({"channel": {"id": channel}}));
        }
        let first_user = match body.get("users") {
            Some(Value::String(users)) => users.split(',').next().map(|u| u.trim().to_string()),
            Some(Value::Array(users)) => users.first().and_then(Value::as_str).map(str::to_string),
            _ => None,
        };
        let Some(user) = first_user.filter(|u| !u.is_empty()) else {
            return fail("users_list_not_supplied");
        };
        let mut inner = self.lock();
        match self.member(&mut inner, &user) {
            Some(m) => ok(json!({"channel": {"id": dm_channel(&m.id)}})),
            None => fail("user_not_found"),
        }
    }

    /// An install: a fresh bot token for this workspace, whatever `code` the app brings.
    fn grant_token(&self, body: &Value) -> Value {
        if str_field(body, "code").is_none_or(str::is_empty) {
            return fail("invalid_code");
        }
        let ws = &self.workspace;
        let seq = self.lock().next();
        let installer = ws.members.first().map_or(&ws.bot_user_id, |m| &m.id);
        ok(json!({
            "access_token": format!("xoxb-{}-{seq:012}", ws.team_id),
            "token_type": "bot",
            "scope": ws.bot_scopes,
            "bot_user_id": ws.bot_user_id,
            "app_id": ws.app_id,
            "team": {"id": ws.team_id, "name": ws.team_name},
            "enterprise": null,
            "is_enterprise_install": false,
            "authed_user": {"id": installer},
        }))
    }
}
