// Starts regen's worker in workerd (through Miniflare, which runs the real
// workerd binary and simulates R2) over a tree loaded into its bucket.
// Used by the node tests and by serve-tree.mjs (the Go test's runner).

import { readFile, readdir } from "node:fs/promises";
import { createHash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Log, LogLevel, Miniflare } from "miniflare";

const here = path.dirname(fileURLToPath(import.meta.url));
/** MAIN is the worker's entry module. */
export const MAIN = path.join(here, "..", "src", "index.js");

/** Cache-Control by publishing class, as `regen upload` stores it. */
const CACHE = { leaf: "public, max-age=86400" };
const CACHE_SHORT = "public, max-age=60";

/**
 * startWorker runs the worker with the objects in its TREE bucket.
 * @param {object} o
 * @param {{key: string, body: Uint8Array|string, httpMetadata?: object, customMetadata?: object}[]} o.objects
 * @param {Record<string,string>} [o.bindings] plain-text vars (TREE_PREFIX, TOKENS)
 * @param {{cert: string, key: string}} [o.https] PEM certificate chain and key
 * @param {string} [o.host] address to listen on (default 127.0.0.1)
 * @param {number} [o.port] port (default 0: any)
 * @param {string} [o.main] the entry module (default MAIN; an emitted worker's src/index.js)
 * @param {boolean} [o.verbose] print workerd's log
 * @param {(line: string) => void} [o.onLog] receives the worker's console output instead
 */
export async function startWorker(o) {
  const main = o.main ?? MAIN;
  const mf = new Miniflare({
    modules: true,
    scriptPath: main,
    modulesRoot: path.dirname(main),
    modulesRules: [{ type: "ESModule", include: ["**/*.js"] }],
    // Never fetch the request.cf template from workers.cloudflare.com.
    cf: false,
    compatibilityDate: "2025-04-01",
    r2Buckets: ["TREE"],
    bindings: o.bindings ?? {},
    host: o.host ?? "127.0.0.1",
    port: o.port ?? 0,
    ...(o.https ? { httpsCert: o.https.cert, httpsKey: o.https.key } : {}),
    log: new Log(o.verbose ? LogLevel.DEBUG : LogLevel.WARN),
    ...(o.onLog
      ? {
          handleRuntimeStdio(stdout, stderr) {
            for (const s of [stdout, stderr]) s.on("data", (b) => o.onLog(b.toString()));
          },
        }
      : {}),
  });
  const url = await mf.ready;
  const bucket = await mf.getR2Bucket("TREE");
  for (const obj of o.objects) {
    // The proxy to workerd serialises plain ArrayBuffers and strings, not Node Buffers.
    const body = typeof obj.body === "string" ? obj.body : new Uint8Array(obj.body).buffer;
    await bucket.put(obj.key, body, { httpMetadata: obj.httpMetadata, customMetadata: obj.customMetadata });
  }
  return { mf, url, bucket };
}

/**
 * treeObjects reads a tree written by `regen build` and returns the
 * objects `regen upload` would put into the bucket, with the same
 * metadata: Content-Type and Cache-Control (by class) of the files the
 * manifest lists, and the sha256 of every file. Files under hidden folders
 * (regen's own under .regen/) are put too, without metadata, so tests can
 * check they are never served.
 * @param {string} dir
 * @param {string} [prefix] key prefix
 */
export async function treeObjects(dir, prefix = "") {
  const listed = new Map();
  let manifest = null;
  try {
    manifest = await readFile(path.join(dir, ".regen", "manifest.ndjson"), "utf8");
  } catch (err) {
    if (err.code !== "ENOENT") throw err;
  }
  if (manifest !== null) {
    const lines = manifest.split("\n").filter((l) => l.trim() !== "");
    for (const line of lines.slice(1)) {
      for (const f of JSON.parse(line).files ?? []) listed.set(f.path, f);
    }
  }
  const objects = [];
  for (const rel of await walk(dir)) {
    const body = await readFile(path.join(dir, rel));
    const obj = { key: prefix + rel, body };
    if (!rel.split("/").some((s, i) => s.startsWith(".") && !(i === 0 && s === ".well-known"))) {
      obj.customMetadata = { sha256: createHash("sha256").update(body).digest("hex") };
    }
    const f = listed.get(rel);
    if (f) obj.httpMetadata = { contentType: f.type, cacheControl: CACHE[f.class] ?? CACHE_SHORT };
    objects.push(obj);
  }
  return objects;
}

async function walk(dir, rel = "") {
  const out = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const p = rel === "" ? e.name : rel + "/" + e.name;
    if (e.isDirectory()) out.push(...(await walk(dir, p)));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}
