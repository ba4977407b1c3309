package config

import (
	"fmt"
	"slices"
)

// kind is the YAML shape a key takes.
type kind int

const (
	kindString kind = iota
	kindInt
	kindList
)

// keyDef describes one key: its dotted name, shape, documentation, where
// its value goes and how it is checked.
type keyDef struct {
	name string
	kind kind
	// doc is one line for regen config and the docs.
	doc string
	// def is the default as shown to people ("" = none).
	def string
	// secretEnv marks keys that name an environment variable holding a
	// secret.
	secretEnv bool
	// str, num and list return the field the value goes to (one of them,
	// per kind).
	str  func(c *Config) *string
	num  func(c *Config) *int
	list func(c *Config) *[]string
	// check validates a string value (each element, for lists) and may
	// normalise it.
	check func(v string) (string, error)
}

// sections are the keys that hold a mapping of keys.
var sections = []string{"github", "upload", "cloudflare"}

// keyDefs lists every key in the order regen config prints them.
var keyDefs = []keyDef{
	{name: "host", doc: "public host name of the registry, with :port if any (registry.example.com)",
		str: func(c *Config) *string { return &c.Host }, check: checkHost},
	{name: "base_url", doc: "URL the built tree is served at", def: "https://<host>",
		str: func(c *Config) *string { return &c.BaseURL }, check: checkBaseURL},
	{name: "data", doc: "registry data folder", def: DefaultData,
		str: func(c *Config) *string { return &c.Data }, check: checkPath},
	{name: "out", doc: "build output folder", def: DefaultOut,
		str: func(c *Config) *string { return &c.Out }, check: checkPath},
	{name: "jobs", kind: kindInt, doc: "concurrency of every command with a --jobs flag", def: "each command's own",
		num: func(c *Config) *int { return &c.Jobs }},
	{name: "mirror_prefix", doc: "folder of the provider network mirror tree in the build", def: DefaultMirrorPrefix,
		str: func(c *Config) *string { return &c.MirrorPrefix }, check: checkMirrorPrefix},
	{name: "access", doc: "who may read the registry: public, or private (regen build's worker and regen serve then refuse to serve without tokens)", def: DefaultAccess,
		str: func(c *Config) *string { return &c.Access }, check: checkAccess},
	{name: "licenses", kind: kindList, doc: "SPDX licence allowlist for republishing module documentation", def: "built-in list",
		list: func(c *Config) *[]string { return &c.Licenses }, check: checkLicense},
	{name: "module_archives", doc: "archive mode: modules download packages the registry serves instead of git (true or false)", def: "false",
		str: func(c *Config) *string { return &c.ModuleArchives }, check: checkBool},
	{name: "github.url", doc: "GitHub web, feed, download and git base URL", def: DefaultGitHubURL,
		str: func(c *Config) *string { return &c.GitHub.URL }, check: checkGitURL},
	{name: "github.api_url", doc: "GitHub REST API base URL", def: DefaultGitHubAPIURL,
		str: func(c *Config) *string { return &c.GitHub.APIURL }, check: checkHTTPURL},
	{name: "github.token_env", doc: "environment variable holding the GitHub token", def: DefaultGitHubToken, secretEnv: true,
		str: func(c *Config) *string { return &c.GitHub.TokenEnv }, check: checkEnvName},
	{name: "upload.target", doc: "object store target: s3://BUCKET[/PREFIX] or file:///PATH",
		str: func(c *Config) *string { return &c.Upload.Target }, check: checkTarget},
	{name: "upload.endpoint", doc: "S3-compatible endpoint URL (R2, MinIO); empty for AWS S3",
		str: func(c *Config) *string { return &c.Upload.Endpoint }, check: checkHTTPURL},
	{name: "upload.region", doc: "S3 region (auto for R2)",
		str: func(c *Config) *string { return &c.Upload.Region }, check: checkRegion},
	{name: "upload.state", doc: "where regen keeps its upload state: s3://BUCKET[/PREFIX] or file:///PATH", def: "the target's .regen/state-<random>/",
		str: func(c *Config) *string { return &c.Upload.State }, check: checkTarget},
	{name: "cloudflare.zone", doc: "Cloudflare zone ID purged after each upload",
		str: func(c *Config) *string { return &c.Cloudflare.Zone }, check: checkZone},
	{name: "cloudflare.token_env", doc: "environment variable holding the Cloudflare API token (Cache Purge)", def: DefaultCFToken, secretEnv: true,
		str: func(c *Config) *string { return &c.Cloudflare.TokenEnv }, check: checkEnvName},
}

// lookupKey returns the definition of a dotted key.
func lookupKey(name string) (keyDef, bool) {
	i := slices.IndexFunc(keyDefs, func(k keyDef) bool { return k.name == name })
	if i < 0 {
		return keyDef{}, false
	}
	return keyDefs[i], true
}

// KeyInfo documents one configuration key.
type KeyInfo struct {
	// Name is the dotted key ("github.token_env").
	Name string
	// Doc says what it sets.
	Doc string
	// Default is the default as shown to people ("" when there is none).
	Default string
	// SecretEnv is set for keys naming an environment variable that holds
	// a secret.
	SecretEnv bool
}

// Keys lists every key a configuration file may hold, in a fixed order.
func Keys() []KeyInfo {
	out := make([]KeyInfo, len(keyDefs))
	for i, k := range keyDefs {
		out[i] = KeyInfo{Name: k.name, Doc: k.doc, Default: k.def, SecretEnv: k.secretEnv}
	}
	return out
}

// CheckValue checks a value for a key holding one string as a file's value
// would be checked, and returns it normalised (for flags that become
// config values, such as regen init's).
func CheckValue(key, value string) (string, error) {
	k, ok := lookupKey(key)
	if !ok || k.kind != kindString {
		return "", fmt.Errorf("%s: not a configuration key holding one value", key)
	}
	return k.check(value)
}
