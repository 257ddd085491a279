//! Block Kit as plain HTML for the demo page: sections, fields, headers, context, dividers,
//! actions with buttons, selects and overflow menus, and modal inputs. What it does not know is
//! shown as `[cannot render block type X]`, never dropped silently. Every text is HTML-escaped
//! before any markup is added, so a prospect named `<script>` stays text.

use serde_json::{Map, Value};

use super::team;

/// `&`, `<`, `>`, `"` and `'` as HTML entities.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Slack's three entities back to characters (`&amp;` `&lt;` `&gt;`).
fn unescape_slack(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A text object (`plain_text` or `mrkdwn`) as HTML.
pub fn text_object(text: &Value) -> String {
    let raw = text.get("text").and_then(Value::as_str).unwrap_or_default();
    match text.get("type").and_then(Value::as_str) {
        Some("mrkdwn") => mrkdwn(raw),
        _ => escape(raw).replace('\n', "<br>"),
    }
}

/// Slack mrkdwn as HTML: `*bold*`, `_italic_`, `~strike~`, `` `code` ``, ```` ``` ```` blocks,
/// `>` quotes, `<url|label>` links, `<@U…>` mentions and `<!here>`-style specials.
pub fn mrkdwn(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split("```").enumerate() {
        if i % 2 == 1 {
            out.push_str("<pre>");
            out.push_str(&escape(&unescape_slack(part.trim_matches('\n'))));
            out.push_str("</pre>");
            continue;
        }
        let mut first = true;
        for line in part.split('\n') {
            if let Some(quoted) = line.strip_prefix('>') {
                out.push_str("<blockquote>");
                out.push_str(&inline(quoted));
                out.push_str("</blockquote>");
                first = true;
                continue;
            }
            if !first {
                out.push_str("<br>");
            }
            out.push_str(&inline(line));
            first = false;
        }
    }
    out
}

/// Private-use characters stand for finished HTML while the text around them is formatted.
const PLACEHOLDER: u32 = 0xE000;

fn placeholder(index: usize) -> Option<char> {
    u32::try_from(index)
        .ok()
        .and_then(|i| char::from_u32(PLACEHOLDER + i.min(0x17FF)))
}

/// One line of mrkdwn (no block quotes, no code blocks).
fn inline(line: &str) -> String {
    let mut pieces: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut rest = line;
    // Control sequences `<…>` and code spans become finished HTML first.
    while let Some(c) = rest.chars().next() {
        let token_end = match c {
            '<' => rest.find('>'),
            '`' => rest[1..].find('`').map(|i| i + 1),
            _ => None,
        };
        match token_end {
            Some(end) if end > 1 || c == '<' => {
                let inner = &rest[1..end];
                let html = if c == '<' {
                    control(inner)
                } else {
                    format!("<code>{}</code>", escape(&unescape_slack(inner)))
                };
                match placeholder(pieces.len()) {
                    Some(mark) => {
                        pieces.push(html);
                        text.push(mark);
                    }
                    None => text.push_str(inner),
                }
                rest = &rest[end + 1..];
            }
            _ => {
                text.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    let formatted = emphasis(&escape(&unescape_slack(&text)));
    formatted
        .chars()
        .map(|c| {
            let index = (c as u32).checked_sub(PLACEHOLDER).map(|i| i as usize);
            match index.and_then(|i| pieces.get(i)) {
                Some(html) => html.clone(),
                None => c.to_string(),
            }
        })
        .collect()
}

/// `<…>`: a link, a mention or a special, as Slack shows it.
fn control(inner: &str) -> String {
    let (target, label) = match inner.split_once('|') {
        Some((t, l)) => (t, Some(l)),
        None => (inner, None),
    };
    if let Some(user) = target.strip_prefix('@') {
        let name = team::user(user)
            .map(|u| u.handle.to_string())
            .or_else(|| label.map(str::to_string))
            .unwrap_or_else(|| user.to_string());
        return format!("<span class=\"mention\">@{}</span>", escape(&name));
    }
    if let Some(channel) = target.strip_prefix('#') {
        let name = label.unwrap_or(channel);
        return format!("<span class=\"mention\">#{}</span>", escape(name));
    }
    if let Some(special) = target.strip_prefix('!') {
        let name = match label {
            Some(l) => l.to_string(),
            None => format!("@{}", special.split('^').next().unwrap_or(special)),
        };
        return format!(
            "<span class=\"mention\">{}</span>",
            escape(&unescape_slack(&name))
        );
    }
    let url = unescape_slack(target);
    let shown = escape(&unescape_slack(label.unwrap_or(target)));
    let safe = ["https://", "http://", "mailto:", "tel:"]
        .iter()
        .any(|scheme| url.to_ascii_lowercase().starts_with(scheme));
    if safe {
        format!(
            "<a href=\"{}\" target=\"_blank\" rel=\"noopener noreferrer\">{shown}</a>",
            escape(&url)
        )
    } else {
        shown
    }
}

fn opens(prev: Option<char>) -> bool {
    prev.is_none_or(|p| p.is_whitespace() || "([{\"'‘“;:,.!?-/*_~".contains(p))
}

fn closes(next: Option<char>) -> bool {
    next.is_none_or(|n| n.is_whitespace() || ".,;:!?)]}\"'’”-/…&*_~".contains(n))
}

fn tag_of(mark: char) -> Option<&'static str> {
    match mark {
        '*' => Some("b"),
        '_' => Some("i"),
        '~' => Some("s"),
        _ => None,
    }
}

/// `*bold*`, `_italic_` and `~strike~` on escaped text, paired the way Slack pairs them: a mark
/// opens after a space or punctuation and before a non-space, and closes in the mirror position.
fn emphasis(escaped: &str) -> String {
    let chars: Vec<char> = escaped.chars().collect();
    emphasize(&chars, None)
}

fn emphasize(chars: &[char], before: Option<char>) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let Some(tag) = tag_of(c) {
            let prev = if i == 0 { before } else { Some(chars[i - 1]) };
            let next = chars.get(i + 1).copied();
            if opens(prev) && next.is_some_and(|n| !n.is_whitespace() && n != c) {
                let close = (i + 2..chars.len()).find(|&j| {
                    chars[j] == c
                        && !chars[j - 1].is_whitespace()
                        && closes(chars.get(j + 1).copied())
                });
                if let Some(j) = close {
                    out.push_str(&format!(
                        "<{tag}>{}</{tag}>",
                        emphasize(&chars[i + 1..j], Some(c))
                    ));
                    i = j + 1;
                    continue;
                }
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Where a clicked element lives: a message (`m:<id>`), the Home tab (`home`) or the modal.
pub fn data_attrs(source: &str, block_id: &str, action_id: &str) -> String {
    format!(
        "data-src=\"{}\" data-block=\"{}\" data-action=\"{}\"",
        escape(source),
        escape(block_id),
        escape(action_id)
    )
}

fn cannot(kind: &str, name: &str) -> String {
    format!(
        "<div class=\"cannot\">[cannot render {kind} type {}]</div>",
        escape(name)
    )
}

fn str_of<'a>(v: &'a Value, field: &str) -> &'a str {
    v.get(field).and_then(Value::as_str).unwrap_or_default()
}

/// Blocks as HTML. `source` names where they live (for clicks); `errors` are a modal's
/// problems by block id.
pub fn blocks(blocks: &[Value], source: &str, errors: Option<&Map<String, Value>>) -> String {
    blocks
        .iter()
        .map(|b| block(b, source, errors))
        .collect::<Vec<_>>()
        .join("\n")
}

fn block(b: &Value, source: &str, errors: Option<&Map<String, Value>>) -> String {
    let block_id = str_of(b, "block_id");
    let kind = str_of(b, "type");
    match kind {
        "section" => {
            let mut html = String::from("<div class=\"bk-section\">");
            html.push_str("<div class=\"bk-section-main\">");
            if let Some(text) = b.get("text") {
                html.push_str(&format!(
                    "<div class=\"bk-text\">{}</div>",
                    text_object(text)
                ));
            }
            if let Some(fields) = b.get("fields").and_then(Value::as_array) {
                html.push_str("<div class=\"bk-fields\">");
                for field in fields {
                    html.push_str(&format!("<div>{}</div>", text_object(field)));
                }
                html.push_str("</div>");
            }
            html.push_str("</div>");
            if let Some(accessory) = b.get("accessory") {
                html.push_str(&format!(
                    "<div class=\"bk-accessory\">{}</div>",
                    element(accessory, source, block_id)
                ));
            }
            html.push_str("</div>");
            html
        }
        "header" => format!(
            "<h3 class=\"bk-header\">{}</h3>",
            b.get("text").map(text_object).unwrap_or_default()
        ),
        "divider" => "<hr class=\"bk-divider\">".to_string(),
        "context" => {
            let parts: Vec<String> = b
                .get("elements")
                .and_then(Value::as_array)
                .map(|els| {
                    els.iter()
                        .map(|e| match str_of(e, "type") {
                            "mrkdwn" | "plain_text" => format!("<span>{}</span>", text_object(e)),
                            "image" => format!(
                                "<span class=\"cannot\">[image: {}]</span>",
                                escape(str_of(e, "alt_text"))
                            ),
                            other => cannot("element", other),
                        })
                        .collect()
                })
                .unwrap_or_default();
            format!("<div class=\"bk-context\">{}</div>", parts.join(" "))
        }
        "actions" => {
            let parts: Vec<String> = b
                .get("elements")
                .and_then(Value::as_array)
                .map(|els| els.iter().map(|e| element(e, source, block_id)).collect())
                .unwrap_or_default();
            format!("<div class=\"bk-actions\">{}</div>", parts.join(""))
        }
        "input" => input(b, errors),
        other => cannot("block", if other.is_empty() { "(none)" } else { other }),
    }
}

fn options_of(element: &Value) -> Vec<&Value> {
    let mut options: Vec<&Value> = element
        .get("options")
        .and_then(Value::as_array)
        .map(|o| o.iter().collect())
        .unwrap_or_default();
    if let Some(groups) = element.get("option_groups").and_then(Value::as_array) {
        for group in groups {
            if let Some(more) = group.get("options").and_then(Value::as_array) {
                options.extend(more.iter());
            }
        }
    }
    options
}

fn option_tags(element: &Value, selected: Option<&str>) -> String {
    options_of(element)
        .iter()
        .map(|o| {
            let value = str_of(o, "value");
            let label = o.get("text").map(|t| str_of(t, "text")).unwrap_or_default();
            let chosen = if selected == Some(value) {
                " selected"
            } else {
                ""
            };
            format!(
                "<option value=\"{}\"{chosen}>{}</option>",
                escape(value),
                escape(label)
            )
        })
        .collect()
}

/// An interactive element of a message or the Home tab.
fn element(e: &Value, source: &str, block_id: &str) -> String {
    let action_id = str_of(e, "action_id");
    let attrs = data_attrs(source, block_id, action_id);
    match str_of(e, "type") {
        "button" => {
            let style = match str_of(e, "style") {
                "primary" => " primary",
                "danger" => " danger",
                _ => "",
            };
            format!(
                "<button type=\"button\" class=\"bk-button{style}\" {attrs}>{}</button>",
                e.get("text").map(text_object).unwrap_or_default()
            )
        }
        kind @ ("static_select" | "overflow") => {
            let placeholder = if kind == "overflow" {
                "⋯".to_string()
            } else {
                e.get("placeholder")
                    .map(|p| escape(str_of(p, "text")))
                    .unwrap_or_else(|| "Select…".into())
            };
            format!(
                "<select class=\"bk-select {kind}\" {attrs}><option value=\"\" selected disabled>{placeholder}</option>{}</select>",
                option_tags(e, None)
            )
        }
        "image" => format!(
            "<span class=\"cannot\">[image: {}]</span>",
            escape(str_of(e, "alt_text"))
        ),
        other => cannot("element", other),
    }
}

/// A modal input: its label, field, hint, and the app's error for it.
fn input(b: &Value, errors: Option<&Map<String, Value>>) -> String {
    let block_id = str_of(b, "block_id");
    let e = b.get("element").cloned().unwrap_or(Value::Null);
    let label = b
        .get("label")
        .map(|l| escape(str_of(l, "text")))
        .unwrap_or_default();
    let optional = b.get("optional").and_then(Value::as_bool).unwrap_or(false);
    let id = format!("in-{}", escape(block_id));
    let placeholder = e
        .get("placeholder")
        .map(|p| escape(str_of(p, "text")))
        .unwrap_or_default();
    let name = format!(
        "id=\"{id}\" data-input-block=\"{}\" placeholder=\"{placeholder}\"",
        escape(block_id)
    );
    let initial = escape(str_of(&e, "initial_value"));
    let field = match str_of(&e, "type") {
        "plain_text_input" if e.get("multiline").and_then(Value::as_bool) == Some(true) => {
            format!("<textarea {name} rows=\"3\">{initial}</textarea>")
        }
        "plain_text_input" => format!("<input type=\"text\" {name} value=\"{initial}\">"),
        "email_text_input" => format!("<input type=\"email\" {name} value=\"{initial}\">"),
        "url_text_input" => format!("<input type=\"url\" {name} value=\"{initial}\">"),
        "number_input" => {
            format!("<input type=\"number\" step=\"any\" {name} value=\"{initial}\">")
        }
        "datepicker" => format!(
            "<input type=\"date\" {name} value=\"{}\">",
            escape(str_of(&e, "initial_date"))
        ),
        "static_select" => {
            let selected = e
                .get("initial_option")
                .and_then(|o| o.get("value"))
                .and_then(Value::as_str);
            let empty = if selected.is_some() { "" } else { " selected" };
            format!(
                "<select {name}><option value=\"\"{empty}>{placeholder}</option>{}</select>",
                option_tags(&e, selected)
            )
        }
        other => cannot("element", other),
    };
    let hint = b
        .get("hint")
        .map(|h| format!("<div class=\"bk-hint\">{}</div>", escape(str_of(h, "text"))))
        .unwrap_or_default();
    let error = errors
        .and_then(|errs| errs.get(block_id))
        .and_then(Value::as_str)
        .map(|msg| format!("<div class=\"bk-error\">{}</div>", escape(msg)))
        .unwrap_or_default();
    let optional = if optional {
        " <span class=\"optional\">(optional)</span>"
    } else {
        ""
    };
    format!(
        "<div class=\"bk-input\"><label for=\"{id}\">{label}{optional}</label>{field}{hint}{error}</div>"
    )
}
