//! Installing followup in many workspaces: OAuth v2 with a signed, expiring, single-use `state`
//! bound to the browser that asked for it, and each workspace's bot token encrypted at rest
//! (ChaCha20-Poly1305, bound to its team id).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretSlice, SecretString};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::slack::api::TokenSource;
use crate::store::Store;

/// How long an install link's `state` is good for.
pub const STATE_TTL_MINUTES: i64 = 10;

/// The key that encrypts stored tokens: zeroed when dropped, `[REDACTED]` when printed.
#[derive(Clone, Debug)]
pub struct Cipher {
    key: SecretSlice<u8>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CipherError {
    #[error("FOLLOWUP_ENCRYPTION_KEY must be base64")]
    NotBase64,
    #[error("FOLLOWUP_ENCRYPTION_KEY must be 32 bytes once decoded (got {0}); make one with `openssl rand -base64 32`")]
    WrongLength(usize),
    #[error(
        "a stored token does not decrypt with this key (was FOLLOWUP_ENCRYPTION_KEY changed?)"
    )]
    Undecryptable,
}

impl Cipher {
    /// A cipher from `FOLLOWUP_ENCRYPTION_KEY`: 32 bytes, base64.
    pub fn from_base64(key: &str) -> Result<Self, CipherError> {
        let key = SecretSlice::from(
            STANDARD
                .decode(key.trim())
                .map_err(|_| CipherError::NotBase64)?,
        );
        match key.expose_secret().len() {
            32 => Ok(Self { key }),
            wrong => Err(CipherError::WrongLength(wrong)),
        }
    }

    /// The AEAD for one call; it zeroes its copy of the key when dropped.
    fn aead(&self) -> ChaCha20Poly1305 {
        ChaCha20Poly1305::new(Key::from_slice(self.key.expose_secret()))
    }

    /// `base64(nonce ‖ ciphertext)`; the team id is bound in as associated data, so a token
    /// copied to another workspace's row does not decrypt.
    pub fn encrypt(&self, team_id: &str, plaintext: &str) -> String {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .aead()
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: team_id.as_bytes(),
                },
            )
            .expect("ChaCha20-Poly1305 encrypts any message that fits in memory");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        STANDARD.encode(out)
    }

    pub fn decrypt(&self, team_id: &str, stored: &str) -> Result<String, CipherError> {
        let bytes = STANDARD
            .decode(stored)
            .map_err(|_| CipherError::Undecryptable)?;
        if bytes.len() < 12 {
            return Err(CipherError::Undecryptable);
        }
        let (nonce, sealed) = bytes.split_at(12);
        let plain = self
            .aead()
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: team_id.as_bytes(),
                },
            )
            .map_err(|_| CipherError::Undecryptable)?;
        String::from_utf8(plain).map_err(|_| CipherError::Undecryptable)
    }
}

/// The OAuth app's credentials; the secrets print as `[REDACTED]`.
#[derive(Clone, Debug)]
pub struct OAuthConfig {
    pub client_id: String,
    pub client_secret: SecretString,
    pub cipher: Cipher,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    #[error("the install link is malformed")]
    Malformed,
    #[error("the install link was not issued by this server")]
    Forged,
    #[error("the install link has expired")]
    Expired,
    #[error("this browser did not start this install (it was started in another browser, or cookies are blocked)")]
    NoCookie,
    #[error("the install was started in another browser")]
    OtherBrowser,
    #[error("the install link was already used")]
    Used,
}

/// The cookie that binds an install to the browser that started it.
pub const STATE_COOKIE: &str = "followup_oauth_state";

/// What `GET /slack/install` hands out: the `state` for Slack's authorize page, and the nonce the
/// browser keeps in [`STATE_COOKIE`]. The state carries only a hash of the nonce, so the link
/// alone (in a log, a history, a referrer) cannot complete an install.
pub struct IssuedState {
    pub state: String,
    pub cookie: String,
}

fn state_mac(secret: &str, payload: &str) -> Vec<u8> {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key");
    mac.update(b"followup-oauth-state:");
    mac.update(payload.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn nonce_hash(cookie: &str) -> Vec<u8> {
    use sha2::Digest;
    Sha256::digest(cookie.as_bytes()).to_vec()
}

/// A `state` that expires after [`STATE_TTL_MINUTES`], `expiry.sha256(nonce).signature`, and its
/// nonce for the browser's cookie.
pub fn issue_state(secret: &str, now: DateTime<Utc>) -> IssuedState {
    use chacha20poly1305::aead::rand_core::RngCore;
    let mut random = [0u8; 32];
    OsRng.fill_bytes(&mut random);
    let cookie = URL_SAFE_NO_PAD.encode(random);
    let expiry = (now + Duration::minutes(STATE_TTL_MINUTES)).timestamp();
    let payload = format!("{expiry}.{}", URL_SAFE_NO_PAD.encode(nonce_hash(&cookie)));
    let signature = URL_SAFE_NO_PAD.encode(state_mac(secret, &payload));
    IssuedState {
        state: format!("{payload}.{signature}"),
        cookie,
    }
}

/// Checks everything about a `state` that needs no database: signed by this server, unexpired,
/// and brought back by the browser holding its cookie. Answers the nonce's hash, which the
/// caller claims in the store so the state works once ([`StateError::Used`] otherwise).
pub fn check_state(
    secret: &str,
    state: &str,
    cookie: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String, StateError> {
    let (payload, signature) = state.rsplit_once('.').ok_or(StateError::Malformed)?;
    let given = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| StateError::Malformed)?;
    let expected = state_mac(secret, payload);
    if !bool::from(expected.ct_eq(&given)) {
        return Err(StateError::Forged);
    }
    let (expiry, hash) = payload.split_once('.').ok_or(StateError::Malformed)?;
    let expiry: i64 = expiry.parse().map_err(|_| StateError::Malformed)?;
    if now.timestamp() > expiry {
        return Err(StateError::Expired);
    }
    let signed_hash = URL_SAFE_NO_PAD
        .decode(hash)
        .map_err(|_| StateError::Malformed)?;
    let cookie = cookie
        .filter(|c| !c.is_empty())
        .ok_or(StateError::NoCookie)?;
    if !bool::from(nonce_hash(cookie).ct_eq(&signed_hash)) {
        return Err(StateError::OtherBrowser);
    }
    Ok(hash.to_string())
}

/// Bot tokens per workspace, from the store, decrypted once and kept in memory.
/// `SLACK_BOT_TOKEN`, when also set, serves workspaces that have not installed through OAuth.
pub struct WorkspaceTokens {
    store: Arc<dyn Store>,
    cipher: Cipher,
    fallback: Option<SecretString>,
    cache: Mutex<HashMap<String, SecretString>>,
}

impl WorkspaceTokens {
    pub fn new(store: Arc<dyn Store>, cipher: Cipher, fallback: Option<SecretString>) -> Self {
        Self {
            store,
            cipher,
            fallback,
            cache: Mutex::new(HashMap::new()),
        }
    }
}

#[async_trait]
impl TokenSource for WorkspaceTokens {
    async fn bot_token(&self, team_id: &str) -> Option<SecretString> {
        if let Some(token) = self
            .cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(team_id)
        {
            return Some(token.clone());
        }
        let stored = match self.store.workspace_token(team_id).await {
            Ok(stored) => stored,
            Err(e) => {
                tracing::error!(error = ?e, team = team_id, "reading the workspace token failed");
                return None;
            }
        };
        match stored.map(|s| self.cipher.decrypt(team_id, &s)) {
            Some(Ok(token)) => {
                let token = SecretString::from(token);
                self.cache
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(team_id.to_string(), token.clone());
                Some(token)
            }
            Some(Err(e)) => {
                tracing::error!(error = %e, team = team_id, "stored token unreadable");
                None
            }
            None => self.fallback.clone(),
        }
    }

    fn forget(&self, team_id: &str) {
        self.cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(team_id);
    }

    fn any(&self) -> bool {
        true
    }
}
