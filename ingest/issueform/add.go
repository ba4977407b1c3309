package issueform

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/regen-registry/regen/ingest"
)

// Result is what Add did: the ingest summary of an added provider or
// module, or the key added.
type Result struct {
	Submission *Submission
	Summary    *ingest.Summary
	Key        *ingest.KeyResult
}

// Add performs a submission with ingest's add operations (AddProvider,
// AddModule, AddKey), which check what needs the network: the repository
// exists and has version tags, the key verifies the latest release. Its
// errors are the reasons for refusing the submission.
func Add(ctx context.Context, o ingest.Options, s *Submission) (*Result, error) {
	res := &Result{Submission: s}
	var err error
	switch s.Kind {
	case KindProvider:
		res.Summary, err = ingest.AddProvider(ctx, o, s.Address, s.Repository)
	case KindModule:
		res.Summary, err = ingest.AddModule(ctx, o, s.Address, s.Repository)
	case KindKey:
		res.Key, err = addKey(ctx, o, s)
	default:
		err = fmt.Errorf("unknown kind of submission %q", s.Kind)
	}
	return res, err
}

// addKey hands the key to ingest.AddKey through a temporary file named
// after the key ID.
func addKey(ctx context.Context, o ingest.Options, s *Submission) (*ingest.KeyResult, error) {
	dir, err := os.MkdirTemp(o.TempDir, "regen-key-")
	if err != nil {
		return nil, fmt.Errorf("storing the submitted key: %w", err)
	}
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, s.KeyID+".asc")
	if err := os.WriteFile(name, []byte(s.Key), 0o600); err != nil {
		return nil, fmt.Errorf("storing the submitted key: %w", err)
	}
	return ingest.AddKey(ctx, o, s.Address, name)
}
