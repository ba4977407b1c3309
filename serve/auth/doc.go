// Package auth makes `regen serve` a private registry: a middleware
// (plugged in through serve.Options.Wrap) that requires
// "Authorization: Bearer <token>" on every request except service
// discovery (/.well-known/terraform.json) and CORS preflights.
//
// Tokens are never stored: the tokens file (`regen serve --tokens FILE`)
// holds the hex SHA-256 of each token, one per line with an optional name
// (`regen token new --tokens FILE --name ci` makes a token and appends its
// hash; `regen token hash` prints the line for an existing token). A
// presented token is hashed and looked up. The file is re-read when it
// changes, so tokens are added and revoked without a restart. A tokens
// file that disappears, cannot be read or no longer parses accepts no
// token: every request but the public ones gets 503 (and the change is
// logged as an error) until a readable file is back. Middleware.Authorize
// is the one function deciding whether a request may be answered.
//
// Without an accepted token the answer is 401 with
// "WWW-Authenticate: Bearer realm=\"regen\"" (plus error="invalid_token"
// when a token was given) and the body {"errors":["401 Unauthorized"]}.
// Terraform does not show the body: `terraform init` fails with
// "error looking up module versions: 401 Unauthorized." (Terraform 1.11).
// Terraform sends the token from a CLI-config credentials block
// (credentials "host:port" { token = "…" }) with every registry request,
// service discovery included; discovery stays public anyway because it
// reveals nothing but the API's base paths. Authorized answers are marked
// Cache-Control private with Vary: Authorization, so shared caches never
// serve them to others.
package auth
