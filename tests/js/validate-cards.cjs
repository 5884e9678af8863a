// Parses every card JSON file in a folder with the official Adaptive Cards library and prints, as JSON, the
// parse and validation events of each (an empty list means the library accepts the card as it is).
// Usage: node tests/js/validate-cards.cjs <folder>
"use strict";
const fs = require("fs");
const path = require("path");
const AC = require("adaptivecards/dist/adaptivecards.js");

const folder = process.argv[2];
if (!folder) {
    console.error("usage: node validate-cards.cjs <folder>");
    process.exit(2);
}

const results = {};
for (const name of fs.readdirSync(folder).filter(n => n.endsWith(".json")).sort()) {
    const json = JSON.parse(fs.readFileSync(path.join(folder, name), "utf8"));
    const card = new AC.AdaptiveCard();
    const context = new AC.SerializationContext();
    card.parse(json, context);
    const events = [];
    for (let i = 0; i < context.eventCount; i++) {
        const e = context.getEventAt(i);
        events.push(`parse: ${e.message}`);
    }
    const validation = card.validateProperties();
    for (const e of validation.validationEvents) {
        events.push(`validate: ${e.message}`);
    }
    results[name] = events;
}
process.stdout.write(JSON.stringify({ version: AC.GlobalSettings ? "adaptivecards" : "?", results }));
