// Renders every card JSON file in a folder with the official Adaptive Cards library inside headless Chromium
// (Debian's /usr/bin/chromium, driven by playwright-core), with markdown-it as the markdown processor as Teams
// would, and saves a screenshot of each. Prints, as JSON, per card: whether it rendered, its visible text, and the
// links and formatting elements in it (user text must produce none).
// Usage: node tests/js/render-cards.cjs <cards folder> <screenshot folder>
"use strict";
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

const [cardsFolder, shotsFolder] = process.argv.slice(2);
if (!cardsFolder || !shotsFolder) {
    console.error("usage: node render-cards.cjs <cards folder> <screenshot folder>");
    process.exit(2);
}
const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

(async () => {
    fs.mkdirSync(shotsFolder, { recursive: true });
    const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu"] });
    try {
        const page = await browser.newPage({ viewport: { width: 520, height: 900 } });
        await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>
            body { font-family: "Segoe UI", sans-serif; background: #f5f5f5; margin: 0; padding: 12px; }
            #host { background: white; width: 480px; }</style></head><body><div id="host"></div></body></html>`);
        await page.addStyleTag({ path: require.resolve("adaptivecards/dist/adaptivecards.css") });
        await page.addScriptTag({ path: require.resolve("markdown-it/dist/markdown-it.min.js") });
        await page.addScriptTag({ path: require.resolve("adaptivecards/dist/adaptivecards.js") });
        const results = {};
        for (const name of fs.readdirSync(cardsFolder).filter(n => n.endsWith(".json")).sort()) {
            const json = JSON.parse(fs.readFileSync(path.join(cardsFolder, name), "utf8"));
            results[name] = await page.evaluate(payload => {
                const host = document.getElementById("host");
                host.innerHTML = "";
                const md = window.markdownit();
                AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
                    result.outputHtml = md.render(text);
                    result.didProcess = true;
                };
                const card = new AdaptiveCards.AdaptiveCard();
                card.hostConfig = new AdaptiveCards.HostConfig({ supportsInteractivity: true });
                card.parse(payload);
                const element = card.render();
                if (!element) {
                    return { rendered: false };
                }
                host.appendChild(element);
                return {
                    rendered: true,
                    text: element.innerText,
                    links: Array.from(element.querySelectorAll("a")).map(a => a.href),
                    formatted: element.querySelectorAll("strong, em").length,
                    buttons: Array.from(element.querySelectorAll("button")).map(b => b.innerText.trim()),
                };
            }, json);
            if (results[name].rendered) {
                await page.locator("#host").screenshot({ path: path.join(shotsFolder, name.replace(/\.json$/, ".png")) });
            }
        }
        process.stdout.write(JSON.stringify(results));
    } finally {
        await browser.close();
    }
})().catch(error => {
    console.error(error && error.stack || String(error));
    process.exit(1);
});
