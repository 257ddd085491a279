//! The modals, one file each, named by its callback id: the form's view and the reading of what
//! it submits, which share its block ids; and the answer that shows a submission's problems.

pub mod add_prospect;
pub mod cadence_import;
pub mod edit_prospect;
pub mod log_touch;
pub mod meeting_recap;

use serde_json::{json, Value};

/// The answer that keeps the modal open and shows each problem under its field.
pub fn errors_response(errors: &[(&'static str, String)]) -> Value {
    let map: serde_json::Map<String, Value> = errors
        .iter()
        .map(|(block, message)| (block.to_string(), json!(message)))
        .collect();
    json!({"response_action": "errors", "errors": map})
}
