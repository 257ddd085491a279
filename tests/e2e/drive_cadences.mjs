// Not a test: the team's own cadences in the demo, with screenshots, to look at by eye. Dana (a
// manager) reads the reply rates and their verdict, lists the cadences, adds a prospect on the
// team's cadence through the form, shows it, and takes two mornings of digests.
// Usage: node tests/e2e/drive_cadences.mjs <demo url> <out dir>
import { openDemo } from "./drive.mjs";
const [url, out] = process.argv.slice(2);
const { context, page, errors, shot, say } = await openDemo(url, out, { pause: 800 });
await page.selectOption("#rep", "U0DEMODANA");
await page.waitForTimeout(500);
await say("stats");
await shot("stats-verdict");
await say("cadences");
await shot("cadences");
await say("add");
const modal = page.locator("form.modal");
await modal.waitFor({ timeout: 5000 });
await shot("add-form");
await modal.locator("#in-name").fill("Hugo Lind");
await modal.locator("#in-company").fill("Lind Freight");
await modal.locator("#in-email").fill("hugo@lindfreight.example").catch(() => {});
await modal.locator("#in-cadence").selectOption("enterprise");
await shot("add-form-enterprise");
await modal.getByRole("button", { name: "Add", exact: true }).click();
await page.waitForTimeout(1000);
await shot("added");
await say("show hugo");
await shot("show-hugo");
await page.click("#next-morning");
await page.waitForTimeout(1200);
await shot("digest-1");
await page.click("#next-morning");
await page.waitForTimeout(1200);
await shot("digest-2");
await say("stats 90d");
await shot("stats-90d");
console.log("page errors:", errors);
await context.close();
