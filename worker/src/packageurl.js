// Short-lived signed URLs of module packages (archive mode), as
// serve/auth/packageurl.go issues them for `regen serve --tokens`.
// Terraform and OpenTofu fetch a package with go-getter's HTTP client,
// which sends no registry credentials, so a private registry cannot ask a
// token for packages. The download answer, which does require one, hands
// out the package path with an expiry and an HMAC over both instead.
//
// The HMAC key is derived from the TOKENS secret (the SHA-256 of every
// accepted token), so every isolate agrees on it without another secret,
// and revoking or adding a token invalidates the URLs already handed out.

/** Query parameters of a signed package URL. */
const EXPIRES = "regen_expires";
const SIGNATURE = "regen_signature";

/** LIFETIME_SECONDS is how long a signed URL is valid (serve: 15 minutes). */
export const LIFETIME_SECONDS = 15 * 60;

const PACKAGE_PREFIX = "/archives/";

/** isPackagePath reports whether a URL path names a module package. */
export function isPackagePath(pathname) {
  return pathname.startsWith(PACKAGE_PREFIX) && pathname.endsWith(".tar.gz") && !pathname.includes("..");
}

const keys = new WeakMap();

/**
 * signingKey returns the HMAC key of a tokens map (cached per map).
 * @param {Map<string,string>} tokens
 * @returns {Promise<CryptoKey>}
 */
async function signingKey(tokens) {
  let k = keys.get(tokens);
  if (k === undefined) {
    const material = "regen-package-url-key\n" + [...tokens.keys()].sort().join("\n");
    const raw = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(material));
    k = crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    keys.set(tokens, k);
  }
  return k;
}

async function mac(tokens, path, expires) {
  const key = await signingKey(tokens);
  const sig = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`regen-package-url\n${path}\n${expires}`));
  return Array.from(new Uint8Array(sig), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * signLocation returns a package location with an expiry and a signature,
 * any other location unchanged.
 * @param {string} location
 * @param {Map<string,string>} tokens
 * @returns {Promise<string>}
 */
export async function signLocation(location, tokens) {
  if (!isPackagePath(location) || /[?#]/.test(location)) return location;
  const expires = Math.floor(Date.now() / 1000) + LIFETIME_SECONDS;
  return `${location}?${EXPIRES}=${expires}&${SIGNATURE}=${await mac(tokens, location, expires)}`;
}

/**
 * validPackageRequest reports whether a request asks for a package with a
 * valid, unexpired signature.
 * @param {Request} request
 * @param {URL} url
 * @param {Map<string,string>} tokens
 */
export async function validPackageRequest(request, url, tokens) {
  if ((request.method !== "GET" && request.method !== "HEAD") || !isPackagePath(url.pathname)) return false;
  const exp = url.searchParams.get(EXPIRES) ?? "";
  if (!/^[0-9]{1,12}$/.test(exp)) return false;
  const expires = Number(exp);
  const now = Math.floor(Date.now() / 1000);
  if (now > expires || expires > now + LIFETIME_SECONDS) return false;
  const want = await mac(tokens, url.pathname, expires);
  const got = url.searchParams.get(SIGNATURE) ?? "";
  if (got.length !== want.length) return false;
  let diff = 0;
  for (let i = 0; i < want.length; i++) diff |= want.charCodeAt(i) ^ got.charCodeAt(i);
  return diff === 0;
}
