package config

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Setting is one key's effective value and where it came from.
type Setting struct {
	// Key is the dotted key.
	Key string `json:"key"`
	// Value is the value for people ("" when the key has none: each
	// command's default applies).
	Value string `json:"value"`
	// Source is "FILE:LINE", "derived from KEY" or "default".
	Source string `json:"source"`
	// Set reports whether the file gave the key (or a key it derives
	// from): only such keys override command defaults.
	Set bool `json:"set"`
	// FlagValue is the value as a command-line flag takes it (lists
	// comma-separated).
	FlagValue string `json:"-"`
	// SecretEnv marks keys naming an environment variable with a secret.
	SecretEnv bool `json:"-"`
}

// Settings returns every key's effective value, in the order of Keys.
func (c *Config) Settings() []Setting {
	out := make([]Setting, 0, len(keyDefs))
	for _, k := range keyDefs {
		s := Setting{Key: k.name, Source: "default", SecretEnv: k.secretEnv}
		switch k.kind {
		case kindString:
			s.Value = *k.str(c)
			s.FlagValue = s.Value
		case kindInt:
			if n := *k.num(c); n != 0 {
				s.Value = strconv.Itoa(n)
				s.FlagValue = s.Value
			}
		case kindList:
			if l := *k.list(c); l != nil {
				s.Value = "[" + strings.Join(l, ", ") + "]"
				s.FlagValue = strings.Join(l, ",")
			}
		}
		if src, ok := c.set[k.name]; ok {
			s.Set = true
			if src.derived != "" {
				s.Source = "derived from " + src.derived
			} else {
				s.Source = fmt.Sprintf("%s:%d", c.Path, src.line)
			}
		} else if s.Value == "" && k.def != "" {
			s.Value = "(" + k.def + ")"
		}
		out = append(out, s)
	}
	return out
}

// Secret is the state of one environment variable holding a secret. Its
// value is never kept.
type Secret struct {
	// Name is the variable's name.
	Name string `json:"name"`
	// Purpose says what reads it.
	Purpose string `json:"purpose"`
	// Set reports whether the variable is set and not empty.
	Set bool `json:"set"`
	// Length is the value's length in bytes (0 when not set).
	Length int `json:"length"`
}

// Masked describes the secret without revealing any of it.
func (s Secret) Masked() string {
	if !s.Set {
		return "not set"
	}
	return fmt.Sprintf("set (%s, %d characters)", strings.Repeat("*", 8), s.Length)
}

// Secrets reports the environment variables regen reads secrets from:
// the GitHub and Cloudflare tokens named by the file, and the object
// store's AWS credentials. getenv is os.LookupEnv in production.
func (c *Config) Secrets(getenv func(string) (string, bool)) []Secret {
	vars := []Secret{
		{Name: c.GitHub.TokenEnv, Purpose: "GitHub API token (ingest, add, discover)"},
		{Name: c.Cloudflare.TokenEnv, Purpose: "Cloudflare API token with Cache Purge (upload)"},
		{Name: "AWS_ACCESS_KEY_ID", Purpose: "object store access key (upload)"},
		{Name: "AWS_SECRET_ACCESS_KEY", Purpose: "object store secret key (upload)"},
	}
	for i := range vars {
		v, ok := getenv(vars[i].Name)
		vars[i].Set = ok && v != ""
		if vars[i].Set {
			vars[i].Length = len(v)
		}
	}
	return vars
}

// Report is what regen config prints: the effective settings, the
// command-line flags each one sets, and the secrets' state.
type Report struct {
	// File is the configuration file read ("" for none).
	File string `json:"file"`
	// Settings lists every key.
	Settings []Setting `json:"settings"`
	// Flags maps a key to the flags it sets ("build --base-url").
	Flags map[string][]string `json:"flags"`
	// Secrets lists the environment variables holding secrets.
	Secrets []Secret `json:"secrets"`
}

// Report assembles the Report of c; flags maps keys to the flags they set.
func (c *Config) Report(getenv func(string) (string, bool), flags map[string][]string) *Report {
	if flags == nil {
		flags = map[string][]string{}
	}
	return &Report{File: c.Path, Settings: c.Settings(), Flags: flags, Secrets: c.Secrets(getenv)}
}

// WriteText writes the report as two aligned tables.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	if r.File == "" {
		fmt.Fprintf(&b, "config file: none (no %s here; every value is a default)\n\n", DefaultFile)
	} else {
		fmt.Fprintf(&b, "config file: %s\n\n", r.File)
	}
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tSOURCE\tSETS")
	for _, s := range r.Settings {
		v := s.Value
		if v == "" {
			v = "-"
		}
		sets := "-"
		if f := r.Flags[s.Key]; len(f) > 0 {
			sets = strings.Join(f, ", ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Key, v, s.Source, sets)
	}
	_ = tw.Flush()
	b.WriteString("\n")
	tw = tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SECRET (environment)\tSTATUS\tUSED FOR")
	for _, s := range r.Secrets {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, s.Masked(), s.Purpose)
	}
	_ = tw.Flush()
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the report as one indented JSON document.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
