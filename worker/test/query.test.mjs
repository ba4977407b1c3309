// Searches and listings with parameters, answered by the worker in workerd
// from the search index fixture (fixtures/search, written by
// generator/search) as serve/query answers them.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startWorker, treeObjects } from "../local/harness.mjs";
import { BadParam, parseParams, parseRoute } from "../src/params.js";
import { encodeValues, goJSON, goQuote, parseQuery, queryEscape } from "../src/gojson.js";

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "search");
const answers = JSON.parse(await readFile(path.join(fixture, "answers.json"), "utf8"));

let w;
before(async () => {
  const objects = await treeObjects(path.join(fixture, "tree"));
  objects.push({ key: "v1/modules/index.json", body: `{"static":true}\n` });
  w = await startWorker({ objects });
});
after(async () => {
  await w?.mf.dispose();
});

async function get(p, headers = {}, method = "GET") {
  const res = await fetch(new URL(p, w.url), { method, headers });
  return { res, text: await res.text() };
}

const ids = (doc) => doc.modules.map((m) => `${m.namespace}/${m.name}/${m.provider}@${m.version}`);

describe("searches", () => {
  test("rank and count like generator/search", async () => {
    let n = 0;
    for (const a of answers.modules) {
      const q = a.query;
      if (!q.Text || q.Name) continue;
      const params = new URLSearchParams({ q: q.Text });
      if (q.Namespace) params.set("namespace", q.Namespace);
      if (q.Provider) params.set("provider", q.Provider);
      if (q.Verified) params.set("verified", "true");
      if (q.Offset) params.set("offset", String(q.Offset));
      if (q.Limit) params.set("limit", String(q.Limit));
      const { res, text } = await get("/v1/modules/search?" + params);
      if (q.Text.trim() === "") {
        assert.equal(res.status, 400);
        continue;
      }
      assert.equal(res.status, 200, `${params}: ${text}`);
      const doc = JSON.parse(text);
      assert.deepEqual(ids(doc), a.ids, String(params));
      const limit = Math.min(q.Limit || 10, 100);
      assert.equal(doc.meta.limit, limit);
      assert.equal(doc.meta.current_offset, q.Offset);
      assert.equal(doc.meta.next_offset, q.Offset + limit < a.total ? q.Offset + limit : undefined, String(params));
      n++;
    }
    assert.ok(n > 30, `${n} searches`);
  });

  test("the answer is the document serve/query renders", async () => {
    const { res, text } = await get("/v1/modules/search?q=vpc&limit=2&offset=1&namespace=terraform-aws-modules");
    assert.equal(res.status, 200);
    const doc = JSON.parse(text);
    assert.deepEqual(doc.meta, {
      limit: 2, current_offset: 1, prev_offset: 0,
      prev_url: "/v1/modules/search?limit=2&namespace=terraform-aws-modules&offset=0&q=vpc",
    });
    assert.deepEqual(doc.modules[0], {
      id: "terraform-aws-modules/vpc-endpoints/aws/1.2.0", owner: "terraform-aws-modules", namespace: "terraform-aws-modules",
      name: "vpc-endpoints", version: "1.2.0", provider: "aws", provider_logo_url: "", description: "Terraform module to create AWS VPC Endpoints",
      source: "https://git.example.test/terraform-aws-modules/terraform-aws-vpc-endpoints", tag: "v1.2", published_at: doc.modules[0].published_at,
      downloads: 5000, verified: false,
    });
    assert.equal(text, goJSON(doc)); // compact, as Go renders it
    assert.equal(res.headers.get("content-type"), "application/json");
    assert.equal(res.headers.get("cache-control"), "public, max-age=60");
    assert.match(res.headers.get("etag"), /^"[0-9a-f]{64}"$/);
  });

  test("If-None-Match answers 304, HEAD has no body", async () => {
    const first = await get("/v1/modules/search?q=eks");
    const etag = first.res.headers.get("etag");
    const again = await get("/v1/modules/search?q=eks", { "If-None-Match": etag });
    assert.equal(again.res.status, 304);
    assert.equal(again.res.headers.get("content-type"), null);
    const head = await get("/v1/modules/search?q=eks", {}, "HEAD");
    assert.equal(head.res.status, 200);
    assert.equal(head.text, "");
    assert.equal(head.res.headers.get("etag"), etag);
  });
});

describe("listings", () => {
  test("without parameters the static document is served", async () => {
    assert.equal((await get("/v1/modules")).text, `{"static":true}\n`);
  });

  test("with parameters they are computed", async () => {
    const all = JSON.parse((await get("/v1/modules?limit=100")).text);
    assert.equal(all.modules.length, 26);
    assert.deepEqual(all.meta, { limit: 100, current_offset: 0 });
    const page = JSON.parse((await get("/v1/modules?offset=4&limit=3")).text);
    assert.deepEqual(ids(page), ids(all).slice(4, 7));
    assert.equal(page.meta.next_url, "/v1/modules?limit=3&offset=7");
    const azure = JSON.parse((await get("/v1/modules/AZURE?limit=10")).text);
    assert.deepEqual(ids(azure), ["Azure/naming/azurerm@1.2.0", "Azure/aks/azurerm@1.2.0", "Azure/network/azurerm@1.2.0", "Azure/Network/azure@1.2.0"]);
    assert.equal(azure.meta.current_offset, 0);
    const names = JSON.parse((await get("/v1/modules/azure/network?x=1")).text);
    assert.deepEqual(ids(names), ["Azure/network/azurerm@1.2.0", "Azure/Network/azure@1.2.0"]);
    const provs = JSON.parse((await get("/v1/providers/hashicorp?limit=2&offset=1")).text);
    assert.deepEqual(provs.providers.map((p) => p.id), ["hashicorp/google/2.0.0", "hashicorp/null/2.0.0"]);
    assert.deepEqual(provs.providers[0], {
      id: "hashicorp/google/2.0.0", owner: "hashicorp", namespace: "hashicorp", name: "google", alias: "google", version: "2.0.0", tag: "v2.0.0",
      description: "The google provider", source: "https://git.example.test/hashicorp/terraform-provider-google",
      published_at: "2026-02-01T00:00:00Z", downloads: 800, tier: "community", logo_url: "",
    });
  });

  test("unknown namespaces and names are 404, bad parameters 400", async () => {
    for (const p of ["/v1/modules/nobody?limit=1", "/v1/modules/azure/nothing?limit=1", "/v1/providers/nobody?limit=1"]) {
      const { res, text } = await get(p);
      assert.equal(res.status, 404, p);
      assert.equal(text, `{"errors":["Not Found"]}\n`);
      assert.equal(res.headers.get("cache-control"), "no-store");
    }
    const bad = {
      "/v1/modules?offset=-1": `parameter "offset" must be an integer of at least 0, not "-1"`,
      "/v1/modules?limit=0": `parameter "limit" must be an integer of at least 1, not "0"`,
      "/v1/modules?limit=": `parameter "limit" must be an integer of at least 1, not ""`,
      "/v1/modules?verified=yes": `parameter "verified" must be true or false, not "yes"`,
      "/v1/modules?a=1;b=2": "malformed query string",
      "/v1/modules?q=%zz": "malformed query string",
      "/v1/modules/search": `missing query parameter "q"`,
      "/v1/modules/search?q=+": `missing query parameter "q"`,
      ["/v1/modules?provider=" + "x".repeat(257)]: `parameter "provider" is longer than 256 bytes`,
    };
    for (const [p, msg] of Object.entries(bad)) {
      const { res, text } = await get(p);
      assert.equal(res.status, 400, p);
      assert.equal(text, JSON.stringify({ errors: [msg] }) + "\n", p);
    }
  });

  test("offsets are bounded like serve/query's", async () => {
    let { res, text } = await get("/v1/modules?offset=9007199254740993&limit=1");
    assert.equal(res.status, 400);
    assert.equal(text, JSON.stringify({ errors: ['parameter "offset" must be at most 1000000000, not "9007199254740993"'] }) + "\n");
    ({ res, text } = await get("/v1/modules?offset=1000000000&limit=1"));
    assert.equal(res.status, 200);
    assert.match(text, /"current_offset":1000000000,/);
    assert.match(text, /"prev_offset":999999999,/);
    assert.deepEqual(JSON.parse(text).modules, []);
  });
});

test("parseRoute and parseParams follow serve/query", () => {
  assert.deepEqual(parseRoute("/v1/modules/Acme/VPC/"), { kind: "name", urlPath: "/v1/modules/acme/vpc", namespace: "Acme", name: "VPC" });
  assert.equal(parseRoute("/v1/modules/search").kind, "search");
  assert.equal(parseRoute("/v1/providers").kind, "providers");
  for (const p of ["/v1", "/v2/modules", "/v1/modules/.x", "/v1/modules/a..b", "/v1/modules/a/b/c", "/v1//modules", "/v1/providers/a/b", "/v1/modules/-x"]) {
    assert.equal(parseRoute(p), null, p);
  }
  const p = parseParams("q=+a+b+&limit=500&offset=7&verified=T&provider=&x=1");
  assert.equal(p.q, "a b");
  assert.equal(p.limit, 100);
  assert.equal(p.offset, 7n);
  assert.equal(p.verified, true);
  assert.equal(encodeValues(p.canonical), "q=a+b&verified=true");
  assert.throws(() => parseParams("offset=1e3"), BadParam);
  assert.throws(() => parseParams("offset=9223372036854775808"), /at most 1000000000/);
  assert.throws(() => parseParams("offset=-9223372036854775809"), /at least 0/);
  assert.equal(parseParams("limit=99999999999999999999").limit, 100);
  assert.equal(parseParams("offset=%2B5").offset, 5n); // Atoi takes a sign
  assert.throws(() => parseParams("offset=+5"), /not " 5"/); // "+" is a space
});

test("Go's query-string helpers", () => {
  assert.deepEqual([...parseQuery("a=1&a=2&&b&c=%41+%42")], [["a", ["1", "2"]], ["b", [""]], ["c", ["A B"]]]);
  assert.throws(() => parseQuery("a=%"), /invalid URL escape/);
  assert.equal(queryEscape("a b~*'()!/é"), "a+b~%2A%27%28%29%21%2F%C3%A9");
  assert.equal(goQuote('a"b\\c\n\x01\x7fé'), '"a\\"b\\\\c\\n\\x01\\x7fé"');
});
