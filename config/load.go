package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/regen-registry/regen/internal/editdist"
)

// MaxJobs bounds the jobs key.
const MaxJobs = 1024

// Find returns the configuration file to read: explicit when it is not
// empty, else DefaultFile in dir when it exists, else "" (no file: every
// default).
func Find(explicit, dir string) (string, error) {
	if explicit != "" {
		return explicit, nil
	}
	p := filepath.Join(dir, DefaultFile)
	_, err := os.Stat(p)
	switch {
	case err == nil:
		return p, nil
	case errors.Is(err, fs.ErrNotExist):
		return "", nil
	default:
		return "", fmt.Errorf("looking for %s: %w", p, err)
	}
}

// Load reads and checks a configuration file. Relative paths in it are
// resolved against the file's folder. An empty name returns Default().
func Load(name string) (*Config, error) {
	if name == "" {
		return Default(), nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	c, err := Parse(name, data)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(name)
	for _, p := range []*string{&c.Data, &c.Out} {
		if !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	return c, nil
}

// Parse checks the content of a configuration file named name (used in
// messages only; paths are left as written). Every problem is reported,
// each as an *Error, joined.
func Parse(name string, data []byte) (*Config, error) {
	p := &parser{file: name, c: Default()}
	p.c.Path = name
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, p.yamlError(err)
	}
	if len(doc.Content) > 0 {
		root := doc.Content[0]
		switch {
		case root.Kind == yaml.MappingNode:
			p.mapping(root, "")
		case root.Kind == yaml.ScalarNode && root.Tag == "!!null":
		default:
			p.errorf(root.Line, "", "want a mapping of keys (key: value), found %s", describe(root))
		}
	}
	p.crossChecks()
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return p.c, nil
}

// parser collects the problems of one file.
type parser struct {
	file string
	c    *Config
	errs []error
}

func (p *parser) errorf(line int, key, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError turns a YAML syntax error into an Error with its line.
func (p *parser) yamlError(err error) error {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: p.file, Line: line, Msg: "not valid YAML: " + m[2]}
	}
	return &Error{File: p.file, Msg: "not valid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

// mapping reads the keys of a mapping; prefix is "" at the top, or a
// section name and a dot.
func (p *parser) mapping(n *yaml.Node, prefix string) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		if k.Kind != yaml.ScalarNode {
			p.errorf(k.Line, strings.TrimSuffix(prefix, "."), "keys must be plain names, found %s", describe(k))
			continue
		}
		name := prefix + k.Value
		if prefix == "" && slices.Contains(sections, name) {
			switch {
			case v.Kind == yaml.MappingNode:
				p.mapping(v, name+".")
			case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
				// An empty section, e.g. with every key commented out.
			default:
				p.errorf(k.Line, name, "want a section of keys (%s), found %s", strings.Join(sectionKeys(name), ", "), describe(v))
			}
			continue
		}
		def, ok := lookupKey(name)
		if !ok {
			p.unknown(k.Line, name)
			continue
		}
		if s, dup := p.c.set[name]; dup {
			p.errorf(k.Line, name, "set twice (first on line %d)", s.line)
			continue
		}
		p.value(def, k.Line, v)
	}
}

// value checks one key's value and stores it.
func (p *parser) value(def keyDef, line int, v *yaml.Node) {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		p.errorf(line, def.name, "no value (remove the key to use the default)")
		return
	}
	switch def.kind {
	case kindString:
		if v.Kind != yaml.ScalarNode {
			p.errorf(line, def.name, "want a single value, found %s", describe(v))
			return
		}
		s, err := def.check(v.Value)
		if err != nil {
			p.errorf(line, def.name, "%v", err)
			return
		}
		*def.str(p.c) = s
	case kindInt:
		var n int
		if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || v.Decode(&n) != nil {
			p.errorf(line, def.name, "want a whole number, found %s", describe(v))
			return
		}
		if n < 1 || n > MaxJobs {
			p.errorf(line, def.name, "want a number from 1 to %d, found %d", MaxJobs, n)
			return
		}
		*def.num(p.c) = n
	case kindList:
		if v.Kind != yaml.SequenceNode {
			p.errorf(line, def.name, "want a list such as [MIT, Apache-2.0], found %s", describe(v))
			return
		}
		list := []string{}
		bad := false
		for i, item := range v.Content {
			if item.Kind != yaml.ScalarNode || item.Tag == "!!null" {
				p.errorf(item.Line, def.name, "entry %d: want a single value, found %s", i+1, describe(item))
				bad = true
				continue
			}
			s, err := def.check(item.Value)
			if err != nil {
				p.errorf(item.Line, def.name, "entry %d: %v", i+1, err)
				bad = true
				continue
			}
			list = append(list, s)
		}
		if slices.Contains(list, "*") && len(list) > 1 {
			p.errorf(line, def.name, `"*" (allow everything) must be the only entry`)
			bad = true
		}
		if bad {
			return
		}
		*def.list(p.c) = list
	}
	p.c.set[def.name] = source{line: line}
}

// crossChecks relates keys to each other and derives host and base_url
// from one another.
func (p *parser) crossChecks() {
	c := p.c
	host, hostSet := c.set["host"]
	base, baseSet := c.set["base_url"]
	switch {
	case hostSet && baseSet:
		if u, err := url.Parse(c.BaseURL); err == nil && u.Host != c.Host {
			p.errorf(base.line, "base_url", "host %q differs from host %q (line %d)", u.Host, c.Host, host.line)
		}
	case hostSet:
		c.BaseURL = "https://" + c.Host
		c.set["base_url"] = source{derived: "host"}
	case baseSet:
		if u, err := url.Parse(c.BaseURL); err == nil {
			c.Host = u.Host
			c.set["host"] = source{derived: "base_url"}
		}
	}
	if out, ok := c.set["out"]; ok && filepath.Clean(c.Out) == filepath.Clean(c.Data) {
		p.errorf(out.line, "out", "%q is the data folder; the build needs a folder of its own", c.Out)
	}
	if ep, ok := c.set["upload.endpoint"]; ok && strings.HasPrefix(c.Upload.Target, "file:") {
		p.errorf(ep.line, "upload.endpoint", "applies to s3:// targets only (upload.target is %s)", c.Upload.Target)
	}
	if z, ok := c.set["cloudflare.zone"]; ok && c.BaseURL == "" {
		p.errorf(z.line, "cloudflare.zone", "purging needs the registry's public URL: set host or base_url")
	}
}

// secretRE matches key names that look like a secret.
var secretRE = regexp.MustCompile(`(?i)(token|secret|password|passwd|access_key|api_key|credential|private_key)`)

// unknown reports a key regen does not know, suggesting a close one, and
// explaining where secrets go when the key looks like one.
func (p *parser) unknown(line int, name string) {
	section, leaf, nested := strings.Cut(name, ".")
	if !nested {
		leaf = name
	}
	if secretRE.MatchString(leaf) {
		switch {
		case section == "upload" || strings.HasPrefix(strings.ToLower(leaf), "aws"):
			p.errorf(line, name, "secrets are not read from the config file: the object store's credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment")
			return
		case nested && (section == "github" || section == "cloudflare"):
			p.errorf(line, name, "secrets are not read from the config file: put the secret in an environment variable and name it in %s.token_env", section)
			return
		}
		p.errorf(line, name, "unknown key; secrets are not read from the config file, only from environment variables")
		return
	}
	if s := suggest(name); s != "" {
		p.errorf(line, name, "unknown key (did you mean %s?)", s)
		return
	}
	p.errorf(line, name, "unknown key (known keys: %s)", strings.Join(knownNames(section, nested), ", "))
}

// knownNames lists the keys of a section, or the top-level keys and
// sections.
func knownNames(section string, nested bool) []string {
	if nested && slices.Contains(sections, section) {
		return sectionKeys(section)
	}
	var out []string
	for _, k := range keyDefs {
		top, _, _ := strings.Cut(k.name, ".")
		if !slices.Contains(out, top) {
			out = append(out, top)
		}
	}
	return out
}

// sectionKeys lists the keys of a section, without the section name.
func sectionKeys(section string) []string {
	var out []string
	for _, k := range keyDefs {
		if s, leaf, ok := strings.Cut(k.name, "."); ok && s == section {
			out = append(out, leaf)
		}
	}
	return out
}

// suggest returns the known key closest to name: one whose last part is
// name (a nested key written at the top), or one within two edits.
func suggest(name string) string {
	if !strings.Contains(name, ".") {
		for _, k := range keyDefs {
			if _, l, ok := strings.Cut(k.name, "."); ok && l == name && name != "token_env" {
				return k.name
			}
		}
	}
	best, bestD := "", 3
	candidates := append([]string{}, sections...)
	for _, k := range keyDefs {
		candidates = append(candidates, k.name)
	}
	for _, cand := range candidates {
		if len(name) >= 3 && (strings.HasPrefix(name, cand+"_") || strings.HasPrefix(cand, name)) {
			return cand
		}
	}
	for _, cand := range candidates {
		if d := editdist.Levenshtein(strings.ToLower(name), cand); d < bestD {
			best, bestD = cand, d
		}
	}
	return best
}

// describe names a YAML node's shape for messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return strconv.Quote(n.Value)
	}
	return "something else"
}
