package main

import (
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"
)

// Environment variables that turn on profiling of any regen command, for
// benchmarks (see generator/bench/README.md):
//
//   - REGEN_CPU_PROFILE=FILE writes a CPU profile of the whole run.
//   - REGEN_HEAP_PROFILE=FILE writes a heap profile each time the live heap
//     reaches a new high (checked every 200 ms), so FILE shows what was
//     live near the run's peak rather than at its end.
const (
	envCPUProfile  = "REGEN_CPU_PROFILE"
	envHeapProfile = "REGEN_HEAP_PROFILE"
)

// startProfiles starts what the environment asks for; the returned
// function stops it and writes the files.
func startProfiles(log *slog.Logger) (stop func()) {
	var stops []func()
	if path := os.Getenv(envCPUProfile); path != "" {
		if f, err := os.Create(path); err != nil {
			log.Warn("cpu profile", "err", err)
		} else if err := pprof.StartCPUProfile(f); err != nil {
			log.Warn("cpu profile", "err", err)
			f.Close()
		} else {
			stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
		}
	}
	if path := os.Getenv(envHeapProfile); path != "" {
		stops = append(stops, watchHeap(log, path))
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}
}

// watchHeap writes a heap profile to path whenever the heap in use passes
// its previous high by 5%, and once more when stopped.
func watchHeap(log *slog.Logger, path string) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	write := func() {
		f, err := os.Create(path + ".tmp")
		if err != nil {
			log.Warn("heap profile", "err", err)
			return
		}
		err = pprof.Lookup("heap").WriteTo(f, 0)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(path+".tmp", path)
		}
		if err != nil {
			log.Warn("heap profile", "err", err)
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		var high uint64
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > high+high/20 {
				high = m.HeapInuse
				write()
				rss, _ := os.ReadFile("/proc/self/status")
				log.Info("heap high", "heap_inuse_mb", m.HeapInuse>>20, "heap_sys_mb", m.HeapSys>>20, "heap_released_mb", m.HeapReleased>>20, "stack_mb", m.StackSys>>20, "sys_mb", m.Sys>>20, "other_mb", (m.OtherSys+m.GCSys+m.MSpanSys+m.MCacheSys+m.BuckHashSys)>>20, "goroutines", runtime.NumGoroutine(), "rss", vmRSS(rss))
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func vmRSS(status []byte) string {
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "VmRSS:") || strings.HasPrefix(l, "VmHWM:") {
			return strings.TrimSpace(l)
		}
	}
	return ""
}
