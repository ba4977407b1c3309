// The worker's search index reader must answer exactly as
// generator/search does: fixtures/search holds an index written by
// generator/search and its answers to many queries (TestSearchFixture in
// ../conformance_test.go writes both).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SearchIndex, SearchIndexError } from "../src/search.js";
import { normalizeName, queryTerms, shardKey, tokenize } from "../src/terms.js";

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "search");
const answers = JSON.parse(await readFile(path.join(fixture, "answers.json"), "utf8"));

/** newIndex reads the fixture tree, counting the files read. */
function newIndex(root = path.join(fixture, "tree")) {
  const reads = [];
  const ix = new SearchIndex(async (p) => {
    reads.push(p);
    try {
      return JSON.parse(await readFile(path.join(root, p), "utf8"));
    } catch (err) {
      if (err.code === "ENOENT") return null;
      throw err;
    }
  });
  return { ix, reads };
}

const id = (m) => `${m.namespace}/${m.name}/${m.provider}@${m.version}`;

test("module queries rank and page like generator/search", async (t) => {
  for (const a of answers.modules) {
    const q = a.query;
    const name = JSON.stringify(Object.fromEntries(Object.entries(q).filter(([, v]) => v)));
    await t.test(name, async () => {
      const { ix } = newIndex();
      const res = await ix.modules({
        text: q.Text, namespace: q.Namespace, name: q.Name, provider: q.Provider,
        verified: q.Verified, offset: q.Offset, limit: q.Limit,
      });
      assert.equal(res.total, a.total, "total");
      assert.deepEqual(res.modules.map(id), a.ids);
    });
  }
});

test("provider listings page like generator/search", async (t) => {
  for (const a of answers.providers) {
    await t.test(JSON.stringify([a.namespace, a.offset, a.limit]), async () => {
      const { ix } = newIndex();
      const res = await ix.providers(a.namespace, a.offset, a.limit);
      assert.equal(res.total, a.total, "total");
      assert.deepEqual(res.providers.map((p) => `${p.namespace}/${p.type}@${p.version}`), a.ids);
    });
  }
});

test("a query reads only the files it needs", async () => {
  const { ix, reads } = newIndex();
  await ix.modules({ text: "lambda" });
  // meta, the "la" term shard, the shard of the joined term (same), and
  // the table shards of the results.
  assert.ok(reads.includes("v1/search-index/meta.json"));
  assert.ok(reads.includes("v1/search-index/terms/la.json"));
  assert.ok(!reads.includes("v1/search-index/term-shards.json"));
  assert.ok(reads.length <= 5, `read ${reads.length} files: ${reads}`);
});

test("split shards: a prefix that is a split key reads the shards below it", async () => {
  const meta = JSON.parse(await readFile(path.join(fixture, "tree/v1/search-index/meta.json"), "utf8"));
  const split = meta.terms.split;
  assert.ok(Object.keys(split).length > 0, "the fixture must have split shards");
  assert.equal(shardKey("s3", split, 2), "s3");
  assert.equal(shardKey("s3-bucket", split, 2), "s3-b");
  assert.equal(shardKey("x", split, 2), "x");
  const { ix, reads } = newIndex();
  const res = await ix.modules({ text: "s3" });
  assert.ok(res.total >= 2);
  assert.ok(reads.includes("v1/search-index/terms/s3-b.json"), reads.join(" "));
});

test("hostile parameters never leave the index folder", async () => {
  const { ix, reads } = newIndex();
  await ix.modules({ namespace: "../../.regen/x" });
  await ix.modules({ provider: "..%2f" });
  await ix.modules({ namespace: "a/b", name: "../c" });
  for (const r of reads) assert.match(r, /^v1\/search-index\/(meta|verified|terms\/[a-z0-9][a-z0-9_-]*|modules\/\d+)\.json$/);
});

test("a tree without an index, or with another format, is an error", async () => {
  const { ix } = newIndex("/nonexistent");
  await assert.rejects(ix.modules({ text: "x" }), SearchIndexError);
  const bad = new SearchIndex(async (p) => (p.endsWith("meta.json") ? { format: "regen-search/999" } : null));
  await assert.rejects(bad.modules({}), /format/);
});

test("tokenize, normalizeName and queryTerms follow generator/search", () => {
  assert.deepEqual(tokenize("EKS_Cluster eks-cluster ünï 42"), ["eks", "cluster", "n", "42"]);
  assert.equal(normalizeName("EKS_Cluster"), "eks-cluster");
  const stop = ["the", "module"];
  assert.deepEqual(queryTerms("the module", stop), ["the", "module"]);
  assert.deepEqual(queryTerms("the vpc module", stop), ["vpc"]);
  assert.equal(queryTerms("a b c d e f g h i j", []).length, 8);
});
