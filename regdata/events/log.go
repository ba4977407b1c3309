package events

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sync"

	"github.com/regen-registry/regen/internal/safefile"
)

// Folder is the log's folder inside a data folder.
const Folder = "events"

// Log appends events to the log of one data folder. It is safe for
// concurrent use; appends from one Log never interleave.
type Log struct {
	dir string
	mu  sync.Mutex
}

// New returns the log of the data folder root (root/events).
func New(root string) *Log { return &Log{dir: filepath.Join(root, Folder)} }

// Path returns the file of a month ("2026-11") inside root.
func Path(root, month string) string {
	return filepath.Join(root, Folder, month+".ndjson")
}

// Append validates the events and appends them, in order, to their
// months' files: one write and one fsync per file. Nothing is written when
// any event is invalid.
func (l *Log) Append(ctx context.Context, evs ...Event) error {
	if len(evs) == 0 {
		return nil
	}
	var months []string
	lines := map[string][]byte{}
	for _, e := range evs {
		if err := e.Validate(); err != nil {
			return fmt.Errorf("appending event: %w", err)
		}
		line, err := e.MarshalLine()
		if err != nil {
			return err
		}
		m := e.Month()
		if _, ok := lines[m]; !ok {
			months = append(months, m)
		}
		lines[m] = append(lines[m], line...)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := os.MkdirAll(l.dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", l.dir, err)
	}
	for _, m := range months {
		if err := appendFile(filepath.Join(l.dir, m+".ndjson"), lines[m]); err != nil {
			return err
		}
	}
	return nil
}

// appendFile appends data to name with O_APPEND and fsyncs it. When the
// file does not end in a newline (a write cut short by a crash), a newline
// is written first so the torn line stays on its own.
func appendFile(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("opening %s: %w", name, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("opening %s: %w", name, err)
	}
	if size := fi.Size(); size > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, size-1); err != nil {
			f.Close()
			return fmt.Errorf("reading %s: %w", name, err)
		}
		if last[0] != '\n' {
			data = append([]byte{'\n'}, data...)
		}
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("appending to %s: %w", name, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("syncing %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", name, err)
	}
	return nil
}

// BadLine is a log line Read could not use.
type BadLine struct {
	File string // path of the log file
	Line int    // 1-based; 0 for a file that was not read
	Err  error
}

func (b BadLine) Error() string {
	if b.Line == 0 {
		return fmt.Sprintf("%s: %v", b.File, b.Err)
	}
	return fmt.Sprintf("%s:%d: %v", b.File, b.Line, b.Err)
}

// MaxFileSize caps one month's log file as Read reads it: far above a
// public registry's month of changes.
const MaxFileSize = 256 << 20

// Read returns every event in the log of the data folder root, oldest file
// first and in file order within a file. Lines that are not valid events
// (a torn last line after a crash, a hand edit) and files that are not
// regular files or are larger than MaxFileSize (never read) are returned
// in bad, not treated as fatal. A data folder without a log has no events.
func Read(root string) (evs []Event, bad []BadLine, err error) {
	dir := filepath.Join(root, Folder)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && filepath.Ext(e.Name()) == ".ndjson" && e.Name()[0] != '.' {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	for _, n := range names {
		// Only a regular file inside the data folder, within the cap.
		data, _, err := safefile.ReadFile(root, Folder+"/"+n, MaxFileSize)
		if errors.Is(err, safefile.ErrNotRegular) || errors.Is(err, safefile.ErrTooLarge) {
			bad = append(bad, BadLine{File: filepath.Join(dir, n), Err: err})
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("reading %s: %w", path.Join(Folder, n), err)
		}
		e, b, err := ReadFrom(bytes.NewReader(data), filepath.Join(dir, n))
		if err != nil {
			return nil, nil, err
		}
		evs = append(evs, e...)
		bad = append(bad, b...)
	}
	return evs, bad, nil
}

// ReadFrom parses a log file's content; name is used in BadLine and error
// messages.
func ReadFrom(r io.Reader, name string) (evs []Event, bad []BadLine, err error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", name, err)
	}
	for i, line := range bytes.Split(data, []byte{'\n'}) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		e, err := ParseLine(line)
		if err != nil {
			bad = append(bad, BadLine{File: name, Line: i + 1, Err: err})
			continue
		}
		evs = append(evs, e)
	}
	return evs, bad, nil
}
