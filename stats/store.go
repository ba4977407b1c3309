package stats

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/regen-registry/regen/internal/safefile"
	"github.com/regen-registry/regen/regdata"
)

// Folder is the stats folder's name inside a data folder.
const Folder = "stats"

// KeepMonths is how many months (the newest one included) keep daily
// counts; older months are folded into the archive's totals.
const KeepMonths = 13

const (
	downloadsDir = "downloads"
	archiveFile  = "archive.ndjson"
	importedFile = "imported.ndjson"
	lockFile     = ".lock"
)

// DataDir returns the stats folder of a data folder.
func DataDir(dataDir string) string { return filepath.Join(dataDir, Folder) }

// Counts are download counts: entry ("module/ns/name/system") → day
// ("2026-11-05", UTC) → downloads.
type Counts map[string]map[string]int64

// Add adds n downloads of entry on day.
func (c Counts) Add(entry, day string, n int64) {
	m := c[entry]
	if m == nil {
		m = map[string]int64{}
		c[entry] = m
	}
	m[day] += n
}

// Total returns the sum of all counts.
func (c Counts) Total() int64 {
	var t int64
	for _, days := range c {
		for _, n := range days {
			t += n
		}
	}
	return t
}

// Store is the download counters of a registry, kept in its data folder:
//
//	stats/downloads/<YYYY-MM>.ndjson   one line per entry downloaded that month:
//	                                   {"entry":"module/ns/name/system","days":{"05":12,"17":3}}
//	stats/downloads/archive.ndjson     totals of the months folded away: a first line
//	                                   {"through":"YYYY-MM"}, then {"entry":…,"total":N}
//	stats/imported.ndjson              one line per CDN log file imported (by sha256)
//
// Lines are sorted by entry and days by date, so that adding a day's
// counts changes only the lines of the entries downloaded that day: the
// git history of the data folder grows by a few lines per entry per day.
// Months older than KeepMonths (counting back from the newest month
// written) are folded into the archive, which bounds the folder to about
// 14 files; a month at or before the archive's "through" is ignored, so a
// crash between writing the archive and deleting the month cannot count
// it twice.
//
// Every write is atomic (temporary file and rename) and writers take an
// advisory lock (stats/.lock), so `regen serve` flushing its counters and
// `regen stats import` can run at the same time.
type Store struct {
	dir string
}

// NewStore returns the store in dir (normally DataDir(dataFolder)); the
// folder is created on first write.
func NewStore(dir string) *Store { return &Store{dir: dir} }

// Dir returns the store's folder.
func (s *Store) Dir() string { return s.dir }

var (
	monthRE = regexp.MustCompile(`^(\d{4})-(\d{2})\.ndjson$`)
	dayRE   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

type monthLine struct {
	Entry string           `json:"entry"`
	Days  map[string]int64 `json:"days"`
}

type archiveHeader struct {
	Through string `json:"through"`
}

type archiveLine struct {
	Entry string `json:"entry"`
	Total int64  `json:"total"`
}

// Add merges counts into the store. Days must be "YYYY-MM-DD" and counts
// not negative; entries must be valid counter names (see DownloadEntry).
func (s *Store) Add(ctx context.Context, counts Counts) error {
	byMonth, err := groupByMonth(counts)
	if err != nil || len(byMonth) == 0 {
		return err
	}
	return s.locked(ctx, func() error { return s.addLocked(ctx, byMonth) })
}

// groupByMonth validates counts and splits them by month ("YYYY-MM"),
// dropping zero counts.
func groupByMonth(counts Counts) (map[string]Counts, error) {
	byMonth := map[string]Counts{}
	for entry, days := range counts {
		if !validEntry(entry) {
			return nil, fmt.Errorf("adding download counts: bad entry %q", entry)
		}
		for day, n := range days {
			if _, err := time.Parse(time.DateOnly, day); err != nil || !dayRE.MatchString(day) {
				return nil, fmt.Errorf("adding download counts for %s: bad day %q", entry, day)
			}
			if n < 0 {
				return nil, fmt.Errorf("adding download counts for %s: negative count %d on %s", entry, n, day)
			}
			if n == 0 {
				continue
			}
			m := day[:7]
			if byMonth[m] == nil {
				byMonth[m] = Counts{}
			}
			byMonth[m].Add(entry, day, n)
		}
	}
	return byMonth, nil
}

// addLocked merges counts grouped by month; the caller holds the lock.
func (s *Store) addLocked(ctx context.Context, byMonth map[string]Counts) error {
	through, totals, err := s.readArchive()
	if err != nil {
		return err
	}
	archived := false
	for _, m := range slices.Sorted(maps.Keys(byMonth)) {
		if m <= through {
			// Counts of a month already folded (an old log imported late)
			// only add to the totals.
			for entry, days := range byMonth[m] {
				for _, n := range days {
					totals[entry] += n
				}
			}
			archived = true
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		cur, err := s.readMonth(m)
		if err != nil {
			return err
		}
		for entry, days := range byMonth[m] {
			for day, n := range days {
				cur.Add(entry, day, n)
			}
		}
		if err := s.writeMonth(m, cur); err != nil {
			return err
		}
	}
	if archived {
		if err := s.writeArchive(through, totals); err != nil {
			return err
		}
	}
	return s.fold()
}

func (s *Store) monthPath(m string) string {
	return filepath.Join(s.dir, downloadsDir, m+".ndjson")
}

// readMonth reads a month file into counts keyed by full dates.
func (s *Store) readMonth(m string) (Counts, error) {
	name := s.monthPath(m)
	c := Counts{}
	err := readLines(name, func(n int, line []byte) error {
		var ml monthLine
		if err := json.Unmarshal(line, &ml); err != nil {
			return err
		}
		if !validEntry(ml.Entry) {
			return fmt.Errorf("bad entry %q", ml.Entry)
		}
		for d, cnt := range ml.Days {
			day := m + "-" + d
			if _, err := time.Parse(time.DateOnly, day); err != nil || len(d) != 2 {
				return fmt.Errorf("%s: bad day %q", ml.Entry, d)
			}
			if cnt < 0 {
				return fmt.Errorf("%s: negative count on %s", ml.Entry, d)
			}
			c.Add(ml.Entry, day, cnt)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	return c, err
}

func (s *Store) writeMonth(m string, c Counts) error {
	var b bytes.Buffer
	for _, entry := range slices.Sorted(maps.Keys(c)) {
		days := map[string]int64{}
		for day, n := range c[entry] {
			days[day[8:]] = n
		}
		line, err := json.Marshal(monthLine{Entry: entry, Days: days}) // map keys are sorted
		if err != nil {
			return fmt.Errorf("encoding %s: %w", s.monthPath(m), err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return regdata.WriteFileAtomic(s.monthPath(m), b.Bytes(), 0o644)
}

// months lists the month files present, oldest first.
func (s *Store) months() ([]string, error) {
	dir := filepath.Join(s.dir, downloadsDir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	var out []string
	for _, e := range entries {
		if sm := monthRE.FindStringSubmatch(e.Name()); sm != nil && !e.IsDir() {
			if mo, _ := strconv.Atoi(sm[2]); mo >= 1 && mo <= 12 {
				out = append(out, sm[1]+"-"+sm[2])
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// readArchive returns the archive's "through" month ("" when there is no
// archive) and its totals.
func (s *Store) readArchive() (string, map[string]int64, error) {
	name := filepath.Join(s.dir, downloadsDir, archiveFile)
	through := ""
	totals := map[string]int64{}
	err := readLines(name, func(n int, line []byte) error {
		if n == 1 {
			var h archiveHeader
			if err := json.Unmarshal(line, &h); err != nil {
				return err
			}
			if _, err := time.Parse("2006-01", h.Through); err != nil {
				return fmt.Errorf("bad through %q", h.Through)
			}
			through = h.Through
			return nil
		}
		var al archiveLine
		if err := json.Unmarshal(line, &al); err != nil {
			return err
		}
		if !validEntry(al.Entry) || al.Total < 0 {
			return fmt.Errorf("bad entry %q or total %d", al.Entry, al.Total)
		}
		totals[al.Entry] += al.Total
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return "", totals, nil
	}
	if err == nil && through == "" && len(totals) > 0 {
		err = fmt.Errorf("reading %s: no header line", name)
	}
	return through, totals, err
}

// fold moves months older than KeepMonths into the archive.
func (s *Store) fold() error {
	months, err := s.months()
	if err != nil || len(months) == 0 {
		return err
	}
	newest, _ := time.Parse("2006-01", months[len(months)-1])
	cutoff := newest.AddDate(0, -(KeepMonths - 1), 0).Format("2006-01") // oldest month kept
	var old []string
	for _, m := range months {
		if m < cutoff {
			old = append(old, m)
		}
	}
	if len(old) == 0 {
		return nil
	}
	through, totals, err := s.readArchive()
	if err != nil {
		return err
	}
	for _, m := range old {
		if m <= through {
			continue // folded before a crash; only the deletion is left
		}
		c, err := s.readMonth(m)
		if err != nil {
			return err
		}
		for entry, days := range c {
			for _, n := range days {
				totals[entry] += n
			}
		}
	}
	if err := s.writeArchive(max(through, old[len(old)-1]), totals); err != nil {
		return err
	}
	for _, m := range old {
		if err := os.Remove(s.monthPath(m)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing folded month: %w", err)
		}
	}
	return nil
}

func (s *Store) writeArchive(through string, totals map[string]int64) error {
	var b bytes.Buffer
	hdr, _ := json.Marshal(archiveHeader{Through: through})
	b.Write(hdr)
	b.WriteByte('\n')
	for _, entry := range slices.Sorted(maps.Keys(totals)) {
		line, _ := json.Marshal(archiveLine{Entry: entry, Total: totals[entry]})
		b.Write(line)
		b.WriteByte('\n')
	}
	return regdata.WriteFileAtomic(filepath.Join(s.dir, downloadsDir, archiveFile), b.Bytes(), 0o644)
}

// Counters are the counts of a store, loaded for summaries.
type Counters struct {
	days     Counts
	archived map[string]int64
}

// Load reads every count of the store. A store that does not exist has
// no counts.
func (s *Store) Load(ctx context.Context) (*Counters, error) {
	through, archived, err := s.readArchive()
	if err != nil {
		return nil, err
	}
	months, err := s.months()
	if err != nil {
		return nil, err
	}
	c := &Counters{days: Counts{}, archived: archived}
	for _, m := range months {
		if m <= through {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		mc, err := s.readMonth(m)
		if err != nil {
			return nil, err
		}
		for entry, days := range mc {
			for day, n := range days {
				c.days.Add(entry, day, n)
			}
		}
	}
	return c, nil
}

// Summary returns an entry's downloads in the 7, 30 and 365 days ending
// on now's day (UTC, that day included) and in all.
func (c *Counters) Summary(entry string, now time.Time) Summary {
	if c == nil {
		return Summary{}
	}
	today := now.UTC().Truncate(24 * time.Hour)
	s := Summary{Total: c.archived[entry]}
	for day, n := range c.days[entry] {
		s.Total += n
		d, err := time.Parse(time.DateOnly, day)
		if err != nil {
			continue
		}
		age := int(today.Sub(d).Hours() / 24)
		if age < 0 {
			continue // counted after the build's clock: only in the total
		}
		if age < 7 {
			s.Week += n
		}
		if age < 30 {
			s.Month += n
		}
		if age < 365 {
			s.Year += n
		}
	}
	return s
}

// Entries returns every entry with counts, sorted.
func (c *Counters) Entries() []string {
	set := map[string]bool{}
	for e := range c.days {
		set[e] = true
	}
	for e := range c.archived {
		set[e] = true
	}
	return slices.Sorted(maps.Keys(set))
}

// readLines calls fn for each non-empty line of a file (1-based line
// numbers); errors name the file and line.
func readLines(name string, fn func(n int, line []byte) error) error {
	// Only a regular file: a FIFO or a link to a device in the stats
	// folder must not hang or flood a build.
	f, _, err := safefile.Open(filepath.Dir(name), filepath.Base(name))
	if errors.Is(err, safefile.ErrNotRegular) {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if err := fn(n, line); err != nil {
			return fmt.Errorf("reading %s:%d: %w", name, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	return nil
}

// locked runs fn holding the store's advisory lock.
func (s *Store) locked(ctx context.Context, fn func() error) error {
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", s.dir, err)
	}
	unlock, err := lock(ctx, filepath.Join(s.dir, lockFile))
	if err != nil {
		return err
	}
	defer unlock()
	return fn()
}
