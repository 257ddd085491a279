//! `followup demo` end to end in headless Chromium: the built binary serves the demo on a free
//! loopback port, and `tests/e2e/demo.mjs` (playwright-core driving Debian's chromium) adds a
//! prospect through the add form, goes to the next morning, clicks Done on the digest and sees
//! the message updated in place. The screenshot is kept under `target/e2e-artifacts/`.
//!
//! Chromium and the driver must be installed: this test fails, it never skips. `./scripts/test`
//! installs both when missing (`./scripts/test-setup` alone does just that); by hand:
//!   apt-get update && apt-get install -y chromium fonts-noto-color-emoji
//!   (cd tests/e2e && npm ci)

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const INSTALL: &str =
    "run ./scripts/test-setup, which installs them (Debian's chromium with apt-get, and `npm ci` in tests/e2e)";

/// Kills the demo when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn chromium() -> PathBuf {
    PathBuf::from(std::env::var("FOLLOWUP_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()))
}

fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e")
}

/// Starts `followup demo --port 0` and answers its URL, read from the banner it prints.
fn start_demo(db: &Path) -> (Running, String, mpsc::Receiver<String>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_followup"));
    command
        .args(["demo", "--port", "0", "--db"])
        .arg(db)
        .env("RUST_LOG", "info,sqlx=warn,slack_morphism=warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for name in followup::demo::SLACK_CREDENTIALS {
        command.env_remove(name);
    }
    let mut child = command.spawn().expect("start `followup demo`");
    let stderr = child.stderr.take().expect("the demo's stderr");
    let running = Running(child);
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        match lines.recv_timeout(Duration::from_millis(100)) {
            Ok(line) => {
                if let Some(url) = line.trim().strip_prefix("Open ") {
                    return (running, url.trim().to_string(), lines);
                }
                seen.push(line);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    panic!(
        "`followup demo` printed no URL within 30 s. It said:\n{}",
        seen.join("\n")
    );
}

#[test]
fn a_rep_adds_a_prospect_gets_the_next_mornings_digest_clicks_done_and_sees_it_updated() {
    let chromium = chromium();
    assert!(
        chromium.exists(),
        "{} is missing: the end-to-end demo test needs Chromium; {INSTALL}",
        chromium.display()
    );
    let driver = e2e_dir().join("node_modules/playwright-core");
    assert!(
        driver.exists(),
        "{} is missing: the end-to-end demo test needs playwright-core; {INSTALL}",
        driver.display()
    );
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        node_ok,
        "`node` does not run: the end-to-end demo test needs Node.js 18 or later"
    );

    let dir = tempfile::tempdir().expect("temporary directory");
    let (demo, url, demo_log) = start_demo(&dir.path().join("demo.db"));
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/demo"),
        "the demo must serve on loopback at /demo, it said {url}"
    );

    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-artifacts");
    std::fs::create_dir_all(&artifacts).expect("create target/e2e-artifacts");
    let screenshot = artifacts.join("demo-done-updates-the-digest.png");
    let _ = std::fs::remove_file(&screenshot);
    let out_path = dir.path().join("node.out");
    let out = std::fs::File::create(&out_path).expect("node output file");
    let err = out.try_clone().expect("node output file");
    let mut node = Command::new("node")
        .arg(e2e_dir().join("demo.mjs"))
        .arg(&url)
        .arg(&screenshot)
        .env("FOLLOWUP_CHROMIUM", &chromium)
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("run node tests/e2e/demo.mjs");
    let deadline = Instant::now() + Duration::from_secs(50);
    let status = loop {
        if let Some(status) = node.try_wait().expect("wait for node") {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = node.kill();
            let _ = node.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let said = std::fs::read_to_string(&out_path).unwrap_or_default();
    drop(demo);
    let demo_said: Vec<String> = demo_log.try_iter().collect();
    println!("{said}");
    println!("screenshot: {}", screenshot.display());
    match status {
        Some(s) if s.success() => {}
        Some(s) => panic!(
            "the browser run failed ({s}):\n{said}\nscreenshot: {}\nthe demo said:\n{}",
            screenshot.display(),
            demo_said.join("\n")
        ),
        None => panic!("the browser run took over 50 s:\n{said}"),
    }
    assert!(
        said.contains("Logged touch 1 of 9 for Robin Example"),
        "the updated digest should say the touch was logged:\n{said}"
    );
    let png = std::fs::read(&screenshot).expect("the screenshot was written");
    assert!(
        png.len() > 10_000 && png.starts_with(b"\x89PNG"),
        "the screenshot at {} is not a real PNG",
        screenshot.display()
    );
}
