package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/regen-registry/regen/internal/safefile"
	"github.com/regen-registry/regen/regdata"
)

// peekRepository returns the top-level "repository" member of a data file
// without decoding the rest, which for a provider with hundreds of
// versions is most of the cost of a poll where nothing changed (the feed
// gate needs only the repository). A file the scan cannot read is an
// error; callers then read it in full, which explains the problem.
func peekRepository(path string) (string, error) {
	// Only a regular file, within the cap, as regdata reads data files.
	data, _, err := safefile.ReadFile(filepath.Dir(path), filepath.Base(path), regdata.MaxDataFileSize)
	if err != nil {
		return "", err
	}
	return peekString(data, "repository")
}

var errScan = errors.New("not a JSON object")

// peekString returns the value of the top-level member key of the JSON
// object in data ("" when absent), matched as encoding/json matches a
// struct field: without regard to case, the last one winning. A member that is not a string is an error. Other
// values are skipped without being decoded.
func peekString(data []byte, key string) (string, error) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return "", errScan
	}
	i = skipSpace(data, i+1)
	val := ""
	if i < len(data) && data[i] == '}' {
		return "", trailing(data, i+1)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return "", errScan
		}
		end, err := scanString(data, i)
		if err != nil {
			return "", err
		}
		var name string
		if err := json.Unmarshal(data[i:end], &name); err != nil {
			return "", errScan
		}
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return "", errScan
		}
		i = skipSpace(data, i+1)
		vend, err := scanValue(data, i)
		if err != nil {
			return "", err
		}
		if strings.EqualFold(name, key) { // as encoding/json matches struct fields
			if string(data[i:vend]) == "null" {
				val = ""
			} else if data[i] != '"' {
				return "", fmt.Errorf("member %q is not a string", key)
			} else if err := json.Unmarshal(data[i:vend], &val); err != nil {
				return "", errScan
			}
		}
		i = skipSpace(data, vend)
		if i >= len(data) {
			return "", errScan
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return val, trailing(data, i+1)
		default:
			return "", errScan
		}
	}
}

func trailing(data []byte, i int) error {
	if skipSpace(data, i) != len(data) {
		return errScan
	}
	return nil
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t') {
		i++
	}
	return i
}

// scanString returns the index after the string starting at data[i].
func scanString(data []byte, i int) (int, error) {
	for j := i + 1; j < len(data); j++ {
		switch c := data[j]; {
		case c == '\\':
			j++
		case c == '"':
			return j + 1, nil
		case c < 0x20:
			return 0, errScan
		}
	}
	return 0, errScan
}

// scanValue returns the index after the JSON value starting at data[i]:
// strings and nested objects and arrays are matched, not validated in
// full (the full read does that).
func scanValue(data []byte, i int) (int, error) {
	if i >= len(data) {
		return 0, errScan
	}
	switch data[i] {
	case '"':
		return scanString(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end, err := scanString(data, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errScan
	}
	j := i
	for j < len(data) {
		c := data[j]
		if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t' {
			break
		}
		j++
	}
	if j == i {
		return 0, errScan
	}
	return j, nil
}
