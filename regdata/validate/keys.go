package validate

import "github.com/regen-registry/regen/regdata"

// key checks one armored public key file and reports whether it holds a
// usable key.
func (c *fileCheck) key(data []byte) bool {
	if _, err := regdata.ParseKey(data); err != nil {
		c.errorf("", "%v", err)
		return false
	}
	return true
}
