package auth

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strings"

	"github.com/regen-registry/regen/regdata"
)

// TokenPrefix starts every token NewToken makes, so that secret scanners
// and people can tell a regen token when they see one.
const TokenPrefix = "regen_"

// Tokens is a set of accepted tokens, known only by their SHA-256.
type Tokens struct {
	names map[[sha256.Size]byte]string
}

// Len returns the number of tokens.
func (t *Tokens) Len() int { return len(t.names) }

// Lookup returns the name of the token (its comment in the tokens file,
// possibly empty) and whether it is accepted.
func (t *Tokens) Lookup(token string) (string, bool) {
	if t == nil || token == "" {
		return "", false
	}
	name, ok := t.names[sha256.Sum256([]byte(token))]
	return name, ok
}

var hashLine = regexp.MustCompile(`^([0-9a-fA-F]{64})(?:\s+(.*))?$`)

// ParseTokens reads a tokens file: one token per line as the lower- or
// upper-case hex SHA-256 of the token, optionally followed by whitespace
// and a name (who or what the token is for); blank lines and lines
// starting with "#" are ignored. file names the source in errors.
func ParseTokens(r io.Reader, file string) (*Tokens, error) {
	t := &Tokens{names: map[[sha256.Size]byte]string{}}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := hashLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("%s:%d: want the 64-hex-digit SHA-256 of a token, then an optional name (see `regen token hash`), not a token itself", file, n)
		}
		var h [sha256.Size]byte
		if _, err := hex.Decode(h[:], []byte(m[1])); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, n, err)
		}
		if _, dup := t.names[h]; dup {
			return nil, fmt.Errorf("%s:%d: the same token hash is listed twice", file, n)
		}
		t.names[h] = strings.TrimSpace(m[2])
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	return t, nil
}

// LoadTokens reads a tokens file from disk.
func LoadTokens(file string) (*Tokens, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("reading tokens: %w", err)
	}
	defer f.Close()
	return ParseTokens(f, file)
}

// HashToken returns the line a tokens file holds for token: its SHA-256
// in lower-case hex.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewToken returns a new random token: TokenPrefix and 32 random bytes in
// hex.
func NewToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return TokenPrefix + hex.EncodeToString(b)
}

// AppendToken adds the hash of token, with its name, to a tokens file
// (created if missing), atomically. The existing content must parse.
func AppendToken(file, token, name string) error {
	if strings.ContainsAny(name, "\n\r") {
		return errors.New("a token name must fit on one line")
	}
	old, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading %s: %w", file, err)
	}
	if _, err := ParseTokens(strings.NewReader(string(old)), file); err != nil {
		return err
	}
	if len(old) > 0 && old[len(old)-1] != '\n' {
		old = append(old, '\n')
	}
	line := HashToken(token)
	if name != "" {
		line += " " + name
	}
	return regdata.WriteFileAtomic(file, append(old, line+"\n"...), 0o600)
}
