package ingest

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/regen-registry/regen/ingest/pollstate"
	"github.com/regen-registry/regen/ingest/release"
	"github.com/regen-registry/regen/regdata"
)

// KeyResult is what AddKey did.
type KeyResult struct {
	// Path is the key file written, relative to the data folder.
	Path string
	// KeyID is the key's ID (16 hex digits, upper case).
	KeyID string
	// Verified lists the providers whose latest release's SHA256SUMS the
	// key verified, as "provider/ns/type version".
	Verified []string
	// NotVerified lists the others that have releases, with the reason
	// (only for namespace keys, which need to verify one of them).
	NotVerified []string
}

// AddKey adds an armored OpenPGP public key for a namespace ("NS") or one
// provider ("NS/TYPE") to keys/. The file must hold exactly one public
// key (a file with several is refused with a *regdata.ManyKeysError
// naming them all). When the provider (or, for a namespace key, any provider of the
// namespace) has releases, the key must verify the signature of the
// latest one's SHA256SUMS; a namespace key must verify at least one.
// Failed versions of the providers concerned are retried at the next run
// instead of after their back-off.
func AddKey(ctx context.Context, o Options, target, file string) (*KeyResult, error) {
	r, err := newRunner(o)
	if err != nil {
		return nil, err
	}
	ns, typ, isProvider := strings.Cut(target, "/")
	check := regdata.ProviderAddr{Namespace: ns, Type: typ}
	if !isProvider {
		check.Type = "x"
	}
	if err := check.Validate(); err != nil || !regdata.SafeSegment(ns) || (isProvider && !regdata.SafeSegment(typ)) {
		return nil, fmt.Errorf("key target %q: want NAMESPACE or NAMESPACE/TYPE", target)
	}
	armored, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading key: %w", err)
	}
	// Exactly one key, whatever the blocks: a second key in the file
	// would be trusted too while the file is shown under the first's ID.
	ids, err := regdata.ParseKeys(armored)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(ids) > 1 {
		return nil, fmt.Errorf("%s: %w", file, &regdata.ManyKeysError{KeyIDs: ids})
	}
	keyID := ids[0]
	ring, err := regdata.KeyRing([]regdata.Key{{Path: file, Armored: string(armored)}})
	if err != nil {
		return nil, err
	}

	// Where it goes: keys/<c>/<ns>[/<type>]/<KEYID>.asc, reusing the
	// folders' existing spelling.
	rel := path.Join("keys", strings.ToLower(ns[:1]))
	rel = path.Join(rel, existingOr(filepath.Join(r.dir.Root, rel), strings.ToLower(ns)))
	if dup, err := findKeyID(r.dir.Root, rel, keyID); err != nil {
		return nil, err
	} else if dup != "" {
		return nil, fmt.Errorf("key %s is already in the registry (%s)", keyID, dup)
	}
	if isProvider {
		rel = path.Join(rel, existingOr(filepath.Join(r.dir.Root, rel), strings.ToLower(typ)))
	}
	rel = path.Join(rel, keyID+".asc")

	// Which providers it must verify.
	provs, _, err := r.dir.Providers()
	if err != nil {
		return nil, err
	}
	bl, err := r.dir.ReadBlacklist()
	if err != nil {
		return nil, err
	}
	res := &KeyResult{Path: rel, KeyID: keyID}
	var concerned []regdata.ProviderAddr
	for _, a := range provs {
		if !strings.EqualFold(a.Namespace, ns) || (isProvider && !strings.EqualFold(a.Type, typ)) {
			continue
		}
		concerned = append(concerned, a)
		f, err := r.dir.ReadProvider(a)
		if err != nil {
			return nil, err
		}
		pub, _ := regdata.PublishedProviderVersions(a, f, bl)
		if len(pub) == 0 {
			continue
		}
		latest := pub[0].Entry
		err = r.verifyWith(ctx, ring, latest)
		label := a.Key() + " " + latest.Version
		if err != nil {
			res.NotVerified = append(res.NotVerified, label+": "+err.Error())
			continue
		}
		res.Verified = append(res.Verified, label)
	}
	if len(res.NotVerified) > 0 && (isProvider || len(res.Verified) == 0) {
		return nil, fmt.Errorf("key %s does not verify the latest release: %s", keyID, strings.Join(res.NotVerified, "; "))
	}

	if err := regdata.WriteFileAtomic(filepath.Join(r.dir.Root, filepath.FromSlash(rel)), armored, 0o644); err != nil {
		return nil, err
	}
	// Failed versions of these providers are due at the next run.
	for _, a := range concerned {
		st := r.state.Get(a.Key())
		if len(st.Retries) == 0 {
			continue
		}
		for v := range st.Retries {
			st.Retries[v] = pollstate.Retry{Attempts: st.Retries[v].Attempts}
		}
		r.state.Put(a.Key(), st)
	}
	if err := r.state.Save(); err != nil {
		return res, err
	}
	return res, nil
}

// verifyWith checks a version's SHA256SUMS signature against ring.
func (r *runner) verifyWith(ctx context.Context, ring openpgp.EntityList, v regdata.ProviderVersion) error {
	sums, err := r.gh.Fetch(ctx, r.ep.Rebase(v.SHASumsURL), 1<<20)
	if err != nil {
		return err
	}
	sig, err := r.gh.Fetch(ctx, r.ep.Rebase(v.SHASumsSignatureURL), 64<<10)
	if err != nil {
		return err
	}
	_, err = release.VerifySignature(ring, sums, sig)
	return err
}

// existingOr returns the name of the folder in dir equal to name without
// regard to case, or name when there is none.
func existingOr(dir, name string) string {
	if m := foldMatches(dir, name, true); len(m) > 0 {
		return m[0]
	}
	return name
}

// findKeyID returns the path of a key file under rel (recursively) with
// the given key ID, or "".
func findKeyID(root, rel, keyID string) (string, error) {
	base := filepath.Join(root, filepath.FromSlash(rel))
	var found string
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".asc") || found != "" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if ids, err := regdata.ParseKeys(data); err == nil && slices.Contains(ids, keyID) {
			r, _ := filepath.Rel(root, p)
			found = filepath.ToSlash(r)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("reading keys: %w", err)
	}
	return found, nil
}
