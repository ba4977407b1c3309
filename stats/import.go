package stats

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/regen-registry/regen/regdata"
)

// Counted reports whether a request with this method and status is a
// download: a GET answered 200 or 204 (what Terraform and OpenTofu accept
// from a download endpoint). HEAD requests, redirects, errors and
// revalidations (304) are not downloads.
func Counted(method string, status int) bool {
	return method == "GET" && (status == 200 || status == 204)
}

// ImportOptions configure Import.
type ImportOptions struct {
	Format Format
	// Prefix is removed from request paths before matching: the bucket
	// folder an object store serves the tree from ("registry/"), for S3
	// logs whose keys include it, or a path prefix of the CDN.
	Prefix string
	// Force imports files even when a file with the same content was
	// imported before.
	Force bool
	// Now is the clock of the import records (nil: time.Now).
	Now func() time.Time
	// Logger receives a warning per file with unreadable lines. Nil logs
	// nothing.
	Logger *slog.Logger
	// MaxPairsPerDay bounds the (client, download) pairs remembered per
	// day (0: DefaultMaxPairsPerDay); see Dedup.
	MaxPairsPerDay int
}

// FileResult is what Import did with one log file.
type FileResult struct {
	File      string `json:"file"`
	SHA256    string `json:"sha256"`
	Requests  int64  `json:"requests"`
	Downloads int64  `json:"downloads"`
	// Repeats counts downloads not counted because the same client had
	// already downloaded the same URL that day (see Dedup).
	Repeats  int64 `json:"repeats,omitempty"`
	BadLines int   `json:"bad_lines,omitempty"`
	// Skipped is set when the same content was imported before.
	Skipped bool `json:"skipped,omitempty"`
}

// importRecord is one line of stats/imported.ndjson.
type importRecord struct {
	SHA256    string    `json:"sha256"`
	File      string    `json:"file"`
	Format    Format    `json:"format"`
	Imported  time.Time `json:"imported"`
	Requests  int64     `json:"requests"`
	Downloads int64     `json:"downloads"`
}

// Import reads CDN or object-store access logs (plain or gzip-compressed)
// and adds the downloads they record to the store. A file whose content
// (sha256) was imported before is skipped unless o.Force is set, so
// re-running an import over a folder of logs counts nothing twice. A file
// in which no line can be read is an error naming it; a file with some
// unreadable lines is imported and the lines are reported. Counts and
// import records are written together under the store's lock.
func Import(ctx context.Context, s *Store, files []string, o ImportOptions) ([]FileResult, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	type parsed struct {
		res    FileResult
		counts Counts
	}
	var all []parsed
	dedup := NewDedup(o.MaxPairsPerDay)
	for _, name := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res, counts, err := readLog(name, o, dedup)
		if err != nil {
			return nil, err
		}
		if res.BadLines > 0 {
			log.Warn("log lines skipped", "file", name, "bad_lines", res.BadLines)
		}
		all = append(all, parsed{res, counts})
	}
	var results []FileResult
	err := s.locked(ctx, func() error {
		done, err := s.readImported()
		if err != nil {
			return err
		}
		merged := Counts{}
		var records []importRecord
		for _, p := range all {
			if done[p.res.SHA256] && !o.Force {
				p.res.Skipped = true
				results = append(results, p.res)
				continue
			}
			done[p.res.SHA256] = true // the same content twice in one run counts once
			for entry, days := range p.counts {
				for day, n := range days {
					merged.Add(entry, day, n)
				}
			}
			records = append(records, importRecord{SHA256: p.res.SHA256, File: filepath.Base(p.res.File), Format: o.Format,
				Imported: o.Now().UTC().Truncate(time.Second), Requests: p.res.Requests, Downloads: p.res.Downloads})
			results = append(results, p.res)
		}
		byMonth, err := groupByMonth(merged)
		if err != nil {
			return err
		}
		if err := s.addLocked(ctx, byMonth); err != nil {
			return err
		}
		return s.appendImported(records)
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// readLog hashes and parses one log file, counting each client's download
// of a URL once a day (dedup).
func readLog(name string, o ImportOptions, dedup *Dedup) (FileResult, Counts, error) {
	res := FileResult{File: name}
	f, err := os.Open(name)
	if err != nil {
		return res, nil, fmt.Errorf("reading log %s: %w", name, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return res, nil, fmt.Errorf("reading log %s: %w", name, err)
	}
	res.SHA256 = hex.EncodeToString(h.Sum(nil))
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return res, nil, fmt.Errorf("reading log %s: %w", name, err)
	}
	br := bufio.NewReader(f)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return res, nil, fmt.Errorf("reading log %s: %w", name, err)
		}
		zr.Multistream(true)
		r = zr
	}
	counts := Counts{}
	perr := Parse(o.Format, r, func(req Request) error {
		res.Requests++
		if !Counted(req.Method, req.Status) {
			return nil
		}
		p := req.Path
		if o.Prefix != "" {
			var ok bool
			if p, ok = strings.CutPrefix(p, "/"+strings.Trim(o.Prefix, "/")); !ok {
				return nil
			}
		}
		if entry, ok := DownloadEntry(p); ok {
			day := req.Time.UTC().Format(time.DateOnly)
			client := ""
			if req.Client != "" {
				client = ClientOf(req.Client)
			}
			if !dedup.First(day, client, p) {
				res.Repeats++
				return nil
			}
			counts.Add(entry, day, 1)
			res.Downloads++
		}
		return nil
	})
	var le *LineError
	if perr != nil && !errors.As(perr, &le) {
		return res, nil, fmt.Errorf("reading log %s as %s: %w", name, o.Format, perr)
	}
	if perr != nil {
		res.BadLines = countLineErrors(perr)
		if res.Requests == 0 {
			return res, nil, fmt.Errorf("reading log %s as %s: no line could be read (is it a %s log?): %w", name, o.Format, o.Format, firstErr(perr))
		}
	}
	return res, counts, nil
}

func countLineErrors(err error) int {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return len(j.Unwrap())
	}
	return 1
}

func firstErr(err error) error {
	if j, ok := err.(interface{ Unwrap() []error }); ok && len(j.Unwrap()) > 0 {
		return j.Unwrap()[0]
	}
	return err
}

func (s *Store) importedPath() string { return filepath.Join(s.dir, importedFile) }

// readImported returns the sha256 of every log imported.
func (s *Store) readImported() (map[string]bool, error) {
	done := map[string]bool{}
	err := readLines(s.importedPath(), func(_ int, line []byte) error {
		var r importRecord
		if err := json.Unmarshal(line, &r); err != nil {
			return err
		}
		done[r.SHA256] = true
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return done, nil
	}
	return done, err
}

// appendImported adds records to imported.ndjson (rewritten atomically).
func (s *Store) appendImported(records []importRecord) error {
	if len(records) == 0 {
		return nil
	}
	old, err := os.ReadFile(s.importedPath())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading %s: %w", s.importedPath(), err)
	}
	if len(old) > 0 && old[len(old)-1] != '\n' {
		old = append(old, '\n')
	}
	for _, r := range records {
		line, err := json.Marshal(r)
		if err != nil {
			return err
		}
		old = append(append(old, line...), '\n')
	}
	return regdata.WriteFileAtomic(s.importedPath(), old, 0o644)
}
