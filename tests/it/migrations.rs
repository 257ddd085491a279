//! The two migration folders must stay mirrors: same versions, same names, same tables.

use std::collections::BTreeSet;
use std::path::Path;

fn migrations(backend: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            entry
                .expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

fn tables_and_indexes(backend: &str, file: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend)
        .join(file);
    let sql = std::fs::read_to_string(&path).expect("migration file");
    sql.lines()
        .map(str::trim)
        .filter(|l| l.starts_with("CREATE") || l.starts_with("ALTER") || l.starts_with("DROP"))
        // The statement and the object it names; column types differ between backends by design.
        .map(|l| {
            let head = l.split('(').next().unwrap_or(l);
            head.split_whitespace()
                .take(6)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[test]
fn sqlite_and_postgres_migrations_list_the_same_versions() {
    let sqlite = migrations("sqlite");
    let postgres = migrations("postgres");
    assert!(!sqlite.is_empty(), "no migrations found");
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres differ"
    );
}

#[test]
fn each_migration_creates_the_same_tables_and_indexes_on_both() {
    for file in migrations("sqlite") {
        assert_eq!(
            tables_and_indexes("sqlite", &file),
            tables_and_indexes("postgres", &file),
            "{file} creates different objects on the two backends"
        );
    }
}
