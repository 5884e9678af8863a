// Validates Teams app manifests against the official JSON schema their "$schema" names, offline: the schemas ship in
// npm @microsoft/app-manifest (build/json-schemas/teams/vX.Y/), and the validator is set up as that package's own
// validateAgainstSchema sets it up (ajv for draft-04, all errors, the uri/email/regex formats). The package's entry
// point cannot be required here (it needs fs-extra, which it lists only as a devDependency), hence the few lines below.
// Prints, as JSON, each file's schema file and errors (an empty list means the manifest is valid).
// Usage: node tests/js/validate-manifest.cjs <manifest.json> [<manifest.json> …]
"use strict";
const fs = require("fs");
const path = require("path");
const Ajv = require("ajv-draft-04");
const addFormats = require("ajv-formats");

const files = process.argv.slice(2);
if (files.length === 0) {
    console.error("usage: node validate-manifest.cjs <manifest.json> [<manifest.json> …]");
    process.exit(2);
}

const schemas = path.join(path.dirname(require.resolve("@microsoft/app-manifest/package.json")), "build", "json-schemas");
const schemaPrefix = "https://developer.microsoft.com/json-schemas/";
const validators = new Map();

function validatorFor(schemaUrl) {
    if (typeof schemaUrl !== "string" || !schemaUrl.startsWith(schemaPrefix)) {
        throw new Error(`"$schema" must be an official Teams schema URL (${schemaPrefix}…), not ${JSON.stringify(schemaUrl)}`);
    }
    const file = path.join(schemas, ...schemaUrl.slice(schemaPrefix.length).split("/"));
    if (!validators.has(file)) {
        if (!fs.existsSync(file)) {
            throw new Error(`no offline copy of ${schemaUrl} in @microsoft/app-manifest (looked for ${file})`);
        }
        const schema = JSON.parse(fs.readFileSync(file, "utf8"));
        const ajv = new Ajv({ allErrors: true, strictTypes: false });
        addFormats(ajv, ["uri", "email", "regex"]);
        validators.set(file, { file, validate: ajv.compile(schema) });
    }
    return validators.get(file);
}

const results = {};
for (const name of files) {
    const manifest = JSON.parse(fs.readFileSync(name, "utf8"));
    const { file, validate } = validatorFor(manifest.$schema);
    const valid = validate(manifest);
    results[name] = {
        schema: path.relative(schemas, file).split(path.sep).join("/"),
        errors: valid ? [] : validate.errors.map(e => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`),
    };
}
process.stdout.write(JSON.stringify({ ajv: require("ajv/package.json").version, results }));
