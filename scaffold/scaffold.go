package scaffold

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"text/template"

	"github.com/regen-registry/regen/config"
)

//go:embed all:templates
var templates embed.FS

// DefaultRegenVersion is the version the workflows install when Options
// does not name one.
const DefaultRegenVersion = "latest"

// Options configure Init.
type Options struct {
	// Dir is the repository folder; it is created if missing.
	Dir string
	// Host is the registry's public host name (required).
	Host string
	// BaseURL is the public URL when it is not https://<Host>.
	BaseURL string
	// RegenVersion is the regen the workflows install (default
	// DefaultRegenVersion): a release version (v1.2.3), or with
	// InstallSource any version go install accepts.
	RegenVersion string
	// InstallFrom is how the workflows install regen: InstallRelease (the
	// default for a release version) or InstallSource (go install; the
	// default when RegenVersion is not a release, such as latest).
	InstallFrom string
	// ReleaseURL is where release archives are downloaded from (default
	// DefaultReleaseURL).
	ReleaseURL string
	// ReleaseSHA256 pins the sha256 of the release's linux_amd64 archive;
	// empty: the workflows check it against the release's checksums file.
	ReleaseSHA256 string
	// UploadTarget, UploadEndpoint and UploadRegion fill in regen.yaml's
	// upload section (left commented out when empty).
	UploadTarget, UploadEndpoint, UploadRegion string
	// CloudflareZone fills in cloudflare.zone.
	CloudflareZone string
	// DryRun reports what would be written without writing.
	DryRun bool
}

// normalize checks the options with the same rules regen.yaml's keys
// follow, naming the flag at fault.
func (o Options) normalize() (Options, error) {
	if o.Dir == "" {
		o.Dir = "."
	}
	if o.RegenVersion == "" {
		o.RegenVersion = DefaultRegenVersion
	}
	if o.Host == "" {
		return o, errors.New("--host: the registry's public host name is required (such as registry.example.com)")
	}
	for _, c := range []struct {
		flag, key string
		v         *string
	}{
		{"--host", "host", &o.Host},
		{"--base-url", "base_url", &o.BaseURL},
		{"--upload-target", "upload.target", &o.UploadTarget},
		{"--upload-endpoint", "upload.endpoint", &o.UploadEndpoint},
		{"--upload-region", "upload.region", &o.UploadRegion},
		{"--cloudflare-zone", "cloudflare.zone", &o.CloudflareZone},
	} {
		if *c.v == "" {
			continue
		}
		v, err := config.CheckValue(c.key, *c.v)
		if err != nil {
			return o, fmt.Errorf("%s: %w", c.flag, err)
		}
		*c.v = v
	}
	if strings.ContainsAny(o.RegenVersion, " \t\n\"'$`\\") {
		return o, fmt.Errorf("--regen-version %q: want a module version such as v1.2.3 or latest", o.RegenVersion)
	}
	return o.normalizeInstall()
}

// File is one file of the scaffold.
type File struct {
	// Path is slash-separated, relative to the repository folder.
	Path string
	// Data is the file's content.
	Data []byte
}

// Render returns every file of the scaffold for o, sorted by path, without
// writing anything.
func Render(o Options) ([]File, error) {
	o, err := o.normalize()
	if err != nil {
		return nil, err
	}
	// PublicURL is the base URL whether given or derived.
	data := struct {
		Options
		PublicURL    string
		InstallEnv   string
		InstallSteps string
	}{o, o.BaseURL, o.installEnv(), o.installSteps()}
	if data.PublicURL == "" {
		data.PublicURL = "https://" + o.Host
	}
	var files []File
	err = fs.WalkDir(templates, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := templates.ReadFile(p)
		if err != nil {
			return err
		}
		t, err := template.New(p).Delims("[[", "]]").Option("missingkey=error").Parse(string(src))
		if err != nil {
			return fmt.Errorf("template %s: %w", p, err)
		}
		var b bytes.Buffer
		if err := t.Execute(&b, data); err != nil {
			return fmt.Errorf("template %s: %w", p, err)
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".tmpl")
		files = append(files, File{Path: rel, Data: b.Bytes()})
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	if _, err := config.Parse(config.DefaultFile, fileData(files, config.DefaultFile)); err != nil {
		return nil, fmt.Errorf("the generated %s is not valid (a bug): %w", config.DefaultFile, err)
	}
	return files, nil
}

func fileData(files []File, p string) []byte {
	for _, f := range files {
		if f.Path == p {
			return f.Data
		}
	}
	return nil
}

// Action is what Init did with one file.
type Action string

// The actions of Init.
const (
	// Created: the file did not exist and was written.
	Created Action = "created"
	// Unchanged: the file exists with the template's content.
	Unchanged Action = "unchanged"
	// Kept: the file exists with other content (the operator's) and was
	// left alone.
	Kept Action = "kept"
)

// Result is one file's outcome.
type Result struct {
	Path   string `json:"path"`
	Action Action `json:"action"`
}

// Init writes the scaffold into o.Dir, never replacing a file that
// exists. It returns what happened to each file, sorted by path.
func Init(ctx context.Context, o Options) ([]Result, error) {
	files, err := Render(o)
	if err != nil {
		return nil, err
	}
	dir := o.Dir
	if dir == "" {
		dir = "."
	}
	var out []Result
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		dst := filepath.Join(dir, filepath.FromSlash(f.Path))
		old, err := os.ReadFile(dst)
		switch {
		case err == nil && bytes.Equal(old, f.Data):
			out = append(out, Result{Path: f.Path, Action: Unchanged})
			continue
		case err == nil:
			out = append(out, Result{Path: f.Path, Action: Kept})
			continue
		case !errors.Is(err, fs.ErrNotExist):
			return out, fmt.Errorf("reading %s: %w", dst, err)
		}
		if !o.DryRun {
			if err := writeNew(dst, f.Data); err != nil {
				if errors.Is(err, fs.ErrExist) {
					out = append(out, Result{Path: f.Path, Action: Kept})
					continue
				}
				return out, err
			}
		}
		out = append(out, Result{Path: f.Path, Action: Created})
	}
	return out, nil
}

// writeNew writes data to a temporary file next to name and links it into
// place, failing with fs.ErrExist instead of replacing a file that
// appeared meanwhile.
func writeNew(name string, data []byte) error {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+path.Base(filepath.ToSlash(name))+".regen-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := os.Link(tmp.Name(), name); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}
