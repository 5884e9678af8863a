// Starts npm @vercel/cosmosdb-server (a Cosmos DB API server for tests) on loopback with the arguments given
// (-p PORT), with one correction: a point read of a document that does not exist answers 404, as Cosmos DB does.
// Version 1.0.1 answers 500 there, because it reads the missing document's partition key before checking that the
// document exists. The correction replaces the read handler before the server builds its routes.
"use strict";
const path = require("path");

const lib = path.join(__dirname, "..", "..", "node_modules", "@vercel", "cosmosdb-server", "lib");
const readDocument = require(path.join(lib, "handler", "read-document"));
const { parsePartitionKey } = require(path.join(lib, "utils", "get-partition-from-header"));

const original = readDocument.default;
readDocument.default = (account, req, res, params) => {
  const collection = account.database(params.dbId).collection(params.collId);
  const header = req.headers["x-ms-documentdb-partitionkey"];
  if (collection.read() && header && header !== "[{}]") {
    const partitionKey = parsePartitionKey(header, params.docId);
    if (!collection.document(params.docId, partitionKey).read()) {
      res.statusCode = 404;
      return { code: "NotFound", message: "Entity with the specified id does not exist in the system." };
    }
  }
  return original(account, req, res, params);
};

require(path.join(lib, "cli.js"));
