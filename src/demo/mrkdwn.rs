//! Slack's mrkdwn as HTML for the demo page, escaped first: markup is only ever added around
//! text that is already inert, so a prospect named `<script>` stays text.

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
pub(super) fn unescape_slack(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
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
