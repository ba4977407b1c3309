package config

// DefaultFile is the configuration file read from the current folder when
// no --config flag names one.
const DefaultFile = "regen.yaml"

// Config is the content of a configuration file, checked. Paths are
// resolved against the file's folder.
type Config struct {
	// Path is the file read; empty when there was none (all defaults).
	Path string

	// Host is the registry's public host name, with :port if any
	// ("registry.example.com"). It names the registry in module and
	// provider addresses and in the provider mirror tree.
	Host string
	// BaseURL is the URL the built tree is served at; default
	// "https://" + Host.
	BaseURL string
	// Data is the registry data folder (default "registry-data").
	Data string
	// Out is the build output folder (default "dist").
	Out string
	// Jobs is the concurrency of every command that has a --jobs flag; 0
	// leaves each command's own default.
	Jobs int
	// MirrorPrefix is the folder of the provider network mirror tree in
	// the build (default "mirror/").
	MirrorPrefix string
	// Access is who may read the registry: "public" (default) or
	// "private". A private registry's edge worker (regen build) refuses to
	// serve without tokens, and so does regen serve.
	Access string
	// Licenses is the SPDX allowlist deciding which modules' documentation
	// is republished; nil leaves the built-in list.
	Licenses []string
	// ModuleArchives is "true" for archive mode (regen build
	// --module-archives), "false" or "" otherwise.
	ModuleArchives string

	GitHub     GitHub
	Upload     Upload
	Cloudflare Cloudflare

	// set records the keys given in the file (or derived from one) and the
	// line each came from; derived keys have line 0.
	set map[string]source
}

// GitHub is where entries are fetched from.
type GitHub struct {
	// URL is the web, feed, download and git base (default
	// https://github.com).
	URL string
	// APIURL is the REST API base (default https://api.github.com).
	APIURL string
	// TokenEnv names the environment variable holding the API token
	// (default GITHUB_TOKEN).
	TokenEnv string
}

// Upload is where the built tree is published.
type Upload struct {
	// Target is s3://BUCKET[/PREFIX] or file:///PATH.
	Target string
	// Endpoint is an S3-compatible endpoint URL (R2, MinIO); empty for AWS.
	Endpoint string
	// Region is the S3 region ("auto" for R2).
	Region string
	// State is where regen keeps its upload state, s3://BUCKET[/PREFIX]
	// or file:///PATH; empty: a hidden folder of the target.
	State string
}

// Cloudflare is the CDN zone purged after an upload.
type Cloudflare struct {
	// Zone is the zone ID (32 hex digits).
	Zone string
	// TokenEnv names the environment variable holding an API token with
	// the Cache Purge permission (default CLOUDFLARE_API_TOKEN).
	TokenEnv string
}

// source is where a key's value came from.
type source struct {
	line    int
	derived string // key it was derived from, for derived values
}

// Defaults of the keys that have one.
const (
	DefaultData         = "registry-data"
	DefaultOut          = "dist"
	DefaultMirrorPrefix = "mirror/"
	DefaultAccess       = "public"
	DefaultGitHubURL    = "https://github.com"
	DefaultGitHubAPIURL = "https://api.github.com"
	DefaultGitHubToken  = "GITHUB_TOKEN"
	DefaultCFToken      = "CLOUDFLARE_API_TOKEN"
)

// Default returns the configuration used when there is no file.
func Default() *Config {
	return &Config{
		Data:         DefaultData,
		Out:          DefaultOut,
		MirrorPrefix: DefaultMirrorPrefix,
		Access:       DefaultAccess,
		GitHub:       GitHub{URL: DefaultGitHubURL, APIURL: DefaultGitHubAPIURL, TokenEnv: DefaultGitHubToken},
		Cloudflare:   Cloudflare{TokenEnv: DefaultCFToken},
		set:          map[string]source{},
	}
}

// IsSet reports whether key was given in the file, or derived from a key
// that was (base_url from host, host from base_url).
func (c *Config) IsSet(key string) bool {
	_, ok := c.set[key]
	return ok
}
