//! Prospects as CSV: `followup import` reads a file exported from followup, HubSpot, Salesforce or
//! Pipedrive, and `followup export` writes followup's own columns.
//!
//! # Import
//!
//! The first line is a header row. Column names are matched ignoring case, spaces, underscores
//! and punctuation, so `First Name`, `first_name` and `FirstName` are one column; a Pipedrive
//! `Person - ` prefix is dropped (`Person - Email - Work` reads as `Email - Work`). Columns that
//! mean nothing to followup are ignored and listed once in the summary. An empty cell is an
//! absent value; a row whose cells are all empty is skipped without comment.
//!
//! | followup field | columns read (first non-empty wins, in this order) |
//! |---|---|
//! | name | `name`, `full name`, `contact name`, `Person - Name`; else `first name` + `last name` joined |
//! | email | `email`, `email address`, `Email - Work`, then `Email - Home` / `Email - Other`; the first of a comma-separated list |
//! | phone | `phone`, `phone number`, `Phone - Work`, then `mobile`, `mobile phone (number)`, then home/other; the first of a list |
//! | linkedin | `linkedin`, `linkedin url`, `linkedin profile`; HubSpot's `LinkedIn Bio` only when it holds a LinkedIn address |
//! | company | `company`, `company name`, `account name`, `organization`, `Organization - Name` |
//! | stage | `stage`, `lifecycle stage`, `deal stage`, `opportunity stage` (see below) |
//! | value | `value`, `deal value`, `Deal - Value`, `amount`, `opportunity amount` |
//! | lead | `lead`, `lead temperature`: must be hot, warm or cold; else `lead status`, `rating` or `label` when it holds the word hot, warm or cold (Pipedrive's `Hot lead`), otherwise ignored |
//! | pace, cadence | `pace`, `cadence` |
//! | start | `start`, `start date`: the first touch's date, read like `/followup add … start:` |
//! | notes | `notes`, `note`, `description`, `comments`; a `title` / `job title` and a `lead source` / `original source` are added to the notes as `Title: …` and `Source: …` lines |
//!
//! followup's export-only columns (`id`, `status`, `touches_done`, `last_contact`,
//! `created_at`, `owner`) are recognised and not read: an imported prospect is a new prospect of
//! the importing rep, enrolled from today (or its `start`).
//!
//! Stages map onto followup's funnel where they can: followup's own names; HubSpot lifecycle
//! stages `subscriber`, `lead` and `other` → inquiry, `marketingqualifiedlead` → sales-ready,
//! `salesqualifiedlead` and `opportunity` → qualified; common Salesforce and Pipedrive stages
//! (`Prospecting`, `Qualification`, `Proposal/Price Quote`, `Negotiation`, …) to the nearest
//! stage. A closed deal is not an open prospect, so it is **not imported**: `won`, `customer`,
//! `evangelist` and `Closed Won` make the row an error "already a customer", `lost` and
//! `Closed Lost` an error "a lost deal". An unknown stage is an error naming the column.
//!
//! Every bad row is reported with the physical line of the file where its record starts (the
//! header is line 1; a quoted field holding a line break spans several lines; CRLF, CR and
//! blank lines are counted as an editor counts them), the column, and the reason. The other rows
//! are still imported. Each good row is enrolled through [`Service::add`], so cadences, dates
//! and duplicate checks are the app's own.
//!
//! # Export
//!
//! [`EXPORT_COLUMNS`], one row per prospect, oldest first; `value` is a plain decimal
//! (`12500.00`), instants are RFC 3339 in UTC. Cells are written as they are stored (no
//! spreadsheet-formula escaping), so an export imports back byte for byte.

use std::fmt;
use std::io::{Read, Write};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use crate::domain::cadence::parse_cadence;
use crate::domain::dates::parse_date;
use crate::domain::prospect::{parse_company, parse_linkedin, parse_note};
use crate::domain::{
    DomainError, Email, LeadTemp, Money, NewProspect, Pace, Phone, Prospect, ProspectId,
    ProspectName, RepRef, Stage,
};
use crate::service::{Reply, Service};

/// The header row of an export, in order.
pub const EXPORT_COLUMNS: [&str; 17] = [
    "id",
    "name",
    "email",
    "phone",
    "linkedin",
    "company",
    "stage",
    "value",
    "lead",
    "pace",
    "status",
    "cadence",
    "notes",
    "touches_done",
    "last_contact",
    "created_at",
    "owner",
];

/// Why a whole file cannot be imported. Bad rows are not this: they are skipped and reported.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot read: {0}")]
    Unreadable(std::io::Error),
    #[error("empty file; the first line must be a header row such as `name,email,company`")]
    Empty,
    #[error("the header row is not UTF-8 text; save the file as CSV UTF-8")]
    HeaderNotUtf8,
    #[error(
        "no name column in the header row (found: {found}); the first line must name the columns, \
         with `name`, or `first name` and `last name`"
    )]
    NoNameColumn { found: String },
}

/// A row that was not imported, with the file line where its record starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// A validated row, ready to enrol.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    pub line: u64,
    pub prospect: NewProspect,
}

/// A parsed file: each data row in file order, good or bad, and the columns that were ignored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportRows {
    pub rows: Vec<Result<ImportRow, RowError>>,
    /// Header names that mean nothing to followup, as written, each once.
    pub unknown_columns: Vec<String>,
}

/// A row skipped because the prospect is already in the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateRow {
    pub line: u64,
    /// The prospects already there (never empty).
    pub existing: Vec<ProspectId>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportSummary {
    /// The new prospects, in file order.
    pub added: Vec<ProspectId>,
    pub duplicates: Vec<DuplicateRow>,
    /// Rows the user has to fix.
    pub bad: Vec<RowError>,
    /// Good rows the database failed to save; importing the file again adds them.
    pub failed: Vec<RowError>,
    pub unknown_columns: Vec<String>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl fmt::Display for ImportSummary {
    /// `imported 12 prospects; 2 duplicates skipped (lines 5, 9); 1 bad row skipped`, then
    /// one line per bad row, then the ignored columns.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "imported {}",
            plural(self.added.len(), "prospect", "prospects")
        )?;
        if !self.duplicates.is_empty() {
            let lines: Vec<String> = self.duplicates.iter().map(|d| d.line.to_string()).collect();
            write!(
                f,
                "; {} skipped ({} {})",
                plural(self.duplicates.len(), "duplicate", "duplicates"),
                if lines.len() == 1 { "line" } else { "lines" },
                lines.join(", ")
            )?;
        }
        if !self.bad.is_empty() {
            write!(
                f,
                "; {} skipped",
                plural(self.bad.len(), "bad row", "bad rows")
            )?;
        }
        if !self.failed.is_empty() {
            write!(
                f,
                "; {} not saved (the database failed)",
                plural(self.failed.len(), "row", "rows")
            )?;
        }
        let mut problems: Vec<&RowError> = self.bad.iter().chain(&self.failed).collect();
        problems.sort_by_key(|p| p.line);
        for problem in problems {
            write!(f, "\n{problem}")?;
        }
        if !self.unknown_columns.is_empty() {
            write!(f, "\nignored columns: {}", self.unknown_columns.join(", "))?;
        }
        Ok(())
    }
}

/// What a column means to followup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    FirstName,
    LastName,
    Email,
    Phone,
    LinkedIn,
    /// HubSpot's `LinkedIn Bio`: used only when it holds a profile address.
    LinkedInBio,
    Company,
    Stage,
    Value,
    /// Must be hot, warm or cold.
    Lead,
    /// Used when it holds the word hot, warm or cold.
    LeadHint,
    Pace,
    Cadence,
    Notes,
    Title,
    Source,
    Start,
    /// Written by export, not read by import.
    ExportOnly,
}

/// Normalised header → field, with a rank: among columns of one field, lower ranks are read first.
const ALIASES: &[(&str, Field, u8)] = &[
    ("name", Field::Name, 0),
    ("fullname", Field::Name, 0),
    ("contactname", Field::Name, 1),
    ("prospectname", Field::Name, 1),
    ("leadname", Field::Name, 1),
    ("firstname", Field::FirstName, 0),
    ("givenname", Field::FirstName, 1),
    ("forename", Field::FirstName, 1),
    ("lastname", Field::LastName, 0),
    ("surname", Field::LastName, 1),
    ("familyname", Field::LastName, 1),
    ("email", Field::Email, 0),
    ("emailaddress", Field::Email, 0),
    ("primaryemail", Field::Email, 0),
    ("workemail", Field::Email, 0),
    ("emailwork", Field::Email, 0),
    ("businessemail", Field::Email, 0),
    ("email1", Field::Email, 1),
    ("emailhome", Field::Email, 2),
    ("homeemail", Field::Email, 2),
    ("personalemail", Field::Email, 2),
    ("emailother", Field::Email, 2),
    ("otheremail", Field::Email, 2),
    ("email2", Field::Email, 2),
    ("secondaryemail", Field::Email, 2),
    ("phone", Field::Phone, 0),
    ("phonenumber", Field::Phone, 0),
    ("telephone", Field::Phone, 0),
    ("workphone", Field::Phone, 0),
    ("phonework", Field::Phone, 0),
    ("businessphone", Field::Phone, 0),
    ("directphone", Field::Phone, 0),
    ("mobile", Field::Phone, 1),
    ("mobilephone", Field::Phone, 1),
    ("mobilephonenumber", Field::Phone, 1),
    ("phonemobile", Field::Phone, 1),
    ("cellphone", Field::Phone, 1),
    ("cell", Field::Phone, 1),
    ("phonehome", Field::Phone, 2),
    ("homephone", Field::Phone, 2),
    ("phoneother", Field::Phone, 2),
    ("otherphone", Field::Phone, 2),
    ("linkedin", Field::LinkedIn, 0),
    ("linkedinurl", Field::LinkedIn, 0),
    ("linkedinprofile", Field::LinkedIn, 0),
    ("linkedinprofileurl", Field::LinkedIn, 0),
    ("linkedinbio", Field::LinkedInBio, 0),
    ("company", Field::Company, 0),
    ("companyname", Field::Company, 0),
    ("account", Field::Company, 1),
    ("accountname", Field::Company, 1),
    ("organization", Field::Company, 1),
    ("organisation", Field::Company, 1),
    ("organizationname", Field::Company, 1),
    ("organisationname", Field::Company, 1),
    ("stage", Field::Stage, 0),
    ("dealstage", Field::Stage, 1),
    ("lifecyclestage", Field::Stage, 1),
    ("opportunitystage", Field::Stage, 1),
    ("value", Field::Value, 0),
    ("dealvalue", Field::Value, 0),
    ("amount", Field::Value, 1),
    ("dealamount", Field::Value, 1),
    ("opportunityamount", Field::Value, 1),
    ("lead", Field::Lead, 0),
    ("leadtemperature", Field::Lead, 0),
    ("temperature", Field::Lead, 1),
    ("leadstatus", Field::LeadHint, 0),
    ("rating", Field::LeadHint, 0),
    ("label", Field::LeadHint, 1),
    ("pace", Field::Pace, 0),
    ("cadence", Field::Cadence, 0),
    ("notes", Field::Notes, 0),
    ("note", Field::Notes, 0),
    ("description", Field::Notes, 1),
    ("comments", Field::Notes, 1),
    ("comment", Field::Notes, 1),
    ("title", Field::Title, 0),
    ("jobtitle", Field::Title, 0),
    ("leadsource", Field::Source, 0),
    ("source", Field::Source, 0),
    ("originalsource", Field::Source, 0),
    ("start", Field::Start, 0),
    ("starton", Field::Start, 0),
    ("startdate", Field::Start, 0),
    ("id", Field::ExportOnly, 0),
    ("status", Field::ExportOnly, 0),
    ("touchesdone", Field::ExportOnly, 0),
    ("lastcontact", Field::ExportOnly, 0),
    ("createdat", Field::ExportOnly, 0),
    ("owner", Field::ExportOnly, 0),
];

/// Lower case, letters and digits only: `First_Name`, `first name` and `FirstName` agree.
fn normalise(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn field_of(header: &str) -> Option<(Field, u8)> {
    let key = normalise(header);
    let find = |k: &str| {
        ALIASES
            .iter()
            .find(|(alias, _, _)| *alias == k)
            .map(|(_, field, rank)| (*field, *rank))
    };
    find(&key).or_else(|| {
        // Pipedrive prefixes person fields: `Person - Name`, `Person - Email - Work`.
        key.strip_prefix("person")
            .filter(|rest| !rest.is_empty())
            .and_then(find)
    })
}

#[derive(Debug)]
struct Column {
    index: usize,
    header: String,
    field: Field,
    rank: u8,
}

/// Which cell of a record holds what.
struct Layout {
    /// Sorted by rank, then by position in the file.
    columns: Vec<Column>,
}

impl Layout {
    fn has(&self, field: Field) -> bool {
        self.columns.iter().any(|c| c.field == field)
    }

    /// The first non-empty cell of `field`, with its column; a cell that is not UTF-8 is a
    /// problem of the row.
    fn cell<'r>(
        &self,
        record: &'r csv::ByteRecord,
        field: Field,
        problems: &mut Vec<String>,
    ) -> Option<(&Column, &'r str)> {
        for column in self.columns.iter().filter(|c| c.field == field) {
            let raw = record.get(column.index).unwrap_or_default();
            match std::str::from_utf8(raw) {
                Ok(text) if text.trim().is_empty() => continue,
                Ok(text) => return Some((column, text)),
                Err(_) => {
                    problems.push(format!(
                        "{}: not UTF-8 text; save the file as CSV UTF-8",
                        column.header
                    ));
                    return None;
                }
            }
        }
        None
    }

    /// The cell of `field` run through `parse`; a failure becomes `<column>: <reason>`.
    fn parsed<T, E: fmt::Display>(
        &self,
        record: &csv::ByteRecord,
        field: Field,
        problems: &mut Vec<String>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let (column, text) = self.cell(record, field, problems)?;
        match parse(text) {
            Ok(value) => Some(value),
            Err(e) => {
                problems.push(format!("{}: {e}", column.header));
                None
            }
        }
    }

    /// One record as a new prospect; `Ok(None)` for a row with nothing in it.
    fn prospect(
        &self,
        record: &csv::ByteRecord,
        today: NaiveDate,
    ) -> Result<Option<NewProspect>, String> {
        if record.iter().all(|cell| cell.trim_ascii().is_empty()) {
            return Ok(None);
        }
        let mut problems = Vec::new();
        let p = &mut problems;

        let name = match self.cell(record, Field::Name, p) {
            Some((column, text)) => Some((column.header.clone(), text.to_string())),
            None => {
                let parts: Vec<&str> = [Field::FirstName, Field::LastName]
                    .into_iter()
                    .filter_map(|field| self.cell(record, field, p))
                    .map(|(_, text)| text.trim())
                    .collect();
                (!parts.is_empty()).then(|| ("name".to_string(), parts.join(" ")))
            }
        };
        let name = match name {
            Some((header, text)) => match ProspectName::parse(&text) {
                Ok(name) => Some(name),
                Err(e) => {
                    p.push(format!("{header}: {e}"));
                    None
                }
            },
            None => {
                p.push(DomainError::EmptyName.to_string());
                None
            }
        };

        let email = self.parsed(record, Field::Email, p, |t| Email::parse(first_of_list(t)));
        let phone = self.parsed(record, Field::Phone, p, |t| Phone::parse(first_of_list(t)));
        let linkedin = self
            .parsed(record, Field::LinkedIn, p, parse_linkedin)
            .or_else(|| {
                self.cell(record, Field::LinkedInBio, p)
                    .and_then(|(_, text)| parse_linkedin(text).ok())
            });
        let company = self
            .parsed(record, Field::Company, p, parse_company)
            .flatten();
        let stage = self.parsed(record, Field::Stage, p, map_stage);
        let value = self.parsed(record, Field::Value, p, Money::parse);
        let lead = self
            .parsed(record, Field::Lead, p, |t| {
                lead_word(t).ok_or_else(|| DomainError::BadLead(t.trim().to_string()))
            })
            .or_else(|| {
                self.columns
                    .iter()
                    .filter(|c| c.field == Field::LeadHint)
                    .find_map(|c| {
                        let raw = record.get(c.index).unwrap_or_default();
                        std::str::from_utf8(raw).ok().and_then(lead_word)
                    })
            });
        let pace = self.parsed(record, Field::Pace, p, Pace::parse);
        let cadence = self.parsed(record, Field::Cadence, p, parse_cadence);
        let start_on = self.parsed(record, Field::Start, p, |t| {
            let date = parse_date(t, today)?;
            if date < today {
                return Err(DomainError::DateInPast(date));
            }
            Ok(date)
        });

        let mut note_parts = Vec::new();
        let mut notes_header = "notes".to_string();
        if let Some((column, text)) = self.cell(record, Field::Notes, p) {
            notes_header = column.header.clone();
            note_parts.push(text.trim().to_string());
        }
        if let Some((_, text)) = self.cell(record, Field::Title, p) {
            note_parts.push(format!("Title: {}", text.trim()));
        }
        if let Some((_, text)) = self.cell(record, Field::Source, p) {
            note_parts.push(format!("Source: {}", text.trim()));
        }
        let notes = match parse_note(&note_parts.join("\n")) {
            Ok(notes) => notes,
            Err(e) => {
                p.push(format!("{notes_header}: {e}"));
                None
            }
        };

        match name {
            Some(name) if problems.is_empty() => Ok(Some(NewProspect {
                email,
                phone,
                linkedin,
                company,
                stage: stage.unwrap_or(Stage::Inquiry),
                value,
                lead,
                pace: pace.unwrap_or(Pace::Normal),
                notes,
                cadence,
                start_on,
                ..NewProspect::named(name)
            })),
            _ => Err(problems.join("; ")),
        }
    }
}

/// The first entry of a cell that lists several (`a@x.com, b@x.com`).
fn first_of_list(text: &str) -> &str {
    text.split([',', ';'])
        .map(str::trim)
        .find(|part| !part.is_empty())
        .unwrap_or(text)
}

/// `hot`, `Hot lead`, `WARM`: the lead temperature a cell names, if any.
fn lead_word(text: &str) -> Option<LeadTemp> {
    text.split(|c: char| !c.is_alphanumeric())
        .find_map(|word| LeadTemp::parse(word).ok())
}

/// A stage of followup, a HubSpot lifecycle stage, or a common Salesforce / Pipedrive stage.
fn map_stage(raw: &str) -> Result<Stage, String> {
    let text = raw.trim();
    let already = || format!("`{text}` means already a customer; only open prospects are imported");
    let lost = || format!("`{text}` is a lost deal; only open prospects are imported");
    let stage = match Stage::parse(text) {
        Ok(stage) => stage,
        Err(_) => match normalise(text).as_str() {
            "subscriber" | "lead" | "other" | "new" | "newlead" | "prospect" | "prospecting"
            | "leadin" | "contactmade" | "open" => Stage::Inquiry,
            "salesready" | "marketingqualifiedlead" | "marketingqualified" | "mql" => {
                Stage::SalesReady
            }
            "salesqualifiedlead" | "sql" | "opportunity" | "qualification" | "qualified"
            | "needsanalysis" | "valueproposition" | "iddecisionmakers" | "perceptionanalysis"
            | "demoscheduled" => Stage::Qualified,
            "proposalpricequote"
            | "proposalmade"
            | "quote"
            | "negotiation"
            | "negotiationreview"
            | "negotiationsstarted" => Stage::Proposal,
            "customer" | "evangelist" | "closedwon" => return Err(already()),
            "closedlost" => return Err(lost()),
            _ => {
                return Err(format!(
                    "`{text}` is not a deal stage; use inquiry, sales-ready, qualified or proposal"
                ))
            }
        },
    };
    match stage {
        Stage::Won => Err(already()),
        Stage::Lost => Err(lost()),
        open => Ok(open),
    }
}

/// Physical line numbers of byte offsets, counting `\n`, `\r\n` and a lone `\r` as line ends.
struct Lines<'a> {
    data: &'a [u8],
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(data: &'a [u8]) -> Self {
        let mut starts = vec![0];
        for (i, byte) in data.iter().enumerate() {
            let ends_line = match byte {
                b'\n' => true,
                b'\r' => data.get(i + 1) != Some(&b'\n'),
                _ => false,
            };
            if ends_line {
                starts.push(i + 1);
            }
        }
        Self { data, starts }
    }

    /// The line where a record starts. The reader's position is just past the previous record,
    /// which can leave it on the `\n` of a `\r\n` or before blank lines the reader skips, so
    /// line ends are stepped over first.
    fn record_line(&self, byte: u64) -> u64 {
        let mut at = usize::try_from(byte).unwrap_or(self.data.len());
        while matches!(self.data.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        self.starts.partition_point(|&start| start <= at) as u64
    }
}

/// Reads a CSV file with a header row into validated prospects, or per-row errors with the
/// file line where each record starts. `today` is the importing rep's local date, for `start`.
pub fn read_prospects(mut reader: impl Read, today: NaiveDate) -> Result<ImportRows, FileError> {
    let mut data = Vec::new();
    reader
        .read_to_end(&mut data)
        .map_err(FileError::Unreadable)?;
    let lines = Lines::new(&data);
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(data.as_slice());

    let headers = csv
        .byte_headers()
        .map_err(|e| FileError::Unreadable(std::io::Error::other(e.to_string())))?
        .clone();
    if headers.iter().all(|h| h.trim_ascii().is_empty()) {
        return Err(FileError::Empty);
    }
    let mut columns = Vec::new();
    let mut unknown_columns: Vec<String> = Vec::new();
    for (index, raw) in headers.iter().enumerate() {
        let header = std::str::from_utf8(raw)
            .map_err(|_| FileError::HeaderNotUtf8)?
            .trim()
            .to_string();
        match field_of(&header) {
            Some((field, rank)) => columns.push(Column {
                index,
                header,
                field,
                rank,
            }),
            None if header.is_empty() || unknown_columns.contains(&header) => {}
            None => unknown_columns.push(header),
        }
    }
    columns.sort_by_key(|c| (c.rank, c.index));
    let layout = Layout { columns };
    if ![Field::Name, Field::FirstName, Field::LastName]
        .iter()
        .any(|f| layout.has(*f))
    {
        let found: Vec<String> = headers
            .iter()
            .map(|h| format!("`{}`", String::from_utf8_lossy(h).trim()))
            .collect();
        return Err(FileError::NoNameColumn {
            found: found.join(", "),
        });
    }

    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = lines.record_line(record.position().map_or(0, |p| p.byte()));
                match layout.prospect(&record, today) {
                    Ok(Some(prospect)) => rows.push(Ok(ImportRow { line, prospect })),
                    Ok(None) => {}
                    Err(reason) => rows.push(Err(RowError { line, reason })),
                }
            }
            Err(e) => {
                // Reading from memory only fails on malformed input the reader gives up on.
                let line = lines.record_line(e.position().map_or(0, |p| p.byte()));
                rows.push(Err(RowError {
                    line,
                    reason: format!("not readable as CSV: {e}"),
                }));
                break;
            }
        }
    }
    Ok(ImportRows {
        rows,
        unknown_columns,
    })
}

/// Enrols each good row for `rep` through [`Service::add`]. Bad rows, duplicates and rows the
/// database failed to save are reported, each with its line; the other rows are kept.
pub async fn import(service: &Service, rep: &RepRef, rows: ImportRows) -> ImportSummary {
    let mut summary = ImportSummary {
        unknown_columns: rows.unknown_columns,
        ..ImportSummary::default()
    };
    for row in rows.rows {
        let ImportRow { line, prospect } = match row {
            Ok(row) => row,
            Err(bad) => {
                summary.bad.push(bad);
                continue;
            }
        };
        match service.add(rep, &prospect).await {
            Ok(Reply::Added { state, .. }) => summary.added.push(state.prospect.id),
            Ok(Reply::Duplicate { existing }) => summary.duplicates.push(DuplicateRow {
                line,
                existing: existing.iter().map(|p| p.id).collect(),
            }),
            Ok(Reply::Problem(reason)) => summary.bad.push(RowError { line, reason }),
            Ok(other) => {
                tracing::warn!(line, reply = ?other, "import: unexpected reply to add");
                summary.bad.push(RowError {
                    line,
                    reason: "was not added".to_string(),
                });
            }
            Err(e) => {
                tracing::warn!(line, error = ?e.0, "import: a row could not be saved");
                summary.failed.push(RowError {
                    line,
                    reason: format!("not saved: {}", e.0),
                });
            }
        }
    }
    summary
}

fn instant(at: Option<DateTime<Utc>>) -> String {
    at.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// Writes prospects as CSV with [`EXPORT_COLUMNS`] as the header row.
pub fn write_prospects(writer: impl Write, prospects: &[Prospect]) -> Result<(), csv::Error> {
    let mut out = csv::Writer::from_writer(writer);
    out.write_record(EXPORT_COLUMNS)?;
    for p in prospects {
        let value = p
            .value
            .map(|v| format!("{}.{:02}", v.cents() / 100, v.cents() % 100))
            .unwrap_or_default();
        out.write_record([
            p.id.to_string().as_str(),
            &p.name,
            p.email.as_deref().unwrap_or_default(),
            p.phone.as_deref().unwrap_or_default(),
            p.linkedin.as_deref().unwrap_or_default(),
            p.company.as_deref().unwrap_or_default(),
            p.stage.as_str(),
            &value,
            p.lead.map(LeadTemp::as_str).unwrap_or_default(),
            p.pace.as_str(),
            p.status.as_str(),
            p.cadence.as_str(),
            p.notes.as_deref().unwrap_or_default(),
            p.touches_done.to_string().as_str(),
            &instant(p.last_contact_at),
            &instant(Some(p.created_at)),
            &p.rep.user_id,
        ])?;
    }
    out.flush()?;
    Ok(())
}
