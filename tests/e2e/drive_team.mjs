// Not a test: a manager and a rep try the team settings in the demo, with screenshots.
// Usage: node tests/e2e/drive_team.mjs <demo url> <out dir>
import { openDemo } from "./drive.mjs";
const [url, out] = process.argv.slice(2);
const { context, page, errors, shot, say } = await openDemo(url, out, { pause: 800 });
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
