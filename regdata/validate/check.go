package validate

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/regen-registry/regen/regdata"
)

// fileCheck collects the problems of one file.
type fileCheck struct {
	path     string
	strict   bool
	problems []Problem
	reported []string // fields of the wrong type: nothing more is said about them
}

func (c *fileCheck) add(s Severity, field, format string, args ...any) {
	for _, r := range c.reported {
		if field == r || strings.HasPrefix(field, r+".") || strings.HasPrefix(field, r+"[") {
			return
		}
	}
	c.problems = append(c.problems, Problem{Severity: s, Path: c.path, Field: field, Message: fmt.Sprintf(format, args...)})
}

// errorf reports something a client or the generator cannot use.
func (c *fileCheck) errorf(field, format string, args ...any) { c.add(Error, field, format, args...) }

// warnf reports something odd that is nevertheless usable.
func (c *fileCheck) warnf(field, format string, args ...any) { c.add(Warning, field, format, args...) }

// oddityf reports something the public registry serves although new
// submissions must not have it: a warning, or an error in strict mode.
func (c *fileCheck) oddityf(field, format string, args ...any) {
	if c.strict {
		c.errorf(field, format, args...)
		return
	}
	c.warnf(field, format, args...)
}

// member returns the JSON path of member name inside parent.
func member(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// index returns the JSON path of element i of the list at parent.
func index(parent string, i int) string { return parent + "[" + strconv.Itoa(i) + "]" }

// quote renders a value for a message (regdata.Quote).
func quote(s string) string { return regdata.Quote(s) }
