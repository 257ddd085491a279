// Not a test: a scripted rep's week in the demo, with screenshots, to look at by eye.
// Usage: node tests/e2e/drive_week.mjs <demo url> <out dir>
import { openDemo } from "./drive.mjs";
const [url, out] = process.argv.slice(2);
const { context, page, errors, shot, say } = await openDemo(url, out, { pause: 700 });
await page.selectOption("#rep", "U0DEMOLEE");
await page.waitForTimeout(500);
await say("add Daniel Kim (415) 555-0142 company:Initech");
await say("add Tom Becker from Globex, tom.becker@globex.io, cold lead");
await say("add Priya Shah note:sent proposal today, decision by end of month");
await say("add Kevin Walsh +1 415-555-0100 at Umbrella Corp hot lead");
await shot("adds");
await say("show 13");
await shot("show-bare-number");
await page.click("#next-morning");
await page.waitForTimeout(1200);
await shot("digest");
// Log… on the first entry
const log = page.locator(".bk-actions button", { hasText: "Log…" }).last();
if (await log.count()) {
  await log.click();
  await page.waitForTimeout(700);
  await shot("log-form");
  const modal = page.locator("form.modal");
  await modal.locator("select").first().selectOption("call").catch(() => {});
  await modal.locator("textarea").first().fill("Spoke to Kevin: wants pricing by Friday").catch(() => {});
  await modal.getByRole("button", { name: "Log it" }).click().catch(() => {});
  await page.waitForTimeout(900);
  await shot("after-log");
}
await say("week");
await shot("week");
await say("next kevin friday call send pricing as promised");
await say("edit kevin stage:proposal value:40k prefers:call");
await say("show kevin");
await shot("show-kevin");
const edit = page.locator(".bk-actions button", { hasText: "Edit" }).last();
if (await edit.count()) {
  await edit.click(); await page.waitForTimeout(700); await shot("edit-form");
  const modal = page.locator("form.modal");
  await modal.locator("input").nth(3).fill("+1 415 555 0199").catch(() => {});
  await modal.getByRole("button", { name: "Save" }).click().catch(() => {});
  await page.waitForTimeout(900); await shot("after-edit");
}
await say("away");
await say("help");
await shot("help");
for (let i = 0; i < 3; i++) { await page.click("#next-morning"); await page.waitForTimeout(1000); }
await shot("three-mornings-later");
const done = page.locator(".bk-actions button", { hasText: "Done" }).last();
if (await done.count()) { await done.click(); await page.waitForTimeout(900); await shot("after-done"); }
await page.click("#tab-home"); await page.waitForTimeout(700); await shot("home");
console.log("page errors:", errors);
await context.close();
