//! Block Kit as plain HTML for the demo page: sections, fields, headers, context, dividers,
//! actions with buttons, selects and overflow menus, and modal inputs. What it does not know is
//! shown as `[cannot render block type X]`, never dropped silently. Every text is HTML-escaped
//! before any markup is added, so a prospect named `<script>` stays text.

use serde_json::{Map, Value};

pub use super::mrkdwn::{escape, mrkdwn};

/// A text object (`plain_text` or `mrkdwn`) as HTML.
pub fn text_object(text: &Value) -> String {
    let raw = text.get("text").and_then(Value::as_str).unwrap_or_default();
    match text.get("type").and_then(Value::as_str) {
        Some("mrkdwn") => mrkdwn(raw),
        _ => escape(raw).replace('\n', "<br>"),
    }
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
        "rich_text" => rich_text(b),
        other => cannot("block", if other.is_empty() { "(none)" } else { other }),
    }
}

/// A `rich_text` block: its text exactly as stored (no markup is read in it), bold and italic
/// styles, links, and quotes.
fn rich_text(b: &Value) -> String {
    let mut html =
        String::from("<div class=\"bk-section bk-rich\"><div class=\"bk-section-main\">");
    for part in b
        .get("elements")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let mut inner = String::new();
        for e in part
            .get("elements")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let text = escape(str_of(e, "text")).replace('\n', "<br>");
            let piece = match str_of(e, "type") {
                "text" => text,
                "link" => {
                    let url = str_of(e, "url");
                    let shown = if text.is_empty() { escape(url) } else { text };
                    format!(
                        "<a href=\"{}\" target=\"_blank\" rel=\"noopener noreferrer\">{shown}</a>",
                        escape(url)
                    )
                }
                other => cannot("rich text element", other),
            };
            let style = e.get("style");
            let bold = style.and_then(|s| s.get("bold")).and_then(Value::as_bool) == Some(true);
            let italic = style.and_then(|s| s.get("italic")).and_then(Value::as_bool) == Some(true);
            let piece = if bold {
                format!("<b>{piece}</b>")
            } else {
                piece
            };
            let piece = if italic {
                format!("<i>{piece}</i>")
            } else {
                piece
            };
            inner.push_str(&piece);
        }
        match str_of(part, "type") {
            "rich_text_section" => html.push_str(&format!("<div class=\"bk-text\">{inner}</div>")),
            "rich_text_quote" => html.push_str(&format!("<blockquote>{inner}</blockquote>")),
            "rich_text_preformatted" => html.push_str(&format!("<pre>{inner}</pre>")),
            other => html.push_str(&cannot("rich text part", other)),
        }
    }
    html.push_str("</div></div>");
    html
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
