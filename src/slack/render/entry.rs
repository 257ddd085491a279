//! One prospect in an agenda (digest, `due`, Home), drawn so the rep can act without another
//! command: the phone as a `tel:` link, the email as a `mailto:` link with the suggested message
//! already in it, the LinkedIn profile, the preferred channel and the last touch's note.
//!
//! The entry is a `rich_text` block: its text elements are shown exactly as stored — Slack reads
//! no markup in them — so a name, an address or a message copied out of Slack is what the rep
//! typed, with no escape characters or invisible spaces around `_`, `*` or `~`.

use chrono::NaiveDate;

use crate::domain::dates::short_date;
use crate::domain::due::{Detail, DueTouch};
use crate::domain::{Channel, ProspectId};

use crate::slack::blocks::Block;
pub use crate::slack::blocks::{
    quote_part, rich as text, rich_bold as bold, rich_italic as italic, rich_link as link,
    rich_text, section_part,
};

/// A `mailto:` link whose body would make it longer than this carries the subject only.
const MAX_MAILTO: usize = 1800;

/// Percent-encoding for a URI component: everything but RFC 3986's unreserved characters.
fn encode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() * 3);
    for byte in raw.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(byte as char)
            }
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(HEX[usize::from(byte >> 4)] as char);
                out.push(HEX[usize::from(byte & 0xF)] as char);
            }
        }
    }
    out
}

/// `mailto:` with the subject and, when it fits, the body filled in.
pub fn mailto(address: &str, subject: &str, body: &str) -> String {
    let base = format!("mailto:{address}?subject={}", encode(subject));
    let full = format!("{base}&body={}", encode(body));
    if full.len() <= MAX_MAILTO {
        full
    } else {
        base
    }
}

/// `tel:` with the number in the form phones dial: `+` and digits.
pub fn tel(phone: &str) -> String {
    let digits: String = phone
        .split(|c: char| c.is_ascii_alphabetic())
        .next()
        .unwrap_or(phone)
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

/// The subject an email touch is opened with.
pub fn subject(t: &DueTouch) -> String {
    if let Some(own) = t.step_subject(t.touch.due_on) {
        return own;
    }
    match &t.prospect.company {
        Some(company) => format!("{company} — following up"),
        None => "Following up".to_string(),
    }
}

fn prefers_label(channel: Channel) -> &'static str {
    match channel {
        Channel::Call => "prefers a call",
        Channel::Email => "prefers email",
        Channel::LinkedIn => "prefers LinkedIn",
        Channel::Text => "prefers a text",
        _ => "",
    }
}

/// The entry's `rich_text` block: who, which step and how late, the ways to reach them, the
/// suggested message as a quote, and the last contact with its note.
pub fn entry(t: &DueTouch, today: NaiveDate, message: &str) -> Block {
    let p = &t.prospect;
    let mut head = vec![bold(&p.name)];
    if let Some(company) = &p.company {
        head.push(text(&format!(" · {company}")));
    }
    head.push(text(" · "));
    head.push(bold(&format!("#{}", p.id)));
    let channels = if t.touch.is_extra() {
        t.touch
            .channel
            .map(|c| c.label().to_string())
            .unwrap_or_else(|| "any channel".into())
    } else {
        t.channels()
    };
    let mut step = format!("\n{} · {channels}{}", t.touch.position(), t.variant_label());
    match t.days_late(today) {
        0 => {}
        1 => step.push_str(" · ⏰ 1 day late"),
        n => step.push_str(&format!(" · ⏰ {n} days late")),
    }
    match t.behind {
        0 => {}
        1 => step.push_str(" · 1 more touch behind"),
        n => step.push_str(&format!(" · {n} more touches behind")),
    }
    if let Some(label) = p.prefers.map(prefers_label).filter(|l| !l.is_empty()) {
        step.push_str(&format!(" · {label}"));
    }
    head.push(text(&step));

    let mut reach = Vec::new();
    if let Some(phone) = &p.phone {
        reach.push(text("📞 "));
        let dial = p
            .phone_e164
            .as_deref()
            .map(|e164| format!("tel:{e164}"))
            .unwrap_or_else(|| tel(phone));
        reach.push(link(&dial, phone));
    }
    if let Some(email) = &p.email {
        if !reach.is_empty() {
            reach.push(text("   "));
        }
        reach.push(text("✉️ "));
        reach.push(link(&mailto(email, &subject(t), message), email));
    }
    if let Some(url) = &p.linkedin {
        if !reach.is_empty() {
            reach.push(text("   "));
        }
        reach.push(text("🔗 "));
        let href = if url.starts_with("http") {
            url.clone()
        } else {
            format!("https://{url}")
        };
        reach.push(link(&href, url));
    }
    let missing = t.missing_details();
    if !missing.is_empty() {
        if !reach.is_empty() {
            reach.push(text("\n"));
        }
        reach.push(text(&missing_hint(p.id, &missing)));
    }

    let last = match p.last_contact_at {
        Some(at) => format!(
            "last contact {}{}",
            short_date(at.date_naive()),
            p.last_channel
                .map(|c| format!(" by {}", c.label()))
                .unwrap_or_default()
        ),
        None => "no contact yet".into(),
    };
    let mut tail = vec![italic(&last)];
    if let Some(note) = &p.last_note {
        tail.push(italic(" — "));
        tail.push(italic(note));
    }

    let mut parts = vec![section_part(head)];
    if !reach.is_empty() {
        parts.push(section_part(reach));
    }
    parts.push(quote_part(vec![text(message)]));
    parts.push(section_part(tail));
    rich_text(&format!("touch.{}", t.touch.id), parts)
}

/// `⚠️ No phone number on file for this touch: /followup edit #62 phone:… adds it.`
fn missing_hint(id: ProspectId, missing: &[Detail]) -> String {
    let (names, fields): (Vec<&str>, Vec<&str>) = missing
        .iter()
        .map(|detail| match detail {
            Detail::Phone => ("phone number", "phone:…"),
            Detail::Email => ("email address", "email:…"),
            Detail::LinkedIn => ("LinkedIn profile", "linkedin:…"),
        })
        .unzip();
    let (what, it) = match names.split_last() {
        Some((last, [])) => (last.to_string(), "it"),
        Some((last, rest)) => (format!("{} or {last}", rest.join(", ")), "them"),
        None => (String::new(), "it"),
    };
    format!(
        "⚠️ No {what} on file for this touch: /followup edit #{id} {} adds {it}.",
        fields.join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_detail_is_named_with_the_edit_that_adds_it() {
        assert_eq!(
            missing_hint(62, &[Detail::Phone]),
            "⚠️ No phone number on file for this touch: /followup edit #62 phone:… adds it."
        );
        assert_eq!(
            missing_hint(12, &[Detail::Phone, Detail::LinkedIn]),
            "⚠️ No phone number or LinkedIn profile on file for this touch: \
             /followup edit #12 phone:… linkedin:… adds them."
        );
    }

    #[test]
    fn mailto_encodes_subject_and_body_for_any_mail_client() {
        assert_eq!(
            mailto("jane_doe@acme.com", "Acme & co", "Hi Jane, ok?\nBye"),
            "mailto:jane_doe@acme.com?subject=Acme%20%26%20co&body=Hi%20Jane%2C%20ok%3F%0ABye"
        );
        let long = "word ".repeat(1000);
        assert_eq!(mailto("a@b.co", "S", &long), "mailto:a@b.co?subject=S");
    }

    #[test]
    fn tel_keeps_the_plus_and_the_digits_and_drops_an_extension() {
        assert_eq!(tel("+1 (415) 555-0100"), "tel:+14155550100");
        assert_eq!(tel("+1 415-555-0100 ext 12"), "tel:+14155550100");
        assert_eq!(tel("415.555.0142"), "tel:4155550142");
    }
}
