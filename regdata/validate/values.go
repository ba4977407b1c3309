package validate

import (
	"strings"

	"github.com/regen-registry/regen/regdata"
)

// The value rules are regdata's (regdata/rules.go), which publishing
// applies too: a value reported here as an error is never published. The
// checks take the JSON path of the enclosing object and the member's
// name, and build the full path only when there is a problem: a large
// folder has millions of values and almost no problems.

// rule reports msg, when not empty, as an error of member name of parent.
func (c *fileCheck) rule(parent, name, msg string) {
	if msg != "" {
		c.errorf(member(parent, name), "%s", msg)
	}
}

// violations reports each as an error.
func (c *fileCheck) violations(vs []regdata.Violation) {
	for _, v := range vs {
		c.errorf(v.Field, "%s", v.Message)
	}
}

// repository checks a file's "repository": an error when publishing
// refuses it, an oddity for a plain http URL.
func (c *fileCheck) repository(s string) {
	if msg := regdata.CheckRepository(s); msg != "" {
		c.errorf("repository", "%s", msg)
		return
	}
	if strings.HasPrefix(strings.TrimPrefix(s, "git::"), "http://") {
		c.oddityf("repository", "%s is not https: clients fetch it unprotected", quote(s))
	}
}

// protocolOddities reports protocol versions current clients do not
// install (their format is a rule, see regdata.CheckProtocol).
func (c *fileCheck) protocolOddities(parent string, ps []string) {
	for i, p := range ps {
		if regdata.CheckProtocol(p) != "" {
			continue
		}
		if major, _, _ := strings.Cut(p, "."); major != "5" && major != "6" {
			c.oddityf(index(member(parent, "protocols"), i), "protocol %s: current clients only install protocol 5 and 6 providers", quote(p))
		}
	}
}

// plainHTTP reports a URL clients would fetch without TLS.
func (c *fileCheck) plainHTTP(parent, name, s string) {
	if strings.HasPrefix(s, "http://") && regdata.CheckURL(s) == "" {
		c.oddityf(member(parent, name), "not an https URL: %s", quote(s))
	}
}
