//! Slack's `v0` request signature. Written here rather than taken from slack-morphism because its
//! verifier reads the system clock, and tests (and replay checks) need the time passed in.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Requests older (or newer) than this are refused as replays.
pub const MAX_AGE_SECS: i64 = 5 * 60;

/// The signing secret; prints as `[REDACTED]`. Shared, not copied: the app's state (which holds
/// it) is cloned for every request, and a copied secret is an allocation and a zeroing each time.
#[derive(Clone, Debug)]
pub struct SigningSecret(std::sync::Arc<SecretString>);

impl SigningSecret {
    pub fn new(secret: impl Into<String>) -> Self {
        Self::from(SecretString::from(secret.into()))
    }
}

impl From<SecretString> for SigningSecret {
    fn from(secret: SecretString) -> Self {
        Self(std::sync::Arc::new(secret))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("missing X-Slack-Request-Timestamp or X-Slack-Signature")]
    Missing,
    #[error("the request timestamp is not a number")]
    BadTimestamp,
    #[error("the request is more than 5 minutes old (or from the future)")]
    Stale,
    #[error("the signature does not match")]
    Mismatch,
}

/// `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`.
pub fn sign(secret: &SigningSecret, timestamp: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.0.expose_secret().as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

/// Checks the raw body against the headers' timestamp and signature, at `now`.
pub fn verify(
    secret: &SigningSecret,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
        return Err(SignatureError::Missing);
    };
    let sent: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| SignatureError::BadTimestamp)?;
    // Checked: a timestamp near i64::MIN must be refused, not overflow (it arrives unsigned).
    let age = now.timestamp().checked_sub(sent).map(i64::unsigned_abs);
    if age.is_none_or(|age| age > MAX_AGE_SECS.unsigned_abs()) {
        return Err(SignatureError::Stale);
    }
    let expected = sign(secret, timestamp.trim(), body);
    if expected
        .as_bytes()
        .ct_eq(signature.trim().as_bytes())
        .into()
    {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}
