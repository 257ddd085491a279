//! Prospects as CSV: files exported from HubSpot, Salesforce, Pipedrive and followup itself
//! import with the right fields; bad rows are reported by their line in the file and the good
//! rows kept; an export imports back as it was. The database tests run on SQLite and Postgres.

use crate::common;

use std::sync::Arc;

use chrono::NaiveTime;
use common::{at, date, followup, TestDb};
use followup::clock::FixedClock;
use followup::csv_io::{
    import, read_prospects, write_prospects, FileError, ImportRows, ImportSummary, EXPORT_COLUMNS,
};
use followup::domain::{
    CadenceId, Email, LeadTemp, Money, NewProspect, Pace, Prospect, ProspectName, RepRef, Stage,
};
use followup::service::{Reply, Service};
use followup::store::Store;

/// Monday 23 November 2026, 10:00 UTC: the reps' local today is the 23rd.
fn service(store: Arc<dyn Store>) -> Service {
    Service::new(
        store,
        Arc::new(FixedClock::new(at(2026, 11, 23, 10, 0))),
        NaiveTime::from_hms_opt(8, 0, 0).expect("a time of day"),
    )
}

fn alice() -> RepRef {
    RepRef::new("T1", "U1")
}

fn rows(text: &str) -> ImportRows {
    read_prospects(text.as_bytes(), date(2026, 11, 23)).expect("a readable file")
}

async fn import_text(store: &Arc<dyn Store>, rep: &RepRef, text: &str) -> ImportSummary {
    import(&service(store.clone()), rep, rows(text)).await
}

async fn prospects_of(store: &Arc<dyn Store>, team: &str) -> Vec<Prospect> {
    store
        .team_prospects(team, None)
        .await
        .expect("the team's prospects")
}

fn named<'a>(prospects: &'a [Prospect], name: &str) -> &'a Prospect {
    prospects
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no prospect named {name} in {prospects:#?}"))
}

fn export(prospects: &[Prospect]) -> String {
    let mut out = Vec::new();
    write_prospects(&mut out, prospects).expect("export");
    String::from_utf8(out).expect("UTF-8 export")
}

/// The fields an export carries and an import reads back.
fn portable(p: &Prospect) -> impl PartialEq + std::fmt::Debug {
    (
        p.name.clone(),
        p.email.clone(),
        p.phone.clone(),
        p.linkedin.clone(),
        p.company.clone(),
        p.stage,
        p.value,
        p.lead,
        p.pace,
        p.notes.clone(),
        p.cadence,
    )
}

fn good_rows(rows: &ImportRows) -> Vec<&NewProspect> {
    rows.rows
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|r| &r.prospect)
        .collect()
}

fn bad_lines(rows: &ImportRows) -> Vec<u64> {
    rows.rows
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(|e| e.line)
        .collect()
}

const BAD_ROWS: &str = "name,email,phone,value,notes
Good One,good1@example.com,,,
Bad Email,jane@,,,
Multi Line,multi@example.com,,,\"first line
second line\"
Bad Phone,phone@example.com,call me,,
,noname@example.com,,,

Bad Value,value@example.com,,lots,
Good Two,good2@example.com,,2k,
Two Problems,nope,12,,
";

on_both_databases! {
    async fn a_hubspot_export_imports_names_emails_phones_companies_and_stages(store) {
        let summary = import_text(&store, &alice(), "\
Record ID,First Name,Last Name,Email,Phone Number,Company Name,LinkedIn Bio,Lifecycle Stage,Lead Status,Job Title,Favourite Colour
101,Jane,Doe,Jane.Doe@Acme.com,+1 415 555 0101,Acme Corp,https://www.linkedin.com/in/janedoe,Marketing Qualified Lead,Hot,VP Sales,teal
102,Raj,Patel,raj@globex.io,(212) 555-0199,Globex,Loves sailing and spreadsheets,salesqualifiedlead,In progress,,red
103,Old,Client,old@client.com,,Client Co,,Customer,,,
104,Sam,,sam@initech.com,,Initech,,Subscriber,,,
").await;
        assert_eq!(
            summary.to_string(),
            "imported 3 prospects; 1 bad row skipped\n\
             line 4: Lifecycle Stage: `Customer` means already a customer; only open prospects are imported\n\
             ignored columns: Record ID, Favourite Colour"
        );
        let all = prospects_of(&store, "T1").await;
        assert_eq!(all.len(), 3);
        let jane = named(&all, "Jane Doe");
        assert_eq!(jane.rep, alice());
        assert_eq!(jane.email.as_deref(), Some("jane.doe@acme.com"));
        assert_eq!(jane.phone.as_deref(), Some("+1 415 555 0101"));
        assert_eq!(jane.company.as_deref(), Some("Acme Corp"));
        assert_eq!(jane.linkedin.as_deref(), Some("https://www.linkedin.com/in/janedoe"));
        assert_eq!(jane.stage, Stage::SalesReady);
        assert_eq!(jane.lead, Some(LeadTemp::Hot));
        assert_eq!(jane.cadence, CadenceId::Hot, "a hot lead gets the hot cadence");
        assert_eq!(jane.notes.as_deref(), Some("Title: VP Sales"));
        let raj = named(&all, "Raj Patel");
        assert_eq!(raj.stage, Stage::Qualified);
        assert_eq!(raj.linkedin, None, "a bio that is not a profile address is left out");
        assert_eq!(raj.lead, None, "a lead status that names no temperature is ignored");
        assert_eq!(raj.cadence, CadenceId::TEAM_DEFAULT);
        let sam = named(&all, "Sam");
        assert_eq!(sam.stage, Stage::Inquiry);
        assert_eq!(sam.company.as_deref(), Some("Initech"));
    }

    async fn a_salesforce_export_imports_accounts_phones_ratings_titles_and_sources(store) {
        let summary = import_text(&store, &alice(), "\
First Name,Last Name,Title,Account Name,Email,Phone,Mobile,Lead Source,Rating,Description,Annual Revenue
Maria,Garcia,CFO,Umbrella Inc,maria@umbrella.com,,+44 20 7946 0958,Trade Show,Warm,Met at booth 12,5000000
Tom,Lee,,Stark Industries,tom@stark.com,+1 (650) 555-0123,+1 650 555 9999,Web,Cold,,
").await;
        assert_eq!(
            summary.to_string(),
            "imported 2 prospects\nignored columns: Annual Revenue"
        );
        let all = prospects_of(&store, "T1").await;
        let maria = named(&all, "Maria Garcia");
        assert_eq!(maria.company.as_deref(), Some("Umbrella Inc"));
        assert_eq!(maria.email.as_deref(), Some("maria@umbrella.com"));
        assert_eq!(maria.phone.as_deref(), Some("+44 20 7946 0958"), "the mobile when there is no phone");
        assert_eq!(maria.lead, Some(LeadTemp::Warm));
        assert_eq!(
            maria.notes.as_deref(),
            Some("Met at booth 12\nTitle: CFO\nSource: Trade Show")
        );
        let tom = named(&all, "Tom Lee");
        assert_eq!(tom.phone.as_deref(), Some("+1 (650) 555-0123"), "the phone before the mobile");
        assert_eq!(tom.lead, Some(LeadTemp::Cold));
        assert_eq!(tom.cadence, CadenceId::Cold);
        assert_eq!(tom.notes.as_deref(), Some("Source: Web"));
    }

    async fn a_pipedrive_export_imports_organizations_labels_and_deal_values(store) {
        let summary = import_text(&store, &alice(), "\
Name,Email,Phone,Organization - Name,Label,Deal value,Note
Ken Adams,ken@hooli.com,+1 555 010 2020,Hooli,Hot lead,\"12,500\",Asked for pricing
Lia Wong,\"lia@piedpiper.com, lia.wong@gmail.com\",+1 555 010 3030,Pied Piper,Warm lead,8000.50,
").await;
        assert_eq!(summary.to_string(), "imported 2 prospects");
        let all = prospects_of(&store, "T1").await;
        let ken = named(&all, "Ken Adams");
        assert_eq!(ken.company.as_deref(), Some("Hooli"));
        assert_eq!(ken.value, Some(Money::from_cents(1_250_000).expect("money")));
        assert_eq!(ken.lead, Some(LeadTemp::Hot));
        assert_eq!(ken.notes.as_deref(), Some("Asked for pricing"));
        let lia = named(&all, "Lia Wong");
        assert_eq!(lia.email.as_deref(), Some("lia@piedpiper.com"), "the first of several addresses");
        assert_eq!(lia.value, Some(Money::from_cents(800_050).expect("money")));
        assert_eq!(lia.lead, Some(LeadTemp::Warm));
    }

    async fn bad_rows_are_reported_by_their_line_in_the_file_and_good_rows_are_kept(store) {
        let summary = import_text(&store, &alice(), BAD_ROWS).await;
        assert_eq!(
            summary.to_string(),
            "imported 3 prospects; 5 bad rows skipped\n\
             line 3: email: `jane@` is not an email address\n\
             line 6: phone: `call me` is not a phone number\n\
             line 7: a prospect needs a name\n\
             line 9: value: `lots` is not an amount; try 12000, 12,500 or 12.5k\n\
             line 11: email: `nope` is not an email address; phone: `12` is not a phone number"
        );
        let all = prospects_of(&store, "T1").await;
        let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Good One", "Multi Line", "Good Two"]);
        assert_eq!(named(&all, "Multi Line").notes.as_deref(), Some("first line\nsecond line"));
        assert_eq!(named(&all, "Good Two").value, Some(Money::from_cents(200_000).expect("money")));
    }

    async fn a_prospect_already_in_the_workspace_is_skipped_and_reported(store) {
        let service = service(store.clone());
        let mut jane = NewProspect::named(ProspectName::parse("Jane Doe").expect("name"));
        jane.email = Some(Email::parse("jane@acme.com").expect("email"));
        let jane_id = match service.add(&RepRef::new("T1", "U2"), &jane).await.expect("add") {
            Reply::Added { state, .. } => state.prospect.id,
            other => panic!("not added: {other:?}"),
        };
        let summary = import(&service, &alice(), rows("\
name,email
Someone New,new@example.com
Jane D.,JANE@ACME.COM
Someone New Again,new@example.com
")).await;
        assert_eq!(
            summary.to_string(),
            "imported 1 prospect; 2 duplicates skipped (lines 3, 4)"
        );
        assert_eq!(summary.duplicates[0].existing, [jane_id]);
        assert_eq!(summary.duplicates[1].existing, summary.added);
        let all = prospects_of(&store, "T1").await;
        assert_eq!(all.len(), 2);
        assert_eq!(named(&all, "Jane Doe").rep.user_id, "U2", "the existing prospect is untouched");
    }

    async fn an_export_imports_into_another_workspace_as_it_was(store) {
        let summary = import_text(&store, &alice(), "\
name,email,phone,linkedin,company,stage,value,lead,pace,cadence,notes
Ada Byron,ada@engine.org,+44 20 0000 1111,https://linkedin.com/in/ada,Analytical Engines,proposal,12500.00,warm,slow,ten-week,\"Prefers email, \"\"never\"\" calls
before noon\"
Grace Hopper,,+1 555 000 2222,,Navy,qualified,,cold,fast,,
Linus T,linus@kernel.org,,,,inquiry,0.99,,normal,recap,
").await;
        assert_eq!(summary.to_string(), "imported 3 prospects");
        let originals = prospects_of(&store, "T1").await;

        let csv = export(&originals);
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some(EXPORT_COLUMNS.join(",").as_str()));
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let records: Vec<csv::StringRecord> =
            reader.records().collect::<Result<_, _>>().expect("the export parses");
        assert_eq!(records.len(), 3);
        assert_eq!(&records[0][7], "12500.00");
        assert_eq!(&records[0][10], "active");
        assert_eq!(&records[0][11], "ten-week");
        assert_eq!(&records[0][15], "2026-11-23T10:00:00Z");
        assert_eq!(&records[0][16], "U1");
        assert_eq!(&records[2][7], "0.99");

        let again = import_text(&store, &RepRef::new("T2", "U9"), &csv).await;
        assert_eq!(again.to_string(), "imported 3 prospects", "followup's own columns are all known");
        let copies = prospects_of(&store, "T2").await;
        assert_eq!(copies.len(), 3);
        for (original, copy) in originals.iter().zip(&copies) {
            assert_eq!(portable(copy), portable(original));
            assert_eq!(copy.rep, RepRef::new("T2", "U9"));
        }
        assert_eq!(copies[0].pace, Pace::Slow);
        assert_eq!(copies[0].notes.as_deref(), Some("Prefers email, \"never\" calls\nbefore noon"));
    }

    async fn utf8_names_and_slack_control_sequences_survive_byte_for_byte(store) {
        let names = ["Zoë Ångström", "山田 太郎", "Ana 🚀 Lima", "<!channel>", "O'Brien & <@U123>"];
        let mut file = String::from("name,company,notes\n");
        for name in names {
            file.push_str(&format!("\"{name}\",Café Noir 東京,👍 call after 5pm — ok?\n"));
        }
        let summary = import_text(&store, &alice(), &file).await;
        assert_eq!(summary.to_string(), "imported 5 prospects");
        let stored = prospects_of(&store, "T1").await;
        let stored_names: Vec<&str> = stored.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(stored_names, names);
        assert!(stored.iter().all(|p| p.company.as_deref() == Some("Café Noir 東京")));
        assert!(stored.iter().all(|p| p.notes.as_deref() == Some("👍 call after 5pm — ok?")));

        let csv = export(&stored);
        for name in names {
            assert!(csv.contains(name), "{name} is missing from the export:\n{csv}");
        }
        import_text(&store, &RepRef::new("T2", "U2"), &csv).await;
        let copies = prospects_of(&store, "T2").await;
        let copy_names: Vec<&[u8]> = copies.iter().map(|p| p.name.as_bytes()).collect();
        let original_names: Vec<&[u8]> = names.iter().map(|n| n.as_bytes()).collect();
        assert_eq!(copy_names, original_names);
    }

    async fn an_export_of_one_rep_holds_only_that_reps_prospects(store) {
        import_text(&store, &alice(), "name\nAlice's One\nAlice's Two\n").await;
        import_text(&store, &RepRef::new("T1", "U2"), "name\nBob's One\n").await;
        import_text(&store, &RepRef::new("T9", "U1"), "name\nElsewhere\n").await;
        let bobs = store.team_prospects("T1", Some("U2")).await.expect("bob's prospects");
        let csv = export(&bobs);
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let names: Vec<String> = reader
            .records()
            .map(|r| r.expect("a record")[1].to_string())
            .collect();
        assert_eq!(names, ["Bob's One"]);
        assert_eq!(prospects_of(&store, "T1").await.len(), 3);
    }
}

/// A store that refuses to save a prospect called `Boom`, by a trigger in the database itself.
async fn refuse_boom(db: &TestDb) {
    use sqlx::Connection;
    if db.url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(&db.url)
            .await
            .expect("sqlite");
        sqlx::raw_sql(
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON prospects WHEN NEW.name = 'Boom' \
             BEGIN SELECT RAISE(ABORT, 'refused'); END;",
        )
        .execute(&mut conn)
        .await
        .expect("trigger");
    } else {
        let mut conn = sqlx::PgConnection::connect(&db.url)
            .await
            .expect("postgres");
        sqlx::raw_sql(
            "CREATE FUNCTION refuse_boom() RETURNS trigger AS $$ BEGIN \
               IF NEW.name = 'Boom' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; \
             END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER refuse_boom BEFORE INSERT ON prospects \
             FOR EACH ROW EXECUTE FUNCTION refuse_boom();",
        )
        .execute(&mut conn)
        .await
        .expect("trigger");
    }
}

async fn refused_row_scenario(db: TestDb) {
    refuse_boom(&db).await;
    let summary = import_text(&db.store, &alice(), "name\nBefore\nBoom\nAfter\n").await;
    assert_eq!(
        summary.to_string(),
        "imported 2 prospects; 1 row not saved (the database failed)\n\
         line 3: not saved: the database failed"
    );
    let names: Vec<String> = prospects_of(&db.store, "T1")
        .await
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["Before", "After"]);
    db.finish().await;
}

mod a_row_the_database_refuses_is_reported_and_the_other_rows_are_kept {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        refused_row_scenario(TestDb::sqlite().await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(db) = TestDb::postgres().await {
            refused_row_scenario(db).await;
        }
    }
}

#[test]
fn line_numbers_are_the_same_with_crlf_line_ends_a_byte_order_mark_and_blank_lines() {
    assert_eq!(bad_lines(&rows(BAD_ROWS)), [3, 6, 7, 9, 11]);
    let windows = format!("\u{feff}{}", BAD_ROWS.replace('\n', "\r\n"));
    assert_eq!(bad_lines(&rows(&windows)), [3, 6, 7, 9, 11]);
    let old_mac = BAD_ROWS.replace('\n', "\r");
    assert_eq!(bad_lines(&rows(&old_mac)), [3, 6, 7, 9, 11]);
    let leading_blanks = format!("\n\n{BAD_ROWS}");
    assert_eq!(bad_lines(&rows(&leading_blanks)), [5, 8, 9, 11, 13]);
    let parsed = rows(&windows);
    let names: Vec<&str> = good_rows(&parsed).iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Good One", "Multi Line", "Good Two"]);
}

#[test]
fn column_names_are_matched_ignoring_case_spaces_underscores_and_punctuation() {
    let parsed = rows(
        "FIRST_NAME, last-name ,E-Mail Address,company name,LEAD,Cadence\n\
         Jane,Doe,jane@acme.com,Acme,HOT,10-week\n",
    );
    assert!(
        parsed.unknown_columns.is_empty(),
        "{:?}",
        parsed.unknown_columns
    );
    let jane = good_rows(&parsed)[0];
    assert_eq!(jane.name.as_str(), "Jane Doe");
    assert_eq!(
        jane.email.as_ref().map(Email::as_str),
        Some("jane@acme.com")
    );
    assert_eq!(jane.company.as_deref(), Some("Acme"));
    assert_eq!(jane.lead, Some(LeadTemp::Hot));
    assert_eq!(jane.cadence, Some(CadenceId::TenWeek));
}

#[test]
fn salesforce_api_names_and_pipedrive_person_columns_are_understood() {
    let salesforce = rows(
        "FirstName,LastName,Company,MobilePhone,LeadSource,Rating\n\
         Maria,Garcia,Umbrella,+44 20 7946 0958,Web,Hot\n",
    );
    assert!(salesforce.unknown_columns.is_empty());
    let maria = good_rows(&salesforce)[0];
    assert_eq!(maria.name.as_str(), "Maria Garcia");
    assert_eq!(maria.company.as_deref(), Some("Umbrella"));
    assert_eq!(
        maria.phone.as_ref().map(|p| p.as_str()),
        Some("+44 20 7946 0958")
    );
    assert_eq!(maria.lead, Some(LeadTemp::Hot));
    assert_eq!(maria.notes.as_deref(), Some("Source: Web"));

    let pipedrive = rows(
        "Person - Name,Person - Email - Work,Person - Phone - Mobile,Person - Organization,Person - Label,Deal - Value,Deal - Stage\n\
         Ken Adams,ken@hooli.com,+1 555 010 2020,Hooli,Cold lead,\"$1,200\",Proposal Made\n",
    );
    assert!(
        pipedrive.unknown_columns.is_empty(),
        "{:?}",
        pipedrive.unknown_columns
    );
    let ken = good_rows(&pipedrive)[0];
    assert_eq!(ken.name.as_str(), "Ken Adams");
    assert_eq!(ken.email.as_ref().map(Email::as_str), Some("ken@hooli.com"));
    assert_eq!(
        ken.phone.as_ref().map(|p| p.as_str()),
        Some("+1 555 010 2020")
    );
    assert_eq!(ken.company.as_deref(), Some("Hooli"));
    assert_eq!(ken.lead, Some(LeadTemp::Cold));
    assert_eq!(ken.value, Some(Money::from_cents(120_000).expect("money")));
    assert_eq!(ken.stage, Stage::Proposal);
}

#[test]
fn stages_from_other_crms_map_onto_followups_funnel_and_closed_deals_are_refused() {
    let mut file = String::from("name,stage\n");
    let stages = [
        "inquiry",
        "Sales-Ready",
        "subscriber",
        "Lead",
        "marketingqualifiedlead",
        "Sales Qualified Lead",
        "opportunity",
        "Prospecting",
        "Needs Analysis",
        "Proposal/Price Quote",
        "Negotiation/Review",
        "won",
        "Closed Won",
        "Customer",
        "lost",
        "Closed Lost",
        "Someday",
    ];
    for stage in stages {
        file.push_str(&format!("P,{stage}\n"));
    }
    let outcomes: Vec<Result<Stage, String>> = rows(&file)
        .rows
        .into_iter()
        .map(|r| r.map(|ok| ok.prospect.stage).map_err(|e| e.to_string()))
        .collect();
    let already = |line: u64, raw: &str| {
        Err(format!(
            "line {line}: stage: `{raw}` means already a customer; only open prospects are imported"
        ))
    };
    let lost = |line: u64, raw: &str| {
        Err(format!(
            "line {line}: stage: `{raw}` is a lost deal; only open prospects are imported"
        ))
    };
    assert_eq!(
        outcomes,
        [
            Ok(Stage::Inquiry),
            Ok(Stage::SalesReady),
            Ok(Stage::Inquiry),
            Ok(Stage::Inquiry),
            Ok(Stage::SalesReady),
            Ok(Stage::Qualified),
            Ok(Stage::Qualified),
            Ok(Stage::Inquiry),
            Ok(Stage::Qualified),
            Ok(Stage::Proposal),
            Ok(Stage::Proposal),
            already(13, "won"),
            already(14, "Closed Won"),
            already(15, "Customer"),
            lost(16, "lost"),
            lost(17, "Closed Lost"),
            Err("line 18: stage: `Someday` is not a deal stage; use inquiry, sales-ready, qualified or proposal".to_string()),
        ]
    );
}

#[test]
fn a_start_date_sets_the_first_touch_and_one_in_the_past_is_a_bad_row() {
    let parsed = rows("name,start\nSoon,2026-12-01\nLate,2026-01-05\nTomorrow,tomorrow\n");
    let starts: Vec<_> = good_rows(&parsed).iter().map(|p| p.start_on).collect();
    assert_eq!(starts, [Some(date(2026, 12, 1)), Some(date(2026, 11, 24))]);
    let errors: Vec<String> = parsed
        .rows
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        ["line 3: start: 2026-01-05 is in the past; pick today or a later date"]
    );
}

#[test]
fn a_file_without_a_header_or_a_name_column_is_refused_as_a_whole() {
    let today = date(2026, 11, 23);
    let empty = read_prospects("".as_bytes(), today).expect_err("an empty file");
    assert!(matches!(empty, FileError::Empty));
    let headless = read_prospects("jane@acme.com,Acme\n".as_bytes(), today).expect_err("no header");
    assert_eq!(
        headless.to_string(),
        "no name column in the header row (found: `jane@acme.com`, `Acme`); the first line must \
         name the columns, with `name`, or `first name` and `last name`"
    );
}

#[test]
fn a_cell_that_is_not_utf8_is_a_bad_row_naming_its_column() {
    let mut file = b"name,company\nGood,Acme\nBad,Caf".to_vec();
    file.push(0xE9); // Latin-1 é, as a spreadsheet saving "CSV" on Windows writes it
    file.extend_from_slice(b"\n");
    let parsed = read_prospects(file.as_slice(), date(2026, 11, 23)).expect("readable");
    let errors: Vec<String> = parsed
        .rows
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        ["line 3: company: not UTF-8 text; save the file as CSV UTF-8"]
    );
    assert_eq!(good_rows(&parsed).len(), 1);
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

#[test]
fn the_command_line_imports_a_file_and_exports_what_the_database_holds() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db_url = format!("sqlite://{}", dir.path().join("cli.db").display());
    std::fs::write(
        dir.path().join("leads.csv"),
        "First Name,Last Name,Email,Lifecycle Stage,Shoe Size\n\
         Zoë,Ångström,zoe@example.se,Marketing Qualified Lead,38\n\
         Bad,Address,x@,Lead,44\n",
    )
    .expect("write the file");

    let imported = followup(
        dir.path(),
        &db_url,
        &["import", "leads.csv", "--team", "T1", "--user", "U1"],
    );
    assert!(
        imported.status.success(),
        "stderr: {}",
        text(&imported.stderr)
    );
    assert_eq!(
        text(&imported.stdout),
        "imported 1 prospect; 1 bad row skipped\n\
         line 3: Email: `x@` is not an email address\n\
         ignored columns: Shoe Size\n"
    );

    let exported = followup(dir.path(), &db_url, &["export", "--team", "T1"]);
    assert!(
        exported.status.success(),
        "stderr: {}",
        text(&exported.stderr)
    );
    let mut reader = csv::Reader::from_reader(exported.stdout.as_slice());
    let headers: Vec<String> = reader
        .headers()
        .expect("a header row")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(headers, EXPORT_COLUMNS);
    let records: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("the export parses");
    assert_eq!(records.len(), 1);
    assert_eq!(&records[0][1], "Zoë Ångström");
    assert_eq!(&records[0][2], "zoe@example.se");
    assert_eq!(&records[0][6], "sales-ready");
    assert_eq!(&records[0][16], "U1");

    let nobody = followup(
        dir.path(),
        &db_url,
        &["export", "--team", "T1", "--user", "U2"],
    );
    assert!(nobody.status.success());
    assert_eq!(
        text(&nobody.stdout),
        format!("{}\n", EXPORT_COLUMNS.join(","))
    );
}

#[test]
fn the_command_line_refuses_a_missing_file_or_one_without_a_name_column_in_one_line() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db_url = format!("sqlite://{}", dir.path().join("cli.db").display());
    std::fs::write(
        dir.path().join("no-names.csv"),
        "email,company\na@b.co,Acme\n",
    )
    .expect("write the file");

    for (file, reason) in [
        ("missing.csv", "followup: cannot read missing.csv: "),
        (
            "no-names.csv",
            "followup: no-names.csv: no name column in the header row (found: `email`, `company`)",
        ),
    ] {
        let output = followup(
            dir.path(),
            &db_url,
            &["import", file, "--team", "T1", "--user", "U1"],
        );
        assert!(!output.status.success(), "{file} was accepted");
        let stderr = text(&output.stderr);
        assert!(stderr.starts_with(reason), "{file}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{file}: {stderr}");
        assert_eq!(text(&output.stdout), "");
    }
}
