//! The team's value-add library: things worth sending (case studies, articles, calculators), and
//! which one a value-add step suggests to a prospect — the unsent resource whose tags best match
//! what the rep knows of the prospect (its notes and company).

use chrono::{DateTime, Utc};

use super::cadence::Channel;
use super::prospect::{Prospect, Touch};

/// A library holds at most this many resources: a short list a rep can read in one reply.
pub const MAX_RESOURCES: usize = 50;
const MAX_TITLE: usize = 150;
const MAX_URL: usize = 500;
const MAX_TAGS: usize = 10;
const MAX_TAG: usize = 30;

/// A resource as stored: `number` is what reps see and remove it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub id: i64,
    pub number: i64,
    pub title: String,
    pub url: String,
    /// Lower-case words.
    pub tags: Vec<String>,
    pub added_by: String,
    pub added_at: DateTime<Utc>,
}

/// A resource to add, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResource {
    pub title: String,
    pub url: String,
    pub tags: Vec<String>,
}

/// Why a resource cannot be added; the text is for the rep.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResourceError {
    #[error("give the resource a title in quotes, then its link: `/followup resources add \"Acme case study\" https://example.com/acme logistics`")]
    MissingTitle,
    #[error("a title is at most {MAX_TITLE} characters; shorten it")]
    LongTitle,
    #[error("`{0}` is not a link I can suggest: give the whole address, starting with https:// (or http://), as in `https://example.com/case-study`")]
    BadUrl(String),
    #[error("add a link after the title: `/followup resources add \"{0}\" https://example.com/…`")]
    MissingUrl(String),
    #[error("`{0}` is not a tag: tags are single words of letters, digits and `-`, at most {MAX_TAG} characters (`logistics`, `saas`, `roi-calculator`)")]
    BadTag(String),
    #[error("at most {MAX_TAGS} tags a resource")]
    TooManyTags,
}

impl NewResource {
    /// Checks what a rep typed: a title, an http(s) address with a host, and word tags
    /// (`#` and commas are dropped; tags are kept lower-case, each once).
    pub fn parse(title: &str, url: &str, tags: &[&str]) -> Result<Self, ResourceError> {
        let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
        if title.is_empty() {
            return Err(ResourceError::MissingTitle);
        }
        if title.chars().count() > MAX_TITLE {
            return Err(ResourceError::LongTitle);
        }
        let url = url.trim();
        if url.is_empty() {
            return Err(ResourceError::MissingUrl(title));
        }
        let url = parse_url(url).ok_or_else(|| ResourceError::BadUrl(url.to_string()))?;
        let mut kept: Vec<String> = Vec::new();
        for raw in tags.iter().flat_map(|t| t.split(',')) {
            let tag = raw.trim().trim_start_matches('#').to_lowercase();
            if tag.is_empty() {
                continue;
            }
            let word = tag.chars().all(|c| c.is_alphanumeric() || c == '-');
            if !word || tag.chars().count() > MAX_TAG {
                return Err(ResourceError::BadTag(raw.trim().to_string()));
            }
            if !kept.contains(&tag) {
                kept.push(tag);
            }
        }
        if kept.len() > MAX_TAGS {
            return Err(ResourceError::TooManyTags);
        }
        Ok(Self {
            title,
            url,
            tags: kept,
        })
    }
}

/// An `http(s)://host…` address a rep can click, with no spaces or characters Slack's link markup
/// uses (`<`, `>`, `|`); `None` otherwise.
fn parse_url(raw: &str) -> Option<String> {
    let lower = raw.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next().unwrap_or("");
    let host_ok = host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    let clean = raw
        .chars()
        .all(|c| !c.is_whitespace() && !c.is_control() && !"<>|\"".contains(c));
    (host_ok && clean && raw.len() <= MAX_URL).then(|| raw.to_string())
}

/// Whether a touch is a value-add step of its cadence (one that sends something useful).
pub fn is_value_add(touch: &Touch) -> bool {
    let Ok(index) = usize::try_from(touch.step_index) else {
        return false; // a next step the rep set
    };
    let (step, _) = touch.cadence.cadence().touch_step(index);
    step.channels.contains(&Channel::ValueAdd)
}

/// What a suggestion is matched against: the prospect's notes, the last touch's note and its
/// company.
pub fn known_of(prospect: &Prospect) -> String {
    [
        prospect.notes.as_deref(),
        prospect.last_note.as_deref(),
        prospect.company.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
}

/// How many of a resource's tags appear as words in `known` (any case; a tag `real-estate`
/// matches "real estate").
pub fn score(resource: &Resource, known: &str) -> usize {
    let words: Vec<String> = known
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    resource
        .tags
        .iter()
        .filter(|tag| {
            let parts: Vec<&str> = tag.split('-').filter(|p| !p.is_empty()).collect();
            !parts.is_empty()
                && words
                    .windows(parts.len())
                    .any(|w| w.iter().zip(&parts).all(|(a, b)| a == b))
        })
        .count()
}

/// The resource a value-add touch suggests: of those not yet sent to this prospect, the one
/// with the most tags matching it; among equals, the oldest in the library (lowest number).
/// `None` when the library is empty or everything in it has been sent.
pub fn suggest<'a>(
    library: &'a [Resource],
    sent: &[i64],
    prospect: &Prospect,
) -> Option<&'a Resource> {
    let known = known_of(prospect);
    best(library, sent, &known)
}

/// [`suggest`] against the text `known` of a prospect.
pub fn best<'a>(library: &'a [Resource], sent: &[i64], known: &str) -> Option<&'a Resource> {
    library
        .iter()
        .filter(|r| !sent.contains(&r.id))
        .max_by_key(|r| (score(r, known), std::cmp::Reverse(r.number)))
}

/// The line a value-add message ends with: what to send, and where it is.
pub fn suggestion_line(resource: &Resource) -> String {
    format!("Worth sending: {} — {}", resource.title, resource.url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(id: i64, title: &str, tags: &[&str]) -> Resource {
        Resource {
            id,
            number: id,
            title: title.into(),
            url: format!("https://example.com/{id}"),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            added_by: "U1".into(),
            added_at: DateTime::<Utc>::MIN_UTC,
        }
    }

    #[test]
    fn a_resource_needs_a_title_and_a_whole_web_address() {
        let ok = NewResource::parse(
            " Acme  case study ",
            "https://example.com/acme?x=1",
            &["#Logistics,", "saas", "saas"],
        )
        .unwrap();
        assert_eq!(ok.title, "Acme case study");
        assert_eq!(ok.tags, vec!["logistics", "saas"]);
        assert_eq!(
            NewResource::parse("", "https://example.com", &[]),
            Err(ResourceError::MissingTitle)
        );
        assert!(matches!(
            NewResource::parse("T", "", &[]),
            Err(ResourceError::MissingUrl(_))
        ));
        for bad in [
            "example.com",
            "ftp://example.com",
            "https://localhost",
            "https://exa mple.com",
            "https://a.com/<x>",
            "javascript:alert(1)",
        ] {
            assert!(
                matches!(
                    NewResource::parse("T", bad, &[]),
                    Err(ResourceError::BadUrl(_))
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            NewResource::parse("T", "https://a.co", &["no/slash"]),
            Err(ResourceError::BadTag(_))
        ));
    }

    #[test]
    fn the_suggestion_is_the_unsent_resource_whose_tags_best_match_the_notes_and_company() {
        let library = vec![
            resource(1, "General guide", &[]),
            resource(2, "Freight case", &["logistics", "freight"]),
            resource(3, "Real estate ROI", &["real-estate"]),
        ];
        let freight = "Runs a logistics team Acme Freight";
        assert_eq!(best(&library, &[], freight).map(|r| r.id), Some(2));
        assert_eq!(
            best(&library, &[2], freight).map(|r| r.id),
            Some(1),
            "then the oldest unsent"
        );
        assert_eq!(best(&library, &[1, 2, 3], freight), None);
        assert_eq!(
            best(&library, &[], "sells Real Estate").map(|r| r.id),
            Some(3)
        );
        assert_eq!(score(&library[2], "realestate"), 0);
    }
}
