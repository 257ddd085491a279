//! The HTTP front: `/api/<method>` for the Web API and `/hooks/<id>` for `response_url`s, as an
//! axum router to mount under the stand-in's base URL, or served on its own by [`Server`].

use std::net::SocketAddr;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use serde_json::{json, Map, Value};

use super::{hook_method, Call, Failure, StandIn, Workspace};

/// The stand-in's routes, relative to its base URL. Any HTTP method is taken, as Slack does
/// for the Web API (slack-morphism sends `GET` for some methods).
pub fn router(standin: Arc<StandIn>) -> Router {
    Router::new()
        .route("/api/{*method}", any(web_api))
        .route("/hooks/{*id}", any(hook))
        .with_state(standin)
}

fn form_to_object(raw: &[u8]) -> Option<Map<String, Value>> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(raw).ok()?;
    Some(
        pairs
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
    )
}

/// The query overlaid with the body: a JSON body's fields as they are, a form's as strings.
fn parse_body(query: Option<&str>, content_type: Option<&str>, raw: &[u8]) -> Value {
    let mut object = query
        .and_then(|q| form_to_object(q.as_bytes()))
        .unwrap_or_default();
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Value::Object(object);
    }
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    let parsed = if ct.starts_with("application/x-www-form-urlencoded") {
        form_to_object(raw).map(Value::Object)
    } else {
        // JSON by content type, or by sniffing when the type is missing or odd.
        serde_json::from_slice::<Value>(raw).ok()
    };
    match parsed {
        Some(Value::Object(fields)) => {
            object.extend(fields);
            Value::Object(object)
        }
        Some(other) if object.is_empty() => other,
        _ if object.is_empty() => Value::String(String::from_utf8_lossy(raw).into_owned()),
        _ => {
            object.insert(
                "_raw_body".into(),
                Value::String(String::from_utf8_lossy(raw).into_owned()),
            );
            Value::Object(object)
        }
    }
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// A request as the front got it, its query and body parsed into one object of fields.
struct Received {
    headers: HeaderMap,
    body: Bytes,
    fields: Value,
}

/// Axum's default limit on a request body.
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Reads and records the request as a call to `name`; a scripted failure (other than a delay,
/// which is waited out) is the answer instead.
async fn receive(
    standin: &StandIn,
    name: String,
    request: Request,
    is_hook: bool,
) -> Result<Received, Response> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|e| (StatusCode::PAYLOAD_TOO_LARGE, e.to_string()).into_response())?;
    let headers = parts.headers;
    let content_type = header_str(&headers, header::CONTENT_TYPE);
    let fields = parse_body(parts.uri.query(), content_type.as_deref(), &body);
    let call = Call {
        method: name,
        http_method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        authorization: header_str(&headers, header::AUTHORIZATION),
        content_type,
        headers: headers
            .iter()
            .map(|(k, v)| {
                let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                (k.as_str().to_string(), value)
            })
            .collect(),
        body: fields.clone(),
        raw_body: String::from_utf8_lossy(&body).into_owned(),
        received_at: Instant::now(),
        failure: None,
    };
    match standin.receive(call) {
        None => {}
        Some(Failure::Delay(d)) => tokio::time::sleep(d).await,
        Some(Failure::RateLimited { retry_after_secs }) => {
            let mut resp = (
                StatusCode::TOO_MANY_REQUESTS,
                axum::Json(json!({"ok": false, "error": "ratelimited"})),
            )
                .into_response();
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            return Err(resp);
        }
        Some(Failure::ServerError) => {
            return Err((StatusCode::INTERNAL_SERVER_ERROR, "internal_error").into_response());
        }
        Some(Failure::ApiError(code)) if is_hook => {
            let status = match code.as_str() {
                "invalid_payload" | "no_text" => StatusCode::BAD_REQUEST,
                "action_prohibited" => StatusCode::FORBIDDEN,
                _ => StatusCode::NOT_FOUND,
            };
            return Err((status, code).into_response());
        }
        Some(Failure::ApiError(code)) => {
            return Err(axum::Json(json!({"ok": false, "error": code})).into_response());
        }
    }
    Ok(Received {
        headers,
        body,
        fields,
    })
}

/// One Web API call: `<base>/api/<method>` (also `/api//<method>`, which slack-morphism makes
/// of a base with a trailing slash), with the query and a JSON or form body.
async fn web_api(
    State(standin): State<Arc<StandIn>>,
    Path(method): Path<String>,
    request: Request,
) -> Response {
    let method = method.trim_start_matches('/');
    if method.is_empty() || method.contains('/') {
        return no_route(request.uri().clone()).await;
    }
    let received = match receive(&standin, method.to_string(), request, false).await {
        Ok(received) => received,
        Err(failure) => return failure,
    };
    let reply = match (standin.reply_set_for(method), received.fields) {
        (Some(reply), _) => reply,
        (None, fields @ Value::Object(_)) => {
            let authorization = received
                .headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok());
            standin.call(method, authorization, &fields)
        }
        (None, _) => json!({"ok": false, "error": "invalid_json"}),
    };
    axum::Json(reply).into_response()
}

/// A post to a `response_url`: Slack answers `ok` as plain text, or a status and a reason.
async fn hook(
    State(standin): State<Arc<StandIn>>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let received = match receive(&standin, hook_method(&id), request, true).await {
        Ok(received) => received,
        Err(failure) => return failure,
    };
    let Ok(parsed) = serde_json::from_slice::<Value>(&received.body) else {
        return (StatusCode::BAD_REQUEST, "invalid_payload").into_response();
    };
    match standin.hook(&id, &parsed) {
        // `&'static str` answers `text/plain; charset=utf-8`.
        Ok(()) => "ok".into_response(),
        Err(refusal) => (
            StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::BAD_REQUEST),
            refusal.reason,
        )
            .into_response(),
    }
}

async fn no_route(uri: Uri) -> Response {
    let text = format!("Slack stand-in: no route for {}", uri.path());
    (StatusCode::NOT_FOUND, text).into_response()
}

/// Stops the server thread when the last clone of the [`Server`] goes.
struct ServerGuard {
    _stop: Mutex<mpsc::Sender<()>>,
}

/// A stand-in served on `127.0.0.1:<free port>`, recording every call: for tests.
///
/// The server runs on its own thread with its own small tokio runtime, so it keeps answering
/// while a test blocks its own thread (for example on `std::process::Command::output()`). It
/// stops when the last clone is dropped. Dereferences to its [`StandIn`].
#[derive(Clone)]
pub struct Server {
    addr: SocketAddr,
    standin: Arc<StandIn>,
    _server: Arc<ServerGuard>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl std::ops::Deref for Server {
    type Target = StandIn;
    fn deref(&self) -> &StandIn {
        &self.standin
    }
}

impl Server {
    /// Starts a stand-in for `workspace` on `127.0.0.1:0`. Panics when it cannot: for tests.
    pub fn start(workspace: Workspace) -> Server {
        let std_listener =
            std::net::TcpListener::bind("127.0.0.1:0").expect("Slack stand-in: bind 127.0.0.1:0");
        std_listener
            .set_nonblocking(true)
            .expect("Slack stand-in: set the listener non-blocking");
        let addr = std_listener
            .local_addr()
            .expect("Slack stand-in: local address of the listener");
        let standin = Arc::new(StandIn::new(workspace, format!("http://{addr}")).recording_calls());
        let app = router(standin.clone()).fallback(no_route);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("slack-standin")
            .enable_all()
            .build()
            .expect("Slack stand-in: build its tokio runtime");
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("slack-standin".into())
            .spawn(move || {
                runtime.spawn(async move {
                    let listener = tokio::net::TcpListener::from_std(std_listener)
                        .expect("Slack stand-in: register the listener with tokio");
                    if let Err(e) = axum::serve(listener, app).await {
                        eprintln!("Slack stand-in: server stopped: {e}");
                    }
                });
                // Returns when the last `Server` clone drops the sender.
                let _ = stop_rx.recv();
                runtime.shutdown_background();
            })
            .expect("Slack stand-in: spawn its thread");
        Server {
            addr,
            standin,
            _server: Arc::new(ServerGuard {
                _stop: Mutex::new(stop_tx),
            }),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The stand-in itself, to share.
    pub fn standin(&self) -> Arc<StandIn> {
        self.standin.clone()
    }
}
