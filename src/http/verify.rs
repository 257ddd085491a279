//! The signature layer over every `/slack/*` route: the body is read once, within its limit, and
//! verified on its raw bytes before any handler sees it. A route under `/slack/` cannot forget it,
//! and a handler cannot be reached without it: [`SignedBody`] only exists behind the layer.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::app::AppState;
use crate::slack::manifest::INTERACTIONS_PATH;
use crate::slack::signature;

/// Slash commands and events are a few kilobytes; anything this large is not from Slack.
pub const MAX_SLACK_BODY: usize = 64 * 1024;
/// A click carries the whole message it came from back to us: a full digest (50 blocks, each
/// entry with its message and a `mailto:` holding it again) runs past 64 KiB.
pub const MAX_INTERACTION_BODY: usize = 1024 * 1024;

/// How large a body the route at `path` accepts.
fn body_limit(path: &str) -> usize {
    if path == INTERACTIONS_PATH {
        MAX_INTERACTION_BODY
    } else {
        MAX_SLACK_BODY
    }
}

/// A request body whose Slack signature checked out.
#[derive(Clone)]
pub struct SignedBody {
    pub body: Bytes,
    /// `X-Slack-Retry-Num`: Slack is delivering this again.
    pub retry: Option<u32>,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The layer: 413 over the route's limit, 401 on a missing, stale or wrong signature; otherwise
/// the verified body rides on to the handler as a [`SignedBody`].
pub async fn signed(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // Only the three headers it needs, not a copy of all of them.
    let headers = req.headers();
    let owned = |name| header(headers, name).map(str::to_owned);
    let (timestamp, signed, retry) = (
        owned("x-slack-request-timestamp"),
        owned("x-slack-signature"),
        header(headers, "x-slack-retry-num").and_then(|n| n.parse().ok()),
    );
    let limit = body_limit(req.uri().path());
    let (mut parts, body) = req.into_parts();
    // Over the limit this answers 413 before any signature work.
    let body = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<LengthLimitError>() => {
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("a Slack request is at most {limit} bytes"),
            )
                .into_response()
        }
        Err(e) => return bad_request(format!("the body could not be read: {e}")),
    };
    if let Err(e) = signature::verify(
        &state.secret,
        timestamp.as_deref(),
        signed.as_deref(),
        &body,
        state.clock.now(),
    ) {
        tracing::warn!(reason = %e, "refused an unsigned or badly signed request");
        return (
            StatusCode::UNAUTHORIZED,
            format!("invalid Slack signature: {e}"),
        )
            .into_response();
    }
    parts.extensions.insert(SignedBody {
        body: body.clone(),
        retry,
    });
    next.run(Request::from_parts(parts, Body::from(body))).await
}

impl<S: Send + Sync> FromRequest<S> for SignedBody {
    type Rejection = Response;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        req.extensions().get::<SignedBody>().cloned().ok_or_else(|| {
            tracing::error!(path = %req.uri().path(), "a Slack route without the signature layer");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        })
    }
}

/// 400 with a short reason: a malformed or unknown body.
pub fn bad_request(reason: impl Into<String>) -> Response {
    (StatusCode::BAD_REQUEST, reason.into()).into_response()
}
