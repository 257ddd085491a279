//! Operational numbers in Prometheus' text format, served on `GET /metrics`.

use std::sync::LazyLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus::{
    Encoder, Gauge, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, Opts, Registry,
    TextEncoder,
};

pub static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::new);

fn register<T: prometheus::core::Collector + Clone + 'static>(metric: T) -> T {
    // Registering a name twice is a programming error caught by the tests of this module.
    let _ = REGISTRY.register(Box::new(metric.clone()));
    metric
}

pub static HTTP_REQUESTS: LazyLock<IntCounterVec> = LazyLock::new(|| {
    register(
        IntCounterVec::new(
            Opts::new(
                "followup_http_requests_total",
                "HTTP requests by route and status",
            ),
            &["route", "status"],
        )
        .expect("valid metric"),
    )
});

pub static HTTP_LATENCY: LazyLock<HistogramVec> = LazyLock::new(|| {
    register(
        HistogramVec::new(
            HistogramOpts::new(
                "followup_http_request_duration_seconds",
                "HTTP request latency by route",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["route"],
        )
        .expect("valid metric"),
    )
});

pub static DIGESTS: LazyLock<IntCounterVec> = LazyLock::new(|| {
    register(
        IntCounterVec::new(
            Opts::new(
                "followup_digests_total",
                "Digests by outcome: sent, failed, skipped, unreachable",
            ),
            &["outcome"],
        )
        .expect("valid metric"),
    )
});

pub static SLACK_CALLS: LazyLock<IntCounterVec> = LazyLock::new(|| {
    register(
        IntCounterVec::new(
            Opts::new(
                "followup_slack_api_calls_total",
                "Slack Web API calls (each attempt) by method and outcome",
            ),
            &["method", "outcome"],
        )
        .expect("valid metric"),
    )
});

pub static SLACK_RATE_LIMITED: LazyLock<IntCounter> = LazyLock::new(|| {
    register(
        IntCounter::new(
            "followup_slack_api_rate_limited_total",
            "Slack Web API answers of HTTP 429",
        )
        .expect("valid metric"),
    )
});

pub static SCHEDULER_LAG: LazyLock<Gauge> = LazyLock::new(|| {
    register(
        Gauge::new(
            "followup_scheduler_lag_seconds",
            "How late the last digest pass started after its tick",
        )
        .expect("valid metric"),
    )
});

/// Counts and times every request by its route pattern (never by raw path, which would let
/// callers create unbounded label values).
pub async fn track(request: Request, next: Next) -> Response {
    // A clone of the matched path shares its text (no allocation per request).
    let route = request.extensions().get::<MatchedPath>().cloned();
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    let started = Instant::now();
    let response = next.run(request).await;
    HTTP_LATENCY
        .with_label_values(&[route])
        .observe(started.elapsed().as_secs_f64());
    HTTP_REQUESTS
        .with_label_values(&[route, response.status().as_str()])
        .inc();
    response
}

/// `GET /metrics`.
pub async fn render() -> Response {
    // Touch every metric so each appears from the first scrape, even at zero.
    LazyLock::force(&HTTP_REQUESTS);
    LazyLock::force(&HTTP_LATENCY);
    LazyLock::force(&DIGESTS);
    LazyLock::force(&SLACK_CALLS);
    LazyLock::force(&SLACK_RATE_LIMITED);
    LazyLock::force(&SCHEDULER_LAG);
    // A labelled family with no series is not written at all: start the known ones at zero.
    for outcome in ["sent", "failed", "skipped", "unreachable"] {
        DIGESTS.with_label_values(&[outcome]);
    }
    for method in ["chat.postMessage", "users.info"] {
        for outcome in ["ok", "error", "rate_limited"] {
            SLACK_CALLS.with_label_values(&[method, outcome]);
        }
    }
    let mut body = Vec::new();
    if let Err(e) = TextEncoder::new().encode(&REGISTRY.gather(), &mut body) {
        tracing::error!(error = %e, "encoding metrics failed");
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
