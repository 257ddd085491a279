// End-to-end run of `followup demo` in headless Chromium: add a prospect through the add form,
// go to the next morning, click Done on the digest, and see the message updated in place.
// Usage: node tests/e2e/demo.mjs <demo url> <screenshot path>
// Run by tests/it/demo_e2e.rs; needs /usr/bin/chromium and `npm ci` in tests/e2e.
import { chromium } from "playwright-core";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [url, screenshot] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error("usage: node demo.mjs <demo url> <screenshot path>");
  process.exit(2);
}
const executablePath = process.env.FOLLOWUP_CHROMIUM || "/usr/bin/chromium";
const WAIT = { timeout: 15_000 };
const NAME = "Robin Example";

function step(text) {
  console.log(`· ${text}`);
}

const profile = await mkdtemp(join(tmpdir(), "followup-e2e-profile-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const page = context.pages()[0] ?? (await context.newPage());
const problems = [];
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
page.on("console", (m) => {
  if (m.type() === "error") problems.push(`console error: ${m.text()}`);
});

let failed = null;
try {
  step(`open ${url}`);
  await page.goto(url);
  await page.getByText("DEMO MODE").first().waitFor(WAIT);
  await page.selectOption("#rep", "U0DEMODANA");

  step("type /followup add: the add form opens");
  await page.fill("#command", "add");
  await page.press("#command", "Enter");
  const modal = page.locator("form.modal");
  await modal.getByRole("heading", { name: "Add a prospect" }).waitFor(WAIT);

  step(`fill the form for ${NAME} and submit`);
  await modal.locator("#in-name").fill(NAME);
  await modal.locator("#in-company").fill("E2E Widgets");
  await modal.locator("#in-lead").selectOption("hot");
  await modal.getByRole("button", { name: "Add", exact: true }).click();
  await modal.waitFor({ state: "detached", ...WAIT });
  const confirmation = page.locator(".msg.app", { hasText: `Added ${NAME}` });
  await confirmation.waitFor(WAIT);

  step("next morning: the digest arrives");
  await page.click("#next-morning");
  const digest = page.locator(".msg.app", { hasText: "Good morning" }).filter({ hasText: NAME }).last();
  await digest.waitFor(WAIT);
  const section = digest.locator(".bk-section", { hasText: NAME });
  const actions = section.locator("xpath=following-sibling::div[contains(@class,'bk-actions')][1]");
  const done = actions.getByRole("button", { name: /Done/ });
  await done.waitFor(WAIT);

  step("click Done on that touch: the digest is updated in place");
  await done.click();
  await section.getByText("Logged touch 1 of 9").waitFor(WAIT);
  await digest.locator(".edited").waitFor(WAIT);
  const buttonsLeft = await section.locator(
    "xpath=following-sibling::*[1][contains(@class,'bk-actions')]//button[contains(., 'Done')]"
  ).count();
  const sectionText = await section.innerText();
  if (!/Next touch/.test(sectionText)) {
    throw new Error(`the updated touch does not say when the next one is: ${sectionText}`);
  }
  // The touch that was done has no Done button left under it, only an Undo.
  if (buttonsLeft > 0) {
    throw new Error("the Done button is still under the touch that was done");
  }
  const undo = section.locator(
    "xpath=following-sibling::*[1][contains(@class,'bk-actions')]//button[contains(., 'Undo')]"
  );
  if ((await undo.count()) !== 1) {
    throw new Error("no Undo under the touch that was done");
  }
  const header = await digest.locator(".bk-header").first().innerText();
  if (!/follow-ups? left/.test(header)) {
    throw new Error(`the digest's header was not brought up to date: ${header}`);
  }

  step("click Undo: the touch is back with its buttons");
  await undo.click();
  const again = digest.locator(".bk-section", { hasText: NAME });
  await again
    .locator("xpath=following-sibling::div[contains(@class,'bk-actions')][1]")
    .getByRole("button", { name: /Done/ })
    .waitFor(WAIT);

  step("click Done again: logged for good");
  await again
    .locator("xpath=following-sibling::div[contains(@class,'bk-actions')][1]")
    .getByRole("button", { name: /Done/ })
    .click();
  await digest.locator(".bk-section", { hasText: "Logged touch 1 of 9" }).waitFor(WAIT);
  // The screenshot shows the digest from its header ("(edited)") down to the updated touch.
  await digest.evaluate((el) => el.scrollIntoView({ block: "start" }));
  console.log(`updated touch: ${sectionText.replace(/\s+/g, " ")}`);
  if (problems.length) throw new Error(problems.join("\n"));
} catch (e) {
  failed = e;
}
await page.screenshot({ path: screenshot });
console.log(`screenshot: ${screenshot}`);
await context.close();
await rm(profile, { recursive: true, force: true });
if (failed) {
  console.error(`FAILED: ${failed.stack || failed}`);
  process.exit(1);
}
console.log("ok: added, digested, done, updated in place");
