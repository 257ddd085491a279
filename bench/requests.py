#!/usr/bin/env python3
"""Signed `/followup` slash commands for the benchmark, in Slack's wire format (v0 HMAC-SHA256).

  requests.py KIND N [--offset K]         print N signed requests, one per line:
                                          "<timestamp> <signature> <form body>" (what slash.lua reads)
  requests.py KIND N --post URL [--offset K]
                                          send them one by one and print how many got HTTP 200

KIND is `add` (`add <First Last> <email>`, a new email for every i, 8 reps as in
../shared/bench/sign.py), `help`, or `list` (8 other reps, whose lists `seed` fills).
The secret is $SLACK_SIGNING_SECRET, else "bench-secret"; the timestamp is now.
"""
import argparse
import hashlib
import hmac
import os
import sys
import time
import urllib.request
from urllib.parse import urlencode

FIRST = ["Jane", "Omar", "Mia", "Luca", "Aiko", "Sven", "Nora", "Ravi", "Elena", "Tomas"]
LAST = ["Doe", "Novak", "Okafor", "Silva", "Tanaka", "Berg", "Haddad", "Kowalski", "Moreau", "Quinn"]


def signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def body(kind: str, i: int) -> bytes:
    if kind == "add":
        first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
        user, text = f"U0REP{i % 8:04d}", f"add {first} {last} {first}.{last}.{i}@acme.com".lower()
    elif kind == "seed":  # 20 prospects for each of the 8 `list` reps
        user, text = f"U0LST{i % 8:04d}", f"add Listed Person{i} listed{i}@acme.com"
    elif kind == "help":
        user, text = f"U0REP{i % 8:04d}", "help"
    elif kind == "list":
        user, text = f"U0LST{i % 8:04d}", "list"
    else:
        sys.exit(f"unknown kind {kind}")
    return urlencode({
        "token": "benchVerificationToken",
        "team_id": "T0BENCH01",
        "team_domain": "acme-sales",
        "channel_id": "C0BENCH01",
        "channel_name": "sales",
        "user_id": user,
        "user_name": user.lower(),
        "command": "/followup",
        "text": text,
        "api_app_id": "A0BENCH01",
        "response_url": f"https://hooks.slack.com/commands/T0BENCH01/{7000000 + i}/benchResponseToken",
        "trigger_id": f"{7000000 + i}.1234567890.{i:032x}",
    }).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["add", "seed", "help", "list"])
    parser.add_argument("n", type=int)
    parser.add_argument("--offset", type=int, default=0, help="first i (keeps add runs' emails apart)")
    parser.add_argument("--post", metavar="URL")
    args = parser.parse_args()
    secret = os.environ.get("SLACK_SIGNING_SECRET", "bench-secret")
    ts = str(int(time.time()))
    ok = 0
    for i in range(args.offset, args.offset + args.n):
        b = body(args.kind, i)
        sig = signature(secret, ts, b)
        if not args.post:
            sys.stdout.write(f"{ts} {sig} {b.decode()}\n")
            continue
        req = urllib.request.Request(args.post, data=b, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sig,
        })
        with urllib.request.urlopen(req, timeout=10) as answer:
            ok += answer.status == 200
    if args.post:
        print(ok)


if __name__ == "__main__":
    main()
