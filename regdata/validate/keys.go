package validate

import (
	"path"
	"strings"

	"github.com/regen-registry/regen/regdata"
)

// key checks one armored public key file and reports whether it holds
// usable keys. Every key is named: a file holding several keys is an
// oddity listing them all (each is trusted and published under its own
// ID), and a file named for a key ID (as regen add key names them) must
// hold that key alone, so a second key cannot hide behind the first's
// name.
func (c *fileCheck) key(data []byte) bool {
	keys, err := regdata.FileKeys(c.path, data)
	if err != nil {
		c.errorf("", "%v", err)
		return false
	}
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = k.KeyID
	}
	if len(ids) > 1 {
		c.oddityf("", "holds %d keys (%s): each is trusted and published under its own ID; new key files hold one key", len(ids), strings.Join(ids, ", "))
	}
	name := strings.TrimSuffix(path.Base(c.path), ".asc")
	if isKeyID(name) && (len(ids) != 1 || !strings.EqualFold(ids[0], name)) {
		c.errorf("", "named for key %s but holds %s", strings.ToUpper(name), strings.Join(ids, ", "))
	}
	return true
}

// isKeyID reports whether s is 16 hex digits.
func isKeyID(s string) bool {
	if len(s) != 16 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}
