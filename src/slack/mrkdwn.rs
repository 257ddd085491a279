//! Text from people made inert before it goes into Slack's mrkdwn.

/// Escapes `&`, `<`, `>` (so `<!channel>` and `<@U123>` cannot ping) and neutralises the
/// formatting characters, so a name like `*bold*` shows as typed.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // Zero-width spaces around a formatting mark stop Slack pairing it; the text looks the same.
            '*' | '_' | '~' | '`' => {
                out.push('\u{200B}');
                out.push(c);
                out.push('\u{200B}');
            }
            _ => out.push(c),
        }
    }
    out
}

/// Escapes only `&`, `<` and `>`: for our own sentences that quote what a person typed, so
/// nothing can ping anyone while our formatting still works.
pub fn escape_entities(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Text cut to at most `max` characters, with an ellipsis when cut.
pub fn truncate(text: &str, max: usize) -> String {
    // No more bytes than `max` means no more characters either: skip counting them.
    if text.len() <= max || text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}
