package stats

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Format names a CDN or object-store access log format.
type Format string

// Log formats `regen stats import` reads.
const (
	// FormatCloudflare is Cloudflare Logpush's http_requests dataset as
	// ndjson (fields ClientRequestMethod, ClientRequestURI or
	// ClientRequestPath, EdgeResponseStatus, EdgeStartTimestamp in any of
	// Logpush's timestamp formats: rfc3339, unix, unixnano).
	FormatCloudflare Format = "cloudflare"
	// FormatS3 is Amazon S3 server access logging (space-separated, with
	// [time] and "quoted" fields); keys are taken from the key field.
	FormatS3 Format = "s3"
	// FormatCloudFront is CloudFront standard logging (tab-separated,
	// with #Version and #Fields header lines).
	FormatCloudFront Format = "cloudfront"
)

// Formats lists the supported formats.
var Formats = []Format{FormatCloudflare, FormatS3, FormatCloudFront}

// Request is one logged request, as much of it as counting needs.
type Request struct {
	Time   time.Time
	Method string
	// Path is the decoded URL path (or object key with a leading "/"),
	// without query.
	Path   string
	Status int
	// Client is the client's address ("" when the log does not say): the
	// Logpush field ClientIP, the S3 log's remote IP, CloudFront's c-ip.
	Client string
}

// LineError is a log line that could not be read.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// maxLine bounds one log line.
const maxLine = 1 << 20

// Parse reads a log of format f, calling emit for every request. Lines
// that do not parse are returned (up to the first 100) as *LineError in a
// joined error after the whole log is read, so one bad line does not hide
// the others; emit's error stops reading at once.
func Parse(f Format, r io.Reader, emit func(Request) error) error {
	var parse func(*lineReader, func(Request) error) error
	switch f {
	case FormatCloudflare:
		parse = parseCloudflare
	case FormatS3:
		parse = parseS3
	case FormatCloudFront:
		parse = parseCloudFront
	default:
		return fmt.Errorf("unknown log format %q (want one of cloudflare, s3, cloudfront)", f)
	}
	lr := &lineReader{sc: bufio.NewScanner(r)}
	lr.sc.Buffer(make([]byte, 64<<10), maxLine)
	if err := parse(lr, emit); err != nil {
		return err
	}
	if err := lr.sc.Err(); err != nil {
		return fmt.Errorf("reading log: %w", err)
	}
	return errors.Join(lr.bad...)
}

// lineReader scans lines and collects bad ones.
type lineReader struct {
	sc   *bufio.Scanner
	n    int
	bad  []error
	more int
}

func (lr *lineReader) next() ([]byte, bool) {
	for lr.sc.Scan() {
		lr.n++
		if line := bytes.TrimRight(lr.sc.Bytes(), "\r"); len(bytes.TrimSpace(line)) > 0 {
			return line, true
		}
	}
	return nil, false
}

func (lr *lineReader) fail(err error) {
	if len(lr.bad) < 100 {
		lr.bad = append(lr.bad, &LineError{Line: lr.n, Err: err})
	} else if lr.more++; lr.more == 1 {
		lr.bad = append(lr.bad, errors.New("more bad lines not shown"))
	}
}

// cfLine is the part of a Logpush http_requests record regen reads.
type cfLine struct {
	ClientRequestMethod string          `json:"ClientRequestMethod"`
	ClientRequestURI    string          `json:"ClientRequestURI"`
	ClientRequestPath   string          `json:"ClientRequestPath"`
	EdgeResponseStatus  int             `json:"EdgeResponseStatus"`
	EdgeStartTimestamp  json.RawMessage `json:"EdgeStartTimestamp"`
	ClientIP            string          `json:"ClientIP"`
}

func parseCloudflare(lr *lineReader, emit func(Request) error) error {
	for {
		line, ok := lr.next()
		if !ok {
			return nil
		}
		var l cfLine
		if err := json.Unmarshal(line, &l); err != nil {
			lr.fail(err)
			continue
		}
		t, err := logpushTime(l.EdgeStartTimestamp)
		if err != nil {
			lr.fail(fmt.Errorf("EdgeStartTimestamp: %w", err))
			continue
		}
		raw := l.ClientRequestURI
		if raw == "" {
			raw = l.ClientRequestPath
		}
		p, err := requestPath(raw)
		if err != nil {
			lr.fail(fmt.Errorf("ClientRequestURI: %w", err))
			continue
		}
		if !isMethod(l.ClientRequestMethod) || l.EdgeResponseStatus == 0 {
			lr.fail(errors.New("ClientRequestMethod or EdgeResponseStatus missing"))
			continue
		}
		if err := emit(Request{Time: t, Method: l.ClientRequestMethod, Path: p, Status: l.EdgeResponseStatus, Client: l.ClientIP}); err != nil {
			return err
		}
	}
}

// logpushTime reads a Logpush timestamp: an RFC 3339 string, or a number
// of seconds (unix) or nanoseconds (unixnano).
func logpushTime(raw json.RawMessage) (time.Time, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return time.Time{}, errors.New("missing")
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return time.Time{}, err
		}
		return time.Parse(time.RFC3339Nano, s)
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	if n > 1e14 { // nanoseconds (seconds would be past the year 5000000)
		return time.Unix(0, n).UTC(), nil
	}
	return time.Unix(n, 0).UTC(), nil
}

// isMethod reports whether m looks like an HTTP method: 1 to 16
// upper-case letters (GET, HEAD; S3's operations use the same words).
func isMethod(m string) bool {
	if m == "" || len(m) > 16 {
		return false
	}
	for i := 0; i < len(m); i++ {
		if m[i] < 'A' || m[i] > 'Z' {
			return false
		}
	}
	return true
}

// requestPath returns the decoded path of a request URI ("/a%2Fb?x" → "/a/b").
func requestPath(raw string) (string, error) {
	if raw == "" {
		return "", errors.New("empty")
	}
	p, _, _ := strings.Cut(raw, "?")
	if p == "" {
		return "", errors.New("no path before the query")
	}
	dec, err := url.PathUnescape(p)
	if err != nil {
		return "", err
	}
	return dec, nil
}

// s3Fields splits an S3 access log line: space-separated fields, where
// "[…]" and "\"…\"" fields may contain spaces.
func s3Fields(line string) ([]string, error) {
	var out []string
	for i := 0; i < len(line); {
		switch line[i] {
		case ' ':
			i++
		case '[':
			end := strings.IndexByte(line[i:], ']')
			if end < 0 {
				return nil, errors.New("unterminated [")
			}
			out = append(out, line[i+1:i+end])
			i += end + 1
		case '"':
			end := strings.IndexByte(line[i+1:], '"')
			if end < 0 {
				return nil, errors.New("unterminated quote")
			}
			out = append(out, line[i+1:i+1+end])
			i += end + 2
		default:
			end := strings.IndexByte(line[i:], ' ')
			if end < 0 {
				end = len(line) - i
			}
			out = append(out, line[i:i+end])
			i += end
		}
	}
	return out, nil
}

// S3 access log field positions.
const (
	s3Time      = 2
	s3RemoteIP  = 3
	s3Operation = 6
	s3Key       = 7
	s3Status    = 9
	s3MinFields = 10
)

func parseS3(lr *lineReader, emit func(Request) error) error {
	for {
		line, ok := lr.next()
		if !ok {
			return nil
		}
		f, err := s3Fields(string(line))
		if err == nil && len(f) < s3MinFields {
			err = fmt.Errorf("%d fields, want at least %d", len(f), s3MinFields)
		}
		if err != nil {
			lr.fail(err)
			continue
		}
		t, err := time.Parse("02/Jan/2006:15:04:05 -0700", f[s3Time])
		if err != nil {
			lr.fail(fmt.Errorf("time: %w", err))
			continue
		}
		op := strings.Split(f[s3Operation], ".") // REST.GET.OBJECT
		if len(op) != 3 || !isMethod(op[1]) {
			lr.fail(fmt.Errorf("operation %q", f[s3Operation]))
			continue
		}
		status, err := strconv.Atoi(f[s3Status])
		if err != nil {
			if f[s3Status] == "-" {
				continue // no response was sent (a dropped connection)
			}
			lr.fail(fmt.Errorf("status %q", f[s3Status]))
			continue
		}
		if f[s3Key] == "-" || op[2] != "OBJECT" {
			continue // bucket-level operations have no key
		}
		key, err := url.PathUnescape(f[s3Key])
		if err != nil {
			lr.fail(fmt.Errorf("key: %w", err))
			continue
		}
		if err := emit(Request{Time: t.UTC(), Method: op[1], Path: "/" + key, Status: status, Client: dashEmpty(f[s3RemoteIP])}); err != nil {
			return err
		}
	}
}

func parseCloudFront(lr *lineReader, emit func(Request) error) error {
	var idx map[string]int
	for {
		line, ok := lr.next()
		if !ok {
			if idx == nil && lr.n > 0 {
				lr.fail(errors.New("no #Fields header"))
			}
			return nil
		}
		s := string(line)
		if rest, ok := strings.CutPrefix(s, "#Fields:"); ok {
			idx = map[string]int{}
			for i, name := range strings.Fields(rest) {
				idx[name] = i
			}
			for _, need := range []string{"date", "time", "cs-method", "cs-uri-stem", "sc-status"} {
				if _, ok := idx[need]; !ok {
					lr.fail(fmt.Errorf("#Fields lacks %s", need))
					idx = nil
					break
				}
			}
			continue
		}
		if strings.HasPrefix(s, "#") {
			continue
		}
		if idx == nil {
			lr.fail(errors.New("record before a usable #Fields header"))
			continue
		}
		f := strings.Split(s, "\t")
		get := func(name string) string {
			if i := idx[name]; i < len(f) {
				return f[i]
			}
			return ""
		}
		if len(f) < len(idx) {
			lr.fail(fmt.Errorf("%d fields, header names %d", len(f), len(idx)))
			continue
		}
		t, err := time.Parse("2006-01-02 15:04:05", get("date")+" "+get("time"))
		if err != nil {
			lr.fail(fmt.Errorf("date/time: %w", err))
			continue
		}
		status, err := strconv.Atoi(get("sc-status"))
		if err != nil {
			if get("sc-status") == "000" || get("sc-status") == "-" {
				continue
			}
			lr.fail(fmt.Errorf("sc-status %q", get("sc-status")))
			continue
		}
		p, err := requestPath(get("cs-uri-stem"))
		if err != nil {
			lr.fail(fmt.Errorf("cs-uri-stem: %w", err))
			continue
		}
		if !isMethod(get("cs-method")) {
			lr.fail(fmt.Errorf("cs-method %q", get("cs-method")))
			continue
		}
		if err := emit(Request{Time: t, Method: get("cs-method"), Path: p, Status: status, Client: dashEmpty(get("c-ip"))}); err != nil {
			return err
		}
	}
}

// dashEmpty turns a log's "-" (no value) into "".
func dashEmpty(s string) string {
	if s == "-" {
		return ""
	}
	return s
}
