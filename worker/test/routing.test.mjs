// Routing tests: the worker in workerd (through Miniflare) over a small
// tree in a simulated R2 bucket, answering as `regen serve` does
// (serve/handler_test.go is the reference).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import http from "node:http";
import { startWorker } from "../local/harness.mjs";

const LOC = "git::https://git.example.test/acme/terraform-aws-vpc?ref=0123456789abcdef0123456789abcdef01234567";

/** tree is a small tree as `regen build` lays it out (serve/tree_test.go). */
const tree = {
  ".well-known/terraform.json": `{"modules.v1":"/v1/modules/","providers.v1":"/v1/providers/"}\n`,
  "v1/providers/hashicorp/random/versions": `{"versions":[{"version":"3.6.0","protocols":["5.0"],"platforms":[{"os":"linux","arch":"amd64"}]}]}\n`,
  "v1/providers/hashicorp/random/3.6.0/download/linux/amd64": `{"protocols":["5.0"],"os":"linux","arch":"amd64"}\n`,
  "v1/modules/acme/vpc/aws/versions": `{"modules":[{"versions":[{"version":"1.2.3"},{"version":"1.0.0-RC1"}]}]}\n`,
  "v1/modules/acme/vpc/aws/1.2.3/download": `{"location":"${LOC}"}\n`,
  "v1/modules/acme/vpc/aws/1.0.0-RC1/download": `{"location":"git::https://git.example.test/acme/terraform-aws-vpc?ref=rc1"}\n`,
  "v1/modules/acme/vpc/aws/download": `{"location":"${LOC}","version":"1.2.3"}\n`,
  "v1/modules/acme/index.json": `{"meta":{"limit":10,"current_offset":0},"modules":[]}\n`,
  "v1/modules/Upper/Case/aws/versions": `{"modules":[{"versions":[{"version":"2.0.0"}]}]}\n`,
  "v1/modules/odd/ver/aws/download": `{"location":"x","version":"1.0.0+build (1)"}\n`,
  "v1/modules/odd/case/aws/2.0.0/download": `{"Location":"git::https://git.example.test/odd/case?ref=v2"}\n`,
  "v1/modules/broken/json/aws/1.0.0/download": `{not json`,
  "v1/modules/broken/json/aws/download": `{"location":"x","version":"../../../secret"}`,
  "v1/modules/broken/empty/aws/1.0.0/download": `{"location":""}`,
  "v1/modules/broken/number/aws/1.0.0/download": `{"location":42}`,
  "mirror/registry.terraform.io/hashicorp/random/index.json": `{"versions":{"3.6.0":{}}}\n`,
  "mirror/registry.terraform.io/hashicorp/random/3.6.0.json": `{"archives":{}}\n`,
  "registry/docs/modules/acme/vpc/aws/1.2.3/README.md": "# VPC\n",
  "registry/docs/search.ndjson": `{"type":"header"}\n`,
  "feed.atom": "<feed/>\n",
  "providers/hashicorp/random/key.asc": "-----BEGIN PGP PUBLIC KEY BLOCK-----\n",
  ".regen/keep": "hidden\n",
  ".regen/manifest.ndjson": "hidden\n",
  "v1/.hidden": "hidden\n",
};

const sha256 = (s) => createHash("sha256").update(s).digest("hex");

/**
 * objects puts the tree as `regen upload` does (Content-Type,
 * Cache-Control, sha256) except for the paths in bare, which get no
 * metadata, as if copied into the bucket by another tool.
 */
function objects(prefix = "", bare = new Set()) {
  return Object.entries(tree).map(([p, body]) =>
    bare.has(p) || p.startsWith(".") || p.includes("/.")
      ? { key: prefix + p, body }
      : {
          key: prefix + p,
          body,
          httpMetadata: { contentType: p.endsWith(".md") ? "text/markdown; charset=utf-8" : p.endsWith(".atom") ? "application/atom+xml" : p.endsWith(".asc") ? "text/plain; charset=utf-8" : p.endsWith(".ndjson") ? "application/x-ndjson" : "application/json", cacheControl: "public, max-age=60" },
          customMetadata: { sha256: sha256(body) },
        },
  );
}

const BARE = new Set(["v1/modules/acme/vpc/aws/1.2.3/download", "registry/docs/modules/acme/vpc/aws/1.2.3/README.md", "feed.atom", "v1/modules/acme/vpc/aws/versions"]);

let w;
before(async () => {
  w = await startWorker({ objects: objects("", BARE) });
});
after(async () => {
  await w?.mf.dispose();
});

/**
 * req sends a request over the loopback socket exactly as written (no URL
 * normalisation, so "%2E%2E" reaches the worker) and returns the
 * response status, headers and body.
 */
function req(path, init = {}, worker = w) {
  const u = new URL(worker.url);
  return new Promise((resolve, reject) => {
    const r = http.request(
      { host: u.hostname, port: u.port, method: init.method ?? "GET", path, headers: init.headers ?? {}, agent: false },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) h.set(k, Array.isArray(v) ? v.join(", ") : v);
          resolve({ res: { status: res.statusCode }, body: Buffer.concat(chunks).toString(), h });
        });
        res.on("error", reject);
      },
    );
    r.on("error", reject);
    r.end(init.body);
  });
}

function assertNotFound({ res, body, h }, status = 404, text = "Not Found") {
  assert.equal(res.status, status);
  assert.equal(body, JSON.stringify({ errors: [text] }) + "\n");
  assert.equal(h.get("content-type"), "application/json");
  assert.equal(h.get("cache-control"), "no-store");
  assert.equal(h.get("access-control-allow-origin"), "*");
  assert.equal(h.get("etag"), null);
  assert.equal(h.get("x-terraform-get"), null);
}

describe("documents", () => {
  test("every document with its content type and body", async () => {
    const types = {
      ".well-known/terraform.json": "application/json",
      "v1/providers/hashicorp/random/3.6.0/download/linux/amd64": "application/json",
      "v1/modules/acme/vpc/aws/versions": "application/json",
      "mirror/registry.terraform.io/hashicorp/random/3.6.0.json": "application/json",
      "registry/docs/modules/acme/vpc/aws/1.2.3/README.md": "text/markdown; charset=utf-8",
      "registry/docs/search.ndjson": "application/x-ndjson",
      "feed.atom": "application/atom+xml",
      "providers/hashicorp/random/key.asc": "text/plain; charset=utf-8",
    };
    for (const [p, type] of Object.entries(types)) {
      const { res, body, h } = await req("/" + p);
      assert.equal(res.status, 200, p);
      assert.equal(h.get("content-type"), type, p);
      assert.equal(body, tree[p], p);
      assert.equal(h.get("content-length"), String(Buffer.byteLength(tree[p])), p);
      assert.ok(h.get("last-modified"), p);
    }
  });

  test("Cache-Control: the object's, else a day for leaves and a minute for the rest", async () => {
    assert.equal((await req("/v1/providers/hashicorp/random/versions")).h.get("cache-control"), "public, max-age=60");
    // No stored metadata: the defaults of `regen serve`.
    assert.equal((await req("/v1/modules/acme/vpc/aws/1.2.3/download")).h.get("cache-control"), "public, max-age=86400");
    assert.equal((await req("/v1/modules/acme/vpc/aws/versions")).h.get("cache-control"), "public, max-age=60");
  });

  test("a folder's document is its index.json", async () => {
    const { res, body } = await req("/v1/modules/acme");
    assert.equal(res.status, 200);
    assert.equal(body, tree["v1/modules/acme/index.json"]);
    assert.equal((await req("/v1/modules/acme/index.json")).body, tree["v1/modules/acme/index.json"]);
  });

  test("HEAD has the headers and no body", async () => {
    const { res, body, h } = await req("/v1/providers/hashicorp/random/versions", { method: "HEAD" });
    assert.equal(res.status, 200);
    assert.equal(body, "");
    assert.equal(h.get("content-type"), "application/json");
    assert.equal(h.get("etag"), `"${sha256(tree["v1/providers/hashicorp/random/versions"])}"`);
  });
});

describe("module downloads", () => {
  test("a version download is 200 with X-Terraform-Get and the JSON body", async () => {
    const p = "/v1/modules/acme/vpc/aws/1.2.3/download";
    for (const method of ["GET", "HEAD"]) {
      const { res, body, h } = await req(p, { method });
      assert.equal(res.status, 200, method);
      assert.equal(h.get("x-terraform-get"), LOC, method);
      assert.equal(h.get("content-type"), "application/json");
      assert.equal(h.get("content-length"), String(tree[p.slice(1)].length));
      assert.equal(body, method === "HEAD" ? "" : tree[p.slice(1)]);
    }
  });

  test("fields are matched ignoring case, as Go's json.Unmarshal matches them", async () => {
    assert.equal((await req("/v1/modules/odd/case/aws/2.0.0/download")).h.get("x-terraform-get"), "git::https://git.example.test/odd/case?ref=v2");
  });

  test("the latest download is 302 to the versioned download", async () => {
    const { res, body, h } = await req("/v1/modules/acme/vpc/aws/download");
    assert.equal(res.status, 302);
    assert.equal(h.get("location"), "/v1/modules/acme/vpc/aws/1.2.3/download");
    assert.equal(body, "");
    assert.equal(h.get("access-control-allow-origin"), "*");
    // Escaped as Go's url.URL.EscapedPath escapes it.
    assert.equal((await req("/v1/modules/odd/ver/aws/download")).h.get("location"), "/v1/modules/odd/ver/aws/1.0.0+build%20%281%29/download");
  });

  test("following the redirect ends at the header", async () => {
    const res = await fetch(new URL("/v1/modules/ACME/vpc/aws/download", w.url));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-terraform-get"), LOC);
    await res.text();
  });

  test("broken download documents are 500 with the error body", async () => {
    for (const p of ["/v1/modules/broken/json/aws/1.0.0/download", "/v1/modules/broken/json/aws/download", "/v1/modules/broken/empty/aws/1.0.0/download", "/v1/modules/broken/number/aws/1.0.0/download"]) {
      const r = await req(p);
      assertNotFound(r, 500, "Internal Server Error");
      assert.equal(r.h.get("location"), null, p);
    }
  });
});

describe("case", () => {
  test("address segments are found lower-cased, the version keeps its case", async () => {
    assert.equal((await req("/v1/modules/ACME/Vpc/AWS/1.2.3/download")).h.get("x-terraform-get"), LOC);
    assert.equal((await req("/v1/modules/Acme/vpc/aws/1.0.0-RC1/download")).res.status, 200);
    assert.equal((await req("/v1/providers/HashiCorp/Random/versions")).res.status, 200);
    assert.equal((await req("/V1/MODULES/ACME/VPC/AWS/VERSIONS")).res.status, 200); // whole path lower-cased
    assert.equal((await req("/v1/modules/acme/vpc/aws/1.0.0-rc1/download")).res.status, 404);
  });

  test("a tree with upper-case paths is served as written", async () => {
    assert.equal((await req("/v1/modules/Upper/Case/aws/versions")).res.status, 200);
    assert.equal((await req("/v1/modules/upper/case/aws/versions")).res.status, 404);
  });
});

describe("errors and hidden files", () => {
  test("unknown paths are 404 with the registry error body", async () => {
    for (const p of ["/nope", "/v1/modules/acme/vpc/aws/9.9.9/download", "/", "/v1/", "/v1//modules"]) assertNotFound(await req(p));
  });

  test("HEAD of an unknown path has no body", async () => {
    const { res, body } = await req("/nope", { method: "HEAD" });
    assert.equal(res.status, 404);
    assert.equal(body, "");
  });

  test("nothing starting with a dot is served, except .well-known", async () => {
    for (const p of ["/.regen/keep", "/.regen/manifest.ndjson", "/.regen/state-0123456789abcdef0123456789abcdef/manifest.ndjson.gz", "/v1/.hidden", "/.REGEN/keep", "/v1/%2E%2E%2F.regen/keep", "/v1/..%2f.regen%2fkeep", "/%2eregen/keep", "/v1/modules/%00", "/v1\\modules", "/v1/%ff"]) {
      assertNotFound(await req(p));
    }
    assert.equal((await req("/.well-known/terraform.json")).res.status, 200);
  });

  test("other methods are 405 with Allow", async () => {
    for (const method of ["POST", "PUT", "DELETE"]) {
      const r = await req("/v1/modules/acme/vpc/aws/versions", { method, body: method === "DELETE" ? undefined : "x" });
      assertNotFound(r, 405, "Method Not Allowed");
      assert.equal(r.h.get("allow"), "GET, HEAD, OPTIONS");
    }
  });
});

describe("CORS", () => {
  test("every answer lets any origin read it", async () => {
    for (const p of ["/v1/modules/acme/vpc/aws/versions", "/v1/modules/acme/vpc/aws/1.2.3/download", "/nope"]) {
      const { h } = await req(p, { headers: { Origin: "https://app.example" } });
      assert.equal(h.get("access-control-allow-origin"), "*", p);
      assert.equal(h.get("access-control-expose-headers"), "ETag, Location, X-Terraform-Get", p);
    }
  });

  test("OPTIONS is a 204 preflight", async () => {
    const { res, body, h } = await req("/v1/modules/acme/vpc/aws/versions", {
      method: "OPTIONS",
      headers: { Origin: "https://app.example", "Access-Control-Request-Method": "GET" },
    });
    assert.equal(res.status, 204);
    assert.equal(body, "");
    assert.equal(h.get("access-control-allow-methods"), "GET, HEAD, OPTIONS");
    assert.match(h.get("access-control-allow-headers"), /Authorization/);
    assert.equal(h.get("access-control-max-age"), "86400");
  });
});

describe("ETag", () => {
  const p = "/v1/providers/hashicorp/random/versions";
  const etag = `"${sha256(tree[p.slice(1)])}"`;

  test("the ETag is the sha256 regen upload stored, as regen serve sends it", async () => {
    assert.equal((await req(p)).h.get("etag"), etag);
  });

  test("If-None-Match answers 304 without a body", async () => {
    for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const { res, body, h } = await req(p, { headers: { "If-None-Match": inm } });
      assert.equal(res.status, 304, inm);
      assert.equal(body, "");
      assert.equal(h.get("etag"), etag);
      assert.equal(h.get("cache-control"), "public, max-age=60");
      assert.equal(h.get("content-type"), null);
    }
    assert.equal((await req(p, { headers: { "If-None-Match": `"other"` } })).res.status, 200);
  });

  test("module downloads answer 304 with their header", async () => {
    const d = "/v1/modules/acme/vpc/aws/1.2.3/download";
    const first = await req(d);
    const { res, h } = await req(d, { headers: { "If-None-Match": first.h.get("etag") } });
    assert.equal(res.status, 304);
    assert.equal(h.get("x-terraform-get"), LOC);
  });

  test("objects without a stored sha256 use R2's ETag", async () => {
    const d = "/feed.atom";
    const { h } = await req(d);
    const md5 = createHash("md5").update(tree["feed.atom"]).digest("hex");
    assert.equal(h.get("etag"), `"${md5}"`);
    assert.equal((await req(d, { headers: { "If-None-Match": h.get("etag") } })).res.status, 304);
  });

  test("If-Modified-Since answers 304 when not modified", async () => {
    const { h } = await req(p);
    const lm = h.get("last-modified");
    assert.equal((await req(p, { headers: { "If-Modified-Since": lm } })).res.status, 304);
    assert.equal((await req(p, { headers: { "If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT" } })).res.status, 200);
    // If-None-Match wins over If-Modified-Since.
    assert.equal((await req(p, { headers: { "If-Modified-Since": lm, "If-None-Match": `"x"` } })).res.status, 200);
  });
});

describe("configuration", () => {
  test("TREE_PREFIX serves a tree uploaded under a prefix", async () => {
    const pw = await startWorker({ objects: objects("reg/"), bindings: { TREE_PREFIX: "reg" } });
    try {
      assert.equal((await req("/v1/modules/acme/vpc/aws/1.2.3/download", {}, pw)).h.get("x-terraform-get"), LOC);
      assertNotFound(await req("/reg/v1/modules/acme/vpc/aws/versions", {}, pw));
    } finally {
      await pw.mf.dispose();
    }
  });

  test("a misconfigured worker answers 500 and logs why", async () => {
    const logs = [];
    const bw = await startWorker({ objects: objects(), bindings: { TREE_PREFIX: "../elsewhere" }, onLog: (l) => logs.push(l) });
    try {
      assertNotFound(await req("/v1/modules/acme/vpc/aws/versions", {}, bw), 500, "Internal Server Error");
    } finally {
      await bw.mf.dispose();
    }
    assert.match(logs.join("\n"), /TREE_PREFIX "..\/elsewhere" is not a relative folder/);
  });
});
