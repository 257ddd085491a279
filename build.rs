//! `sqlx::migrate!` embeds `migrations/` at compile time; stable Rust cannot tell Cargo to watch
//! that folder from a macro, so this does: a new or changed migration rebuilds the crate.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
