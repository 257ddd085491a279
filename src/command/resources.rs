//! `resources [add "<title>" <url> [tags] | remove <n>]`: the team's value-add library.

use super::{CommandError, Kind, Token};
use crate::domain::resources::NewResource;

/// What `resources` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourcesCommand {
    /// The library, numbered.
    List,
    Add(NewResource),
    /// Takes the resource with this number out of the library.
    Remove(i64),
}

/// Whether a word is the link of an `add`: Slack's `<https://…>`, or anything with `://` or a
/// dot in it (a bare `example.com/x` is caught here, to be refused with the right advice).
fn looks_like_link(token: &Token) -> bool {
    token.kind == Kind::Link
        || (!token.quoted && (token.text.contains("://") || token.text.contains('.')))
}

pub(super) fn parse_resources(rest: &[Token]) -> Result<ResourcesCommand, CommandError> {
    let Some((sub, args)) = rest.split_first() else {
        return Ok(ResourcesCommand::List);
    };
    match sub.text.to_lowercase().as_str() {
        "list" | "ls" => Ok(ResourcesCommand::List),
        "remove" | "rm" | "delete" | "del" => match args {
            [n] => n
                .text
                .trim_start_matches('#')
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .map(ResourcesCommand::Remove)
                .ok_or(CommandError::BadResourceRemove),
            _ => Err(CommandError::BadResourceRemove),
        },
        "add" | "new" => {
            // A quoted title is one token; an unquoted one runs to the link.
            let (title, after) = match args.split_first() {
                Some((first, after)) if first.quoted => (first.text.clone(), after),
                _ => {
                    let end = args.iter().position(looks_like_link).unwrap_or(args.len());
                    let words: Vec<&str> = args[..end].iter().map(|t| t.text.as_str()).collect();
                    (words.join(" "), &args[end..])
                }
            };
            let (url, tags) = match after.split_first() {
                Some((url, tags)) => (url.text.as_str(), tags),
                None => ("", &[][..]),
            };
            let tags: Vec<&str> = tags.iter().map(|t| t.text.as_str()).collect();
            Ok(ResourcesCommand::Add(NewResource::parse(
                &title, url, &tags,
            )?))
        }
        _ => Err(CommandError::BadResources(sub.text.clone())),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use crate::command::{parse, Command, CommandError};
    use crate::domain::resources::ResourceError;

    use super::ResourcesCommand;

    fn resources(text: &str) -> Result<ResourcesCommand, CommandError> {
        match parse(text, NaiveDate::MIN)? {
            Command::Resources(r) => Ok(r),
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn resources_list_add_and_remove() {
        assert_eq!(resources("resources").unwrap(), ResourcesCommand::List);
        assert_eq!(resources("library list").unwrap(), ResourcesCommand::List);
        assert_eq!(
            resources("resources remove #3").unwrap(),
            ResourcesCommand::Remove(3)
        );
        assert_eq!(
            resources("resources remove x"),
            Err(CommandError::BadResourceRemove)
        );
        let ResourcesCommand::Add(quoted) = resources("resources add \"Acme case study\" <https://acme.example/case|acme.example/case> SaaS, logistics").unwrap() else {
            panic!("an add")
        };
        assert_eq!(
            (quoted.title.as_str(), quoted.url.as_str()),
            ("Acme case study", "https://acme.example/case")
        );
        assert_eq!(quoted.tags, vec!["saas", "logistics"]);
        let ResourcesCommand::Add(bare) =
            resources("resources add ROI calculator https://roi.example").unwrap()
        else {
            panic!("an add")
        };
        assert_eq!(bare.title, "ROI calculator");
        assert!(matches!(
            resources("resources add Guide roi.example/guide"),
            Err(CommandError::Resource(ResourceError::BadUrl(_)))
        ));
    }
}
