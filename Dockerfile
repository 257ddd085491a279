# followup: one binary on Debian slim.
#
#   docker build -t followup .
#   docker run --rm -p 8080:8080 -v followup_data:/data \
#     -e SLACK_SIGNING_SECRET=… -e SLACK_BOT_TOKEN=xoxb-… followup
#
# Secrets come from the environment at run time (`fly secrets set`, `docker run -e`), never from
# the image: .dockerignore keeps .env out of the build context.

# ---- build ----------------------------------------------------------------------------------
FROM rust:1-bookworm AS builder
WORKDIR /app

# Dependencies first, against a dummy crate, so that editing src/ does not rebuild them. The
# workspace's other member (the Slack stand-in the demo uses) comes whole: it is small and rarely
# changes.
COPY Cargo.toml Cargo.lock ./
COPY crates crates
RUN mkdir src \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs \
 && cargo build --release --locked \
 && rm -rf src

# The real crate. Migrations are embedded at compile time (sqlx::migrate!), so migrations/ must be
# in the context; the runtime image needs nothing but the binary. COPY keeps the files' own mtimes,
# which can be older than the dummy build's output: touch the roots so cargo rebuilds the crate.
COPY . .
RUN touch src/main.rs src/lib.rs \
 && cargo build --release --locked

# ---- run ------------------------------------------------------------------------------------
FROM debian:bookworm-slim

# ca-certificates: the Slack client speaks TLS to slack.com against the system's root store.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# A non-root user that owns /data, where the SQLite file lives. On Fly.io a new volume is mounted
# owned by the image's user; with `docker run -v name:/data` a new named volume copies this owner.
RUN groupadd --system --gid 10001 followup \
 && useradd --system --uid 10001 --gid followup --home-dir /data --shell /usr/sbin/nologin followup \
 && mkdir -p /data \
 && chown followup:followup /data

COPY --from=builder /app/target/release/followup /usr/local/bin/followup
RUN followup --version

USER 10001:10001
WORKDIR /data
ENV DATABASE_URL=sqlite:///data/followup.db \
    PORT=8080
EXPOSE 8080

# `serve` migrates, answers Slack and runs the digest scheduler; SIGTERM stops it gracefully.
CMD ["followup", "serve"]
