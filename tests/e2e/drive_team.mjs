// Not a test: a manager and a rep try the team settings in the demo, with screenshots.
// Usage: node tests/e2e/drive_team.mjs <demo url> <out dir>
import { chromium } from "playwright-core";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
const [url, out] = process.argv.slice(2);
const context = await chromium.launchPersistentContext(await mkdtemp(join(tmpdir(), "drive-")), {
  executablePath: "/usr/bin/chromium", headless: true, viewport: { width: 1280, height: 1000 },
  args: ["--no-sandbox", "--disable-gpu"],
});
const page = context.pages()[0] ?? (await context.newPage());
const errors = [];
page.on("pageerror", (e) => errors.push(e.message));
let n = 0;
const shot = async (name) => { n += 1; await page.waitForTimeout(400); await page.screenshot({ path: `${out}/${String(n).padStart(2, "0")}-${name}.png` }); };
const say = async (text) => { await page.fill("#command", text); await page.press("#command", "Enter"); await page.waitForTimeout(800); };
await page.goto(url);
const reps = await page.locator("#rep option").allTextContents();
console.log("reps:", reps.join(" | "));
await page.selectOption("#rep", "U0DEMOLEE");
await page.waitForTimeout(500);
await say("settings team-channel #sales");
await say("settings managers @lee");
await shot("rep-refused");
await page.selectOption("#rep", "U0DEMODANA");
await page.waitForTimeout(500);
await say("settings team-channel #sales");
await say("settings team-channel sales");
await shot("manager-sets-channel");
await say("help");
await shot("help");
await page.click("#next-morning");
await page.waitForTimeout(1200);
// Two quick clicks: Done on the first two entries without waiting in between.
const dones = page.locator(".bk-actions button", { hasText: "Done" });
const count = await dones.count();
console.log("done buttons:", count);
if (count >= 2) {
  await Promise.all([dones.nth(0).click(), dones.nth(1).click()]);
  await page.waitForTimeout(1500);
}
await shot("two-quick-dones");
console.log(errors.length ? "page errors: " + errors.join("; ") : "no page errors");
await context.close();
