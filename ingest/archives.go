package ingest

import (
	"context"
	"fmt"

	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/regen-registry/regen/ingest/github"
	"github.com/regen-registry/regen/modarchive"
	"github.com/regen-registry/regen/modsource"
	"github.com/regen-registry/regen/regdata"
)

// ArchiveOptions make ingest fill the module package store of archive
// mode (package modarchive) with the versions it lacks, so that `regen
// build --module-archives` needs no network.
type ArchiveOptions struct {
	// Dir is the store (default modarchive.DefaultDir(Data)).
	Dir string
	// Source and Pack bound each fetch and package.
	Source modsource.Limits
	Pack   modarchive.PackLimits
}

// newArchiveFiller returns the run's filler (nil when o.Archives is nil).
func newArchiveFiller(o Options) *modarchive.Filler {
	if o.Archives == nil {
		return nil
	}
	dir := o.Archives.Dir
	if dir == "" {
		dir = modarchive.DefaultDir(o.Data)
	}
	f := &modarchive.Filler{Store: modarchive.NewStore(dir), Source: o.Archives.Source, Pack: o.Archives.Pack, Jobs: 1}
	if o.Token != "" {
		// Git remotes are on the web host, the only host besides the API
		// that may see the token.
		f.Auth = &githttp.BasicAuth{Username: "x-access-token", Password: o.Token}
	}
	return f
}

// moduleArchives packages the module's versions the store lacks. Problems
// are warnings: a version without a package keeps its git download, and
// one that failed for a passing reason is tried again next run.
func (r *runner) moduleArchives(ctx context.Context, entry string, addr regdata.ModuleAddr, repo github.Repo, versions []regdata.ModuleVersion) {
	res, err := r.arch.Fill(ctx, addr, r.ep.GitURL(repo), versions)
	if err != nil {
		r.warning(entry, fmt.Sprintf("module packages not made: %v", err))
		return
	}
	for _, p := range res {
		switch {
		case p.Err != nil && ctx.Err() == nil:
			r.warning(entry, fmt.Sprintf("package of %s not made (retried next run): %v", p.Version, p.Err))
		case p.Entry.Error != "":
			r.warning(entry, fmt.Sprintf("package of %s refused, it keeps its git download: %s", p.Version, p.Entry.Error))
		case p.Err == nil:
			r.log.Debug("module package made", "entry", entry, "version", p.Version, "sha256", p.Entry.SHA256, "bytes", p.Entry.Size)
		}
	}
}
