//! Every `POST /slack/*` is verified on its raw bytes before anything reads them.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::slack::signature;

/// A request body whose Slack signature checked out.
pub struct SignedBody {
    pub body: Bytes,
    /// `X-Slack-Retry-Num`: Slack is delivering this again.
    pub retry: Option<u32>,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

impl FromRequest<AppState> for SignedBody {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        // Only the three headers it needs, not a copy of all of them.
        let headers = req.headers();
        let owned = |name| header(headers, name).map(str::to_owned);
        let (timestamp, signed, retry) = (
            owned("x-slack-request-timestamp"),
            owned("x-slack-signature"),
            header(headers, "x-slack-retry-num").and_then(|n| n.parse().ok()),
        );
        // Over the body limit this answers 413 before any signature work.
        let body = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        signature::verify(
            &state.secret,
            timestamp.as_deref(),
            signed.as_deref(),
            &body,
            state.clock.now(),
        )
        .map_err(|e| {
            tracing::warn!(reason = %e, "refused an unsigned or badly signed request");
            (
                StatusCode::UNAUTHORIZED,
                format!("invalid Slack signature: {e}"),
            )
                .into_response()
        })?;
        Ok(SignedBody { body, retry })
    }
}

/// 400 with a short reason: a malformed or unknown body.
pub fn bad_request(reason: impl Into<String>) -> Response {
    (StatusCode::BAD_REQUEST, reason.into()).into_response()
}
