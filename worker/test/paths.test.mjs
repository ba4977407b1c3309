// Pure routing helpers, checked against serve/names_test.go's cases and
// against manifest.ContentType / serve.DefaultCacheControl (fixtures/paths.json,
// written by TestPathsFixture in ../conformance_test.go).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { caseCandidates, escapePath, treePath, MAX_PATH_LEN } from "../src/paths.js";
import { contentType, defaultCacheControl } from "../src/contenttype.js";
import { ifNoneMatch } from "../src/tree.js";

test("treePath accepts clean tree paths and refuses everything else", () => {
  const cases = [
    ["/v1/providers/ns/t/versions", "v1/providers/ns/t/versions"],
    ["/.well-known/terraform.json", ".well-known/terraform.json"],
    ["/mirror/registry.terraform.io/hashicorp/aws/5.0.0.json", "mirror/registry.terraform.io/hashicorp/aws/5.0.0.json"],
    ["/v1/modules/ns/n/s/1.0.0-beta.1+meta/download", "v1/modules/ns/n/s/1.0.0-beta.1+meta/download"],
    ["/v1/modules/ns/n/s/1.0.0%2Bmeta/download", "v1/modules/ns/n/s/1.0.0+meta/download"],
    ["/v1%2Fmodules", "v1/modules"], // Go's URL.Path decodes %2F too
    ["", null],
    ["/", null],
    ["v1/x", null],
    ["/v1/", null],
    ["/v1//x", null],
    ["/./v1", null],
    ["/v1/./x", null],
    ["/v1/../x", null],
    ["/v1/%2e%2e/x", null],
    ["/..", null],
    ["/.regen/manifest.ndjson.gz", null],
    ["/%2Eregen/manifest.ndjson", null],
    ["/v1/.well-known/terraform.json", null],
    ["/.well-known/.x", null],
    ["/.git/config", null],
    ["/v1/x%00", null],
    ["/v1/x%0A", null],
    ["/v1/x%7F", null],
    ["/v1%5C..%5Cx", null],
    ["/v1/%", null],
    ["/v1/%ff", null], // not UTF-8
    ["/" + "a".repeat(MAX_PATH_LEN), null],
  ];
  for (const [input, want] of cases) assert.equal(treePath(input), want, input);
});

test("caseCandidates lower-cases address segments, then the whole path", () => {
  const cases = [
    ["v1/providers/hashicorp/aws/versions", ["v1/providers/hashicorp/aws/versions"]],
    ["v1/providers/HashiCorp/AWS/5.0.0-RC1/download/linux/amd64", [
      "v1/providers/HashiCorp/AWS/5.0.0-RC1/download/linux/amd64",
      "v1/providers/hashicorp/aws/5.0.0-RC1/download/linux/amd64",
      "v1/providers/hashicorp/aws/5.0.0-rc1/download/linux/amd64",
    ]],
    ["v1/modules/Azure/Net/AzureRM/2.0.0-Beta/download", [
      "v1/modules/Azure/Net/AzureRM/2.0.0-Beta/download",
      "v1/modules/azure/net/azurerm/2.0.0-Beta/download",
      "v1/modules/azure/net/azurerm/2.0.0-beta/download",
    ]],
    ["v1/modules/Azure", ["v1/modules/Azure", "v1/modules/azure"]],
    ["v1/modules/azure/net/azurerm/2.0.0-Beta/download", [
      "v1/modules/azure/net/azurerm/2.0.0-Beta/download",
      "v1/modules/azure/net/azurerm/2.0.0-beta/download",
    ]],
    ["Mirror/X", ["Mirror/X", "mirror/x"]],
  ];
  for (const [input, want] of cases) assert.deepEqual(caseCandidates(input), want, input);
});

test("Content-Type and Cache-Control fallbacks match manifest.ContentType and serve.DefaultCacheControl", async () => {
  const answers = JSON.parse(await readFile(new URL("fixtures/paths.json", import.meta.url), "utf8"));
  assert.ok(answers.length > 30);
  for (const a of answers) {
    assert.equal(contentType(a.path), a.content_type, `content type of ${a.path}`);
    assert.equal(defaultCacheControl(a.path), a.cache_control, `cache control of ${a.path}`);
  }
});

test("escapePath escapes like Go's url.URL.EscapedPath", () => {
  assert.equal(escapePath("/v1/modules/a/b/c/1.0.0+build/download"), "/v1/modules/a/b/c/1.0.0+build/download");
  assert.equal(escapePath("/a b/(x)!*'/~_.-/$&,;=:@/%/?/#/é"), "/a%20b/%28x%29%21%2A%27/~_.-/$&,;=:@/%25/%3F/%23/%C3%A9");
});

test("If-None-Match uses the weak comparison", () => {
  const etag = `"abc"`;
  assert.ok(ifNoneMatch(`"abc"`, etag));
  assert.ok(ifNoneMatch(`W/"abc"`, etag));
  assert.ok(ifNoneMatch(` "x" , W/"abc"`, etag));
  assert.ok(ifNoneMatch(`*`, etag));
  assert.ok(!ifNoneMatch(`"abcd"`, etag));
  assert.ok(!ifNoneMatch(`abc`, etag));
  assert.ok(!ifNoneMatch(null, etag));
});

// A seeded random search in the spirit of serve's FuzzTreePath: whatever
// a client sends, an accepted tree path is clean, relative, not hidden,
// and its case candidates differ from it only by case.
test("treePath: random request paths never escape or reach hidden files", () => {
  let seed = 0x2545f491;
  const rand = (n) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const atoms = ["/", ".", "..", "%2e", "%2E", "%2f", "%2F", "%5c", "\\", "%00", "%0a", "a", "v1", "modules", ".regen", ".well-known", "%", "%ff", "é", "%C3%A9", "~", " ", "+"];
  let accepted = 0;
  for (let i = 0; i < 20000; i++) {
    let p = "/";
    for (let j = rand(8); j >= 0; j--) p += atoms[rand(atoms.length)];
    const name = treePath(p);
    if (name === null) continue;
    accepted++;
    const segs = name.split("/");
    assert.ok(!name.startsWith("/") && segs.every((s) => s !== "" && s !== "." && s !== ".."), `${p} → ${name}`);
    assert.ok(segs.every((s, k) => !s.startsWith(".") || (k === 0 && s === ".well-known")), `${p} → ${name}`);
    assert.ok(!/[\x00-\x1f\x7f\\]/.test(name), `${p} → ${name}`);
    for (const c of caseCandidates(name)) assert.equal(c.toLowerCase(), name.toLowerCase());
  }
  assert.ok(accepted > 1000, `only ${accepted} paths accepted`);
});
