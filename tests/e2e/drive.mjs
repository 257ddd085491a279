// What the drive_*.mjs scripts share: Debian's Chromium on the demo page, a screenshot helper and
// a way to type `/followup …` as the rep would. Not a test.
import { chromium } from "playwright-core";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Opens `url` in headless Chromium; screenshots go to `out`, numbered in order. */
export async function openDemo(url, out, { pause = 700 } = {}) {
  const context = await chromium.launchPersistentContext(await mkdtemp(join(tmpdir(), "drive-")), {
    executablePath: "/usr/bin/chromium", headless: true, viewport: { width: 1280, height: 1000 },
    args: ["--no-sandbox", "--disable-gpu"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  let n = 0;
  const shot = async (name) => {
    n += 1;
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${out}/${String(n).padStart(2, "0")}-${name}.png` });
  };
  const say = async (text) => {
    await page.fill("#command", text);
    await page.press("#command", "Enter");
    await page.waitForTimeout(pause);
  };
  await page.goto(url);
  return { context, page, errors, shot, say };
}
