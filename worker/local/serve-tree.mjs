// serve-tree.mjs runs regen's worker in workerd over a built tree, for the
// Go end-to-end test (and for trying the worker by hand):
//
//   node local/serve-tree.mjs --tree DIR [--cert PEM --key PEM]
//        [--tokens FILE] [--prefix P] [--port N] [--worker DIR] [--verbose]
//
// --tokens is a tokens file as `regen serve --tokens` reads it (serve/auth),
// given to the worker as its tokens secret (TOKENS_BINDING). --worker runs
// the worker emitted into a build (DIR/.regen/worker, with that build's
// settings) instead of this folder's source.
//
// It loads every file of DIR into the simulated R2 bucket (as `regen
// upload` would, with the manifest's metadata), prints
// "listening on <url>" on stdout and serves until stdin closes or it is
// signalled.

import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import path from "node:path";
import { startWorker, treeObjects } from "./harness.mjs";
import { TOKENS_BINDING } from "../src/build.js";

const { values: a } = parseArgs({
  options: {
    tree: { type: "string" },
    cert: { type: "string" },
    key: { type: "string" },
    tokens: { type: "string" },
    prefix: { type: "string", default: "" },
    port: { type: "string", default: "0" },
    worker: { type: "string" },
    verbose: { type: "boolean", default: false },
  },
});
if (!a.tree) {
  console.error("serve-tree: --tree DIR is required");
  process.exit(2);
}
const bindings = {};
if (a.prefix) bindings.TREE_PREFIX = a.prefix;
if (a.tokens) bindings[TOKENS_BINDING] = await readFile(a.tokens, "utf8");
const https = a.cert ? { cert: await readFile(a.cert, "utf8"), key: await readFile(a.key, "utf8") } : undefined;

const objects = await treeObjects(a.tree, a.prefix);
const main = a.worker ? path.resolve(a.worker, "src", "index.js") : undefined;
const { mf, url } = await startWorker({ objects, bindings, https, port: Number(a.port), verbose: a.verbose, main });
console.error(`serve-tree: ${objects.length} objects in bucket TREE`);
console.log(`listening on ${url.href.replace(/\/$/, "")}`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await mf.dispose();
  process.exit(0);
}
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
