// Bearer tokens for private registries, as serve/auth applies them: every
// request except service discovery and CORS preflights needs
// "Authorization: Bearer <token>" whose SHA-256 (hex) the TOKENS secret
// lists. Terraform and OpenTofu send it with every registry request to a
// host named by a `credentials` block (or a TF_TOKEN_<host> variable).
// Only digests are configured, so the deployment never holds a usable
// token.

/** UNAUTHORIZED_BODY is the body of every 401 answer (serve/auth.UnauthorizedBody). */
export const UNAUTHORIZED_BODY = `{"errors":["401 Unauthorized"]}\n`;

/** REALM names the registry in the WWW-Authenticate challenge. */
export const REALM = "regen";

/**
 * isPublic reports whether a decoded URL path is served without a token:
 * only service discovery, which holds nothing but the API's base paths
 * and which a client must read to learn where to send its credentials.
 * @param {string} pathname the request's pathname, still percent-encoded
 */
export function isPublic(pathname) {
  try {
    return decodeURIComponent(pathname) === "/.well-known/terraform.json";
  } catch {
    return false;
  }
}

/**
 * bearerToken returns the token of an "Authorization: Bearer <token>"
 * header (scheme case-insensitive, surrounding spaces trimmed), or "".
 * @param {string|null} h
 */
export function bearerToken(h) {
  if (h === null) return "";
  const s = h.trim();
  const i = s.indexOf(" ");
  if (i < 0 || s.slice(0, i).toLowerCase() !== "bearer") return "";
  return s.slice(i + 1).trim();
}

/**
 * sha256Hex returns the lower-case hex SHA-256 of a string's UTF-8 bytes.
 * @param {string} s
 */
export async function sha256Hex(s) {
  const sum = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s)));
  return Array.from(sum, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * authorize checks a request's token. It returns {denied} with the 401
 * answer, or {authorized} telling whether a token was checked (the answer
 * must then be marked private; see markPrivate).
 * @param {Request} request
 * @param {URL} url
 * @param {Map<string,string>|null} tokens accepted token digests; null: public registry
 * @returns {Promise<{denied?: Response, authorized: boolean}>}
 */
export async function authorize(request, url, tokens) {
  if (tokens === null || request.method === "OPTIONS" || isPublic(url.pathname)) return { authorized: false };
  const token = bearerToken(request.headers.get("Authorization"));
  if (token !== "" && tokens.has(await sha256Hex(token))) return { authorized: true };
  const h = new Headers();
  let challenge = `Bearer realm="${REALM}"`;
  if (token !== "") challenge += `, error="invalid_token"`;
  h.set("WWW-Authenticate", challenge);
  h.set("Content-Type", "application/json");
  h.set("Cache-Control", "no-store");
  h.set("Access-Control-Allow-Origin", "*");
  h.set("Access-Control-Expose-Headers", "WWW-Authenticate");
  h.set("Content-Length", String(UNAUTHORIZED_BODY.length));
  return {
    authorized: false,
    denied: new Response(request.method === "HEAD" ? null : UNAUTHORIZED_BODY, { status: 401, headers: h }),
  };
}

/**
 * markPrivate keeps shared caches from handing an authorized answer to
 * others: Cache-Control "public" becomes "private", and Vary names
 * Authorization.
 * @param {Response} res
 * @returns {Response}
 */
export function markPrivate(res) {
  const out = new Response(res.body, res);
  const cc = out.headers.get("Cache-Control");
  if (cc !== null && cc.includes("public")) out.headers.set("Cache-Control", cc.replace("public", "private"));
  out.headers.append("Vary", "Authorization");
  return out;
}
