use clap::{Args, CommandFactory, FromArgMatches};
use secrecy::ExposeSecret;

use super::*;
use crate::cli::Cli;

/// The configuration from `flags` alone: the environment of whoever runs the tests is ignored.
fn parse(flags: &[&str]) -> Config {
    let args = std::iter::once("followup").chain(flags.iter().copied());
    Config::augment_args(clap::Command::new("followup"))
        .mut_args(|arg| arg.env(None::<&'static str>))
        .try_get_matches_from(args)
        .and_then(|matches| Config::from_arg_matches(&matches))
        .expect("the flags parse")
}

/// Every argument of `followup` that an environment variable can set.
fn settings_args() -> Vec<clap::Arg> {
    Cli::command()
        .get_arguments()
        .filter(|arg| arg.get_env().is_some())
        .cloned()
        .collect()
}

fn env_name(arg: &clap::Arg) -> String {
    arg.get_env()
        .expect("an environment variable")
        .to_string_lossy()
        .into_owned()
}

/// The rows of README's *Configuration* table: variable, secret, default, meaning.
fn readme_rows() -> Vec<[String; 4]> {
    let readme = include_str!("../../README.md");
    let section = readme
        .split("\n## Configuration\n")
        .nth(1)
        .expect("README has a Configuration section");
    section
        .lines()
        .skip_while(|line| !line.starts_with("| variable |"))
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            let cells: Vec<String> = line
                .trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().to_string())
                .collect();
            cells
                .try_into()
                .unwrap_or_else(|cells| panic!("a row of four cells: {cells:?}"))
        })
        .collect()
}

#[test]
fn readme_configuration_table_lists_exactly_what_help_prints() {
    let rows = readme_rows();
    let args = settings_args();
    let variables = |names: Vec<String>| names.join(", ");
    assert_eq!(
        variables(rows.iter().map(|row| row[0].replace('`', "")).collect()),
        variables(args.iter().map(env_name).collect()),
        "README's table and `followup --help` list the same variables, in the same order"
    );
    for ([variable, secret, default, meaning], arg) in rows.iter().zip(&args) {
        assert_eq!(
            !secret.is_empty(),
            arg.is_hide_env_values_set(),
            "{variable}: README calls it secret exactly when --help hides its value"
        );
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|d| format!("`{}`", d.to_string_lossy()))
            .collect();
        let expected_default = if defaults.is_empty() {
            "none".to_string()
        } else {
            defaults.join(", ")
        };
        assert_eq!(default, &expected_default, "{variable}: default");
        let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
        assert_eq!(
            meaning.replace('`', ""),
            help,
            "{variable}: README's meaning (without its code marks) is the help text"
        );
    }
}

#[test]
fn each_flag_is_named_after_its_variable() {
    for arg in settings_args() {
        let env = env_name(&arg);
        let expected = env
            .trim_start_matches("FOLLOWUP_")
            .to_lowercase()
            .replace('_', "-");
        assert_eq!(arg.get_long(), Some(expected.as_str()), "{env}");
    }
}

#[test]
fn the_variables_where_blank_means_unset_are_all_settings() {
    let declared: Vec<String> = settings_args().iter().map(env_name).collect();
    for name in BLANK_IS_UNSET {
        assert!(
            declared.iter().any(|d| d == name),
            "{name} is not a setting"
        );
    }
}

#[test]
fn blank_values_are_empty_or_whitespace_only() {
    assert!(is_blank(OsStr::new("")));
    assert!(is_blank(OsStr::new("  \t")));
    assert!(!is_blank(OsStr::new(" xoxb-1 ")));
}

#[test]
fn secrets_hide_their_values_from_help() {
    for arg in settings_args() {
        let env = env_name(&arg);
        let secret = matches!(
            env.as_str(),
            "DATABASE_URL"
                | "SLACK_SIGNING_SECRET"
                | "SLACK_BOT_TOKEN"
                | "SLACK_APP_TOKEN"
                | "SLACK_CLIENT_SECRET"
                | "FOLLOWUP_ENCRYPTION_KEY"
        );
        assert_eq!(arg.is_hide_env_values_set(), secret, "{env}");
    }
}

#[test]
fn debug_output_redacts_every_secret() {
    let config = parse(&[
        "--database-url",
        "postgres://app:pg-password-1@db/app",
        "--slack-signing-secret",
        "sign-secret-123",
        "--slack-bot-token",
        "xoxb-bot-secret-456",
        "--slack-app-token",
        "xapp-app-secret-789",
        "--slack-client-id",
        "1.2",
        "--slack-client-secret",
        "client-secret-000",
        "--encryption-key",
        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        "--port",
        "3000",
    ]);
    let serve = config.serve().expect("a complete configuration");
    let shown = format!("{config:?} {serve:?}");
    for secret in [
        "pg-password-1",
        "sign-secret-123",
        "xoxb-bot-secret-456",
        "xapp-app-secret-789",
        "client-secret-000",
        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    ] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
    assert!(shown.contains("1.2"), "the client id is no secret: {shown}");
    assert_eq!(serve.settings.database_shown(), "postgres://app:***@db/app");
}

#[test]
fn malformed_settings_are_refused_naming_the_variable() {
    for (flags, message) in [
        (["--digest-time", "8am"], "FOLLOWUP_DIGEST_TIME: "),
        (
            ["--digest-concurrency", "0"],
            "FOLLOWUP_DIGEST_CONCURRENCY `0` is not a number from 1 to 256",
        ),
        (
            ["--digest-concurrency", "257"],
            "FOLLOWUP_DIGEST_CONCURRENCY `257` is not a number from 1 to 256",
        ),
    ] {
        let refused = parse(&flags).settings().expect_err(message).to_string();
        assert!(refused.starts_with(message), "{flags:?}: {refused}");
    }
    let refused = parse(&["--slack-signing-secret", "s", "--port", "eighty"])
        .serve()
        .expect_err("a port");
    assert_eq!(refused.to_string(), "PORT `eighty` is not a port number");
}

#[test]
fn the_settings_have_their_documented_defaults() {
    let config = parse(&[]);
    let settings = config.settings().expect("the defaults are valid");
    assert_eq!(settings.database_url.expose_secret(), DEFAULT_DATABASE_URL);
    assert_eq!(
        settings.digest_time,
        NaiveTime::from_hms_opt(8, 0, 0).unwrap()
    );
    assert_eq!(settings.digest_concurrency, 8);
    assert_eq!(config.api_url, DEFAULT_SLACK_API_URL);
    assert_eq!(config.log_format, LogFormat::Pretty);
    assert!(config.signing_secret.is_none() && config.team_channel.is_none());
    let refused = config.serve().expect_err("no signing secret");
    assert!(refused
        .to_string()
        .starts_with("SLACK_SIGNING_SECRET is not set."));
}

#[test]
fn only_json_in_any_case_asks_for_json_logs() {
    for (raw, format) in [
        ("json", LogFormat::Json),
        ("JSON", LogFormat::Json),
        ("pretty", LogFormat::Pretty),
        ("text", LogFormat::Pretty),
        ("", LogFormat::Pretty),
    ] {
        assert_eq!(LogFormat::parse(raw), Ok(format), "{raw:?}");
    }
}

#[test]
fn the_demo_learns_which_slack_credentials_are_set_in_its_own_order() {
    let all = parse(&[
        "--slack-app-token",
        "xapp-1",
        "--slack-client-secret",
        "s",
        "--slack-client-id",
        "1.2",
        "--slack-signing-secret",
        "s",
        "--slack-bot-token",
        "xoxb-1",
    ]);
    assert_eq!(all.slack_credentials_set(), crate::demo::SLACK_CREDENTIALS);
}
