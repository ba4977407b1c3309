package modsource

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A git bomb (a pack of a few MB holding hundreds of MB of zeros) costs
// bounded memory and time: refused outright when its files exceed the
// limits, streamed to disk when they do not. Each case runs Fetch in a
// child process so that its peak RSS can be measured.
func TestFetchGitBombBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads a few hundred MB")
	}
	g := newGitServer(t)
	cases := []struct {
		name     string
		n        int
		size     int64
		lim      Limits
		refused  string
		maxTime  time.Duration
		maxRSSMB int64
	}{
		// The reproduction: 12 zero-filled 50 MB files took
		// 1.39 GB RSS and 20 s when fetched into memory.
		{"12 x 50 MB, default limits", 12, 50 << 20, Limits{}, "exceeds the limit of 33554432 bytes", 10 * time.Second, 256},
		// Within the limits, the files are streamed to disk.
		{"4 x 30 MB, accepted", 4, 30 << 20, Limits{}, "", 10 * time.Second, 256},
		// Many files each under the per-file cap, over the total.
		{"8 x 30 MB, total cap", 8, 30 << 20, Limits{MaxTotalBytes: 100 << 20}, "the commit's content exceeds the limit of 104857600 bytes", 10 * time.Second, 256},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			url, commit := g.bomb(t, fmt.Sprintf("bomb%d.git", i), c.n, c.size)
			tmp := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestFetchChild$", "-test.v")
			cmd.Env = append(os.Environ(), "REGEN_FETCH_CHILD=1", "REGEN_FETCH_URL="+url, "REGEN_FETCH_COMMIT="+commit,
				"REGEN_FETCH_TMP="+tmp, "REGEN_FETCH_MAXTOTAL="+strconv.FormatInt(c.lim.MaxTotalBytes, 10))
			start := time.Now()
			out, err := cmd.CombinedOutput()
			elapsed := time.Since(start)
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
			rss := ru.Maxrss / 1024 // KiB on Linux
			cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			t.Logf("%s: %v wall, %v CPU, peak RSS %d MB", c.name, elapsed.Round(time.Millisecond), cpu.Round(time.Millisecond), rss)
			result := string(out)
			if c.refused != "" {
				if !strings.Contains(result, "LIMIT: ") || !strings.Contains(result, c.refused) {
					t.Errorf("want a limit error containing %q, got:\n%s", c.refused, result)
				}
			} else if want := fmt.Sprintf("OK: %d files, %d bytes", c.n, int64(c.n)*c.size); !strings.Contains(result, want) {
				t.Errorf("want %q, got:\n%s", want, result)
			}
			// CPU time is what the fetch costs; wall time on a shared
			// runner also counts other jobs, so it gets a generous bound.
			if cpu > c.maxTime {
				t.Errorf("took %v of CPU, want under %v", cpu, c.maxTime)
			}
			if elapsed > 6*c.maxTime {
				t.Errorf("took %v, want under %v", elapsed, 6*c.maxTime)
			}
			if rss > c.maxRSSMB {
				t.Errorf("peak RSS %d MB, want under %d MB", rss, c.maxRSSMB)
			}
			assertEmpty(t, tmp)
		})
	}
}

// TestFetchChild is the child process of TestFetchGitBombBounded.
func TestFetchChild(t *testing.T) {
	if os.Getenv("REGEN_FETCH_CHILD") != "1" {
		t.Skip("run by TestFetchGitBombBounded")
	}
	maxTotal, _ := strconv.ParseInt(os.Getenv("REGEN_FETCH_MAXTOTAL"), 10, 64)
	co, err := Fetch(context.Background(), Request{
		URL: os.Getenv("REGEN_FETCH_URL"), Commit: os.Getenv("REGEN_FETCH_COMMIT"), TempDir: os.Getenv("REGEN_FETCH_TMP"),
	}, Limits{MaxTotalBytes: maxTotal})
	switch {
	case IsLimit(err):
		fmt.Println("LIMIT:", err)
	case err != nil:
		t.Fatal(err)
	default:
		fmt.Printf("OK: %d files, %d bytes\n", co.Files, co.Bytes)
		co.Close()
	}
}
