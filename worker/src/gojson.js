// Rendering and quoting as Go does, so computed answers are byte for byte
// what `regen serve` sends.

/**
 * goJSON renders v as generator/discovery.Marshal does (Go's json.Encoder
 * with SetEscapeHTML(false)): compact, with a trailing newline — that is
 * JSON.stringify's output, except that Go escapes U+2028 and U+2029.
 * BigInt values are written as JSON numbers.
 * @param {unknown} v
 */
export function goJSON(v) {
  const mark = "\u0000bigint:";
  const text = JSON.stringify(v, (_, x) => (typeof x === "bigint" ? mark + x.toString() : x));
  return (
    text
      .replace(/"\\u0000bigint:(-?[0-9]+)"/g, "$1")
      .replace(/[\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16)) + "\n"
  );
}

/**
 * goQuote is Go's strconv.Quote (%q) for the strings parameter errors
 * echo: backslash escapes for quotes, backslashes and control
 * characters; other characters as they are.
 * @param {string} s
 */
export function goQuote(s) {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0);
    switch (ch) {
      case '"': out += '\\"'; continue;
      case "\\": out += "\\\\"; continue;
      case "\x07": out += "\\a"; continue;
      case "\b": out += "\\b"; continue;
      case "\f": out += "\\f"; continue;
      case "\n": out += "\\n"; continue;
      case "\r": out += "\\r"; continue;
      case "\t": out += "\\t"; continue;
      case "\v": out += "\\v"; continue;
    }
    if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else if (c >= 0x80 && c < 0xa0) out += "\\u" + c.toString(16).padStart(4, "0");
    else out += ch;
  }
  return out + '"';
}

/**
 * queryEscape is Go's url.QueryEscape: letters, digits and -_.~ stay,
 * spaces become "+", everything else is %XX (upper-case hex) of its UTF-8.
 * @param {string} s
 */
export function queryEscape(s) {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, "+");
}

/**
 * encodeValues is Go's url.Values.Encode: keys sorted, each value in
 * order, "key=value" joined with "&".
 * @param {Map<string, string[]>} values
 */
export function encodeValues(values) {
  return [...values.keys()]
    .sort()
    .flatMap((k) => values.get(k).map((v) => queryEscape(k) + "=" + queryEscape(v)))
    .join("&");
}

/**
 * BadQuery is a malformed query string (url.ParseQuery's error).
 */
export class BadQuery extends Error {}

/** unescapeQuery is Go's url.QueryUnescape, decoding bytes as UTF-8 (invalid → U+FFFD). */
function unescapeQuery(s) {
  const bytes = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === "%") {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new BadQuery("invalid URL escape");
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (ch === "+") {
      bytes.push(0x20);
    } else {
      bytes.push(...new TextEncoder().encode(ch));
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/**
 * parseQuery is Go's url.ParseQuery: "&"-separated key=value pairs,
 * "+" for spaces, %XX escapes; a ";" or a bad escape is an error.
 * @param {string} raw the query string without "?"
 * @returns {Map<string, string[]>}
 */
export function parseQuery(raw) {
  const m = new Map();
  let err = null;
  for (const part of raw.split("&")) {
    if (part === "") continue;
    if (part.includes(";")) {
      err ??= new BadQuery("invalid semicolon separator in query");
      continue;
    }
    const eq = part.indexOf("=");
    const [k, v] = eq < 0 ? [part, ""] : [part.slice(0, eq), part.slice(eq + 1)];
    let key, value;
    try {
      key = unescapeQuery(k);
      value = unescapeQuery(v);
    } catch (e) {
      err ??= e;
      continue;
    }
    if (!m.has(key)) m.set(key, []);
    m.get(key).push(value);
  }
  if (err) throw err;
  return m;
}
