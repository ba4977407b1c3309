// Bearer tokens, as serve/auth applies them: with TOKENS set (the content
// of a tokens file), every request but discovery and preflights needs a
// token whose SHA-256 is listed.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { startWorker } from "../local/harness.mjs";
import { config, ConfigError, parseTokens } from "../src/config.js";
import { bearerToken, UNAUTHORIZED_BODY } from "../src/auth.js";
import { ACCESS, TOKENS_BINDING } from "../src/build.js";

const TOKEN = "regen_0123456789abcdef";
const OTHER = "second token";
const digest = (s) => createHash("sha256").update(s).digest("hex");
const DISCOVERY = `{"modules.v1":"/v1/modules/"}\n`;

let w;
before(async () => {
  w = await startWorker({
    objects: [
      { key: "v1/providers/acme/widget/versions", body: `{"versions":[]}\n`, httpMetadata: { cacheControl: "public, max-age=60" } },
      { key: ".well-known/terraform.json", body: DISCOVERY },
    ],
    bindings: { TOKENS: `# CI tokens\n\n${digest(TOKEN)}  deploy bot\n${digest(OTHER).toUpperCase()}\n` },
  });
});
after(async () => {
  await w?.mf.dispose();
});

async function get(path, headers = {}, method = "GET") {
  const res = await fetch(new URL(path, w.url), { method, headers });
  return { res, body: await res.text() };
}

test("a listed token is accepted and the answer marked private", async () => {
  for (const auth of [`Bearer ${TOKEN}`, `bearer   ${TOKEN} `, `BEARER ${OTHER}`]) {
    const { res, body } = await get("/v1/providers/acme/widget/versions", { Authorization: auth });
    assert.equal(res.status, 200, auth);
    assert.equal(body, `{"versions":[]}\n`);
    assert.equal(res.headers.get("cache-control"), "private, max-age=60");
    assert.equal(res.headers.get("vary"), "Authorization");
  }
  const { res } = await get("/v1/providers/acme/widget/nope", { Authorization: `Bearer ${TOKEN}` });
  assert.equal(res.status, 404); // an authorized client learns what does not exist
  assert.equal(res.headers.get("vary"), "Authorization");
});

test("no token, an unknown token or another scheme is 401", async () => {
  const cases = [
    [{}, `Bearer realm="regen"`],
    [{ Authorization: "Bearer nope" }, `Bearer realm="regen", error="invalid_token"`],
    [{ Authorization: `Basic ${btoa("x:" + TOKEN)}` }, `Bearer realm="regen"`],
    [{ Authorization: `Bearer ${digest(TOKEN)}` }, `Bearer realm="regen", error="invalid_token"`],
    [{ Authorization: "Bearer" }, `Bearer realm="regen"`],
    [{ Authorization: `Bearer\t${TOKEN}` }, `Bearer realm="regen"`],
  ];
  for (const [headers, challenge] of cases) {
    for (const path of ["/v1/providers/acme/widget/versions", "/v1/providers/nobody/x/versions", "/.well-known/terraform.json/x", "/.regen/x"]) {
      const { res, body } = await get(path, headers);
      assert.equal(res.status, 401, `${path} ${JSON.stringify(headers)}`);
      assert.equal(body, UNAUTHORIZED_BODY);
      assert.equal(res.headers.get("www-authenticate"), challenge, JSON.stringify(headers));
      assert.equal(res.headers.get("content-type"), "application/json");
      assert.equal(res.headers.get("cache-control"), "no-store");
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
      assert.equal(res.headers.get("access-control-expose-headers"), "WWW-Authenticate");
    }
  }
  const { res, body } = await get("/v1/providers/acme/widget/versions", {}, "POST");
  assert.equal(res.status, 401); // before the method is looked at
  assert.equal(body, UNAUTHORIZED_BODY);
  const head = await get("/v1/providers/acme/widget/versions", {}, "HEAD");
  assert.equal(head.res.status, 401);
  assert.equal(head.body, "");
});

test("service discovery and CORS preflights need no token", async () => {
  const { res, body } = await get("/.well-known/terraform.json");
  assert.equal(res.status, 200);
  assert.equal(body, DISCOVERY);
  assert.equal(res.headers.get("vary"), null);
  assert.equal((await get("/.well-known/terraform%2Ejson")).res.status, 200); // the decoded path counts
  const pre = await get("/v1/providers/acme/widget/versions", { Origin: "https://app.example", "Access-Control-Request-Method": "GET" }, "OPTIONS");
  assert.equal(pre.res.status, 204);
});

test("bearerToken reads the header as serve/auth does", () => {
  assert.equal(bearerToken(null), "");
  assert.equal(bearerToken("Bearer abc"), "abc");
  assert.equal(bearerToken("  bearer   a b  "), "a b");
  assert.equal(bearerToken("Bearer"), "");
  assert.equal(bearerToken("Bearer\tabc"), "");
  assert.equal(bearerToken("Token abc"), "");
});

test("TOKENS is a tokens file", () => {
  assert.equal(parseTokens(undefined), null);
  const t = parseTokens(`# c\n\n  ${digest("a")}   alice smith \n${digest("b").toUpperCase()}\n`);
  assert.deepEqual([...t], [[digest("a"), "alice smith"], [digest("b"), ""]]);
  assert.throws(() => parseTokens("regen_plain_token\n"), /line 1: want the 64-hex-digit SHA-256/);
  assert.throws(() => parseTokens(`${digest("a")}\n${digest("a")} again\n`), /line 2: the same token hash is listed twice/);
  assert.throws(() => parseTokens(digest("a").slice(1)), ConfigError);
  assert.throws(() => parseTokens("# nobody yet\n"), /lists no token/);
});

test("configuration errors are named", () => {
  assert.throws(() => config({}), /no R2 bucket bound as TREE/);
  const bucket = { get() {} };
  assert.equal(config({ TREE: bucket, TREE_PREFIX: "reg" }).prefix, "reg/");
  assert.equal(config({ TREE: bucket }).prefix, "");
  assert.equal(config({ TREE: bucket }).tokens, null);
  for (const bad of ["/abs", "../up", "a//b/", "./x"]) assert.throws(() => config({ TREE: bucket, TREE_PREFIX: bad }), /TREE_PREFIX/, bad);
});

test("a worker built private refuses to run without its tokens secret", () => {
  const bucket = { get() {} };
  assert.equal(ACCESS, "public", "the repository's build.js is the public default");
  assert.throws(() => config({ TREE: bucket }, "private"), new RegExp(`private registry.*secret ${TOKENS_BINDING} is not set`));
  // The old, documented-but-wrong name does not count.
  assert.throws(() => config({ TREE: bucket, TOKEN_SHA256S: digest(TOKEN) }, "private"), ConfigError);
  assert.equal(config({ TREE: bucket, [TOKENS_BINDING]: digest(TOKEN) }, "private").tokens.size, 1);
  assert.equal(config({ TREE: bucket }, "public").tokens, null);
});
