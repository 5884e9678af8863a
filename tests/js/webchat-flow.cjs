// Drives the built-in web chat in headless Chromium (Debian's /usr/bin/chromium through playwright-core) through the
// whole flow: the clerk sets two approval-enabled fields and submits; the approver sees the card and clicks Approve;
// the clerk sees the outcome and `customer` shows the new values. Saves a screenshot after each step and prints, as
// JSON, what each step saw. Usage: node tests/js/webchat-flow.cjs <base url> <screenshot folder>
"use strict";
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

const [baseUrl, shots] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

(async () => {
    fs.mkdirSync(shots, { recursive: true });
    const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu"] });
    const steps = {};
    const errors = [];
    try {
        const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
        page.on("pageerror", e => errors.push(String(e)));
        page.on("console", m => { if (m.type() === "error") errors.push(m.text()); });
        await page.goto(baseUrl);
        const shot = async name => page.screenshot({ path: path.join(shots, name + ".png"), fullPage: true });
        const conversation = user => page.locator(`.conversation[data-user="${user}"]`);
        const say = async text => {
            await page.fill("#text", text);
            await page.press("#text", "Enter");
        };
        const lastBot = user => conversation(user).locator(".message.bot").last();

        await page.click('button.user[data-user="sample-clerk"]');
        await say("set US-001 CreditLimit=300000 PaymentTerms=Net45");
        await conversation("sample-clerk").getByText("CreditLimit 250000.00 → 300000.00").waitFor();
        steps.set = await lastBot("sample-clerk").innerText();
        await say("submit US-001 \"web chat\"");
        await conversation("sample-clerk").getByText("Submitted proposal US-001-P1").waitFor();
        steps.submit = await lastBot("sample-clerk").innerText();
        await shot("1-clerk-submitted");

        await page.click('button.user[data-user="sample-approver"]');
        const card = conversation("sample-approver").locator(".card").filter({ hasText: "Customer change for approval" }).last();
        await card.waitFor();
        steps.approverCard = await card.innerText();
        await shot("2-approver-card");
        await card.getByRole("button", { name: "Approve" }).click();
        await conversation("sample-approver").getByText("Approved and applied by Arun Approver").first().waitFor();
        steps.afterClick = await conversation("sample-approver").locator(".card").last().innerText();
        steps.buttonsAfterClick = await conversation("sample-approver").locator(".card").last().getByRole("button").count();
        await shot("3-approver-approved");

        await page.click('button.user[data-user="sample-clerk"]');
        await conversation("sample-clerk").getByText("Your changes were approved and applied").first().waitFor();
        steps.outcome = await lastBot("sample-clerk").innerText();
        await say("customer US-001");
        await conversation("sample-clerk").getByText("Customer US-001 Contoso Retail").last().waitFor();
        steps.customer = await lastBot("sample-clerk").innerText();
        await shot("4-clerk-customer");
        steps.typingHidden = await page.locator("#typing").isHidden();
        steps.errorHidden = await page.locator("#error").isHidden();
    } finally {
        await browser.close();
    }
    process.stdout.write(JSON.stringify({ steps, errors }));
})().catch(error => {
    console.error(error && error.stack || String(error));
    process.exit(1);
});
