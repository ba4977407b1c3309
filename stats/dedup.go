package stats

import (
	"crypto/sha256"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
)

// DefaultMaxPairsPerDay bounds the (client, download) pairs a Dedup
// remembers for one day: about 40 MB at most, for the two days it keeps.
const DefaultMaxPairsPerDay = 1 << 20

// Dedup decides which downloads count: at most one per client, per
// download URL (one version of a module, or one platform package of a
// provider version) and per UTC day, so that a client asking again and
// again — a loop, a retrying CI job, someone inflating a figure — counts
// once a day. A client is an authorized token when there is one, else the
// client's address (an IPv6 address by its /64 network, which one host
// usually has to itself).
//
// Memory is bounded: pairs are kept as 16-byte hashes, for the two most
// recent days seen, at most maxPerDay per day. Beyond that, new pairs of
// that day are not counted (Dropped tells how many), so a flood of
// addresses cannot make the figures grow or the memory either.
type Dedup struct {
	max int

	mu      sync.Mutex
	days    map[string]map[[16]byte]struct{}
	dropped int64
}

// NewDedup returns a Dedup remembering at most maxPerDay pairs per day
// (DefaultMaxPairsPerDay when maxPerDay <= 0).
func NewDedup(maxPerDay int) *Dedup {
	if maxPerDay <= 0 {
		maxPerDay = DefaultMaxPairsPerDay
	}
	return &Dedup{max: maxPerDay, days: map[string]map[[16]byte]struct{}{}}
}

// keepDays is how many days a Dedup remembers: today and yesterday, for
// logs that cross midnight.
const keepDays = 2

// First reports whether this is the first download of urlPath by client
// on day (a UTC date, "2026-12-06"), and remembers it. urlPath is compared
// without regard to case, as the registry serves it.
func (d *Dedup) First(day, client, urlPath string) bool {
	h := sha256.New()
	h.Write([]byte(client))
	h.Write([]byte{0})
	h.Write([]byte(strings.ToLower(urlPath)))
	var key [16]byte
	copy(key[:], h.Sum(nil))

	d.mu.Lock()
	defer d.mu.Unlock()
	set, ok := d.days[day]
	if !ok {
		days := make([]string, 0, len(d.days)+1)
		for k := range d.days {
			days = append(days, k)
		}
		days = append(days, day)
		slices.Sort(days)
		for len(days) > keepDays {
			if days[0] == day { // older than every day kept: count it as new
				return true
			}
			delete(d.days, days[0])
			days = days[1:]
		}
		set = map[[16]byte]struct{}{}
		d.days[day] = set
	}
	if _, seen := set[key]; seen {
		return false
	}
	if len(set) >= d.max {
		d.dropped++
		return false
	}
	set[key] = struct{}{}
	return true
}

// Dropped returns how many downloads were not counted because a day's
// pairs were at the bound.
func (d *Dedup) Dropped() int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.dropped
}

// ClientOf names a client by its address: an IPv4 address, or the /64
// network of an IPv6 address. hostport may be an address with or without
// a port; what does not parse is used as it is.
func ClientOf(hostport string) string {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return "addr:" + host
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return "net:" + p.String()
	}
	return "addr:" + a.String()
}
