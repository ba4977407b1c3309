package serve

import (
	"fmt"
	"io"
	"net"
	"strings"
)

// printInstructions writes to w what a user pastes to point Terraform or
// OpenTofu at the server, then the "listening on" line that says it is up.
// caFile is the self-signed CA's PEM file, or "" when the server has a
// certificate of its own or speaks plain HTTP.
func printInstructions(w io.Writer, scheme, hostPort, caFile string) error {
	base := scheme + "://" + hostPort
	_, port, _ := net.SplitHostPort(hostPort)
	var b strings.Builder
	if caFile != "" {
		b.WriteString("# Trust the CA made for this run (Terraform, OpenTofu and other Go programs):\n")
		fmt.Fprintf(&b, "export SSL_CERT_FILE=%s\n", shellQuote(caFile))
	}
	if scheme == "http" {
		b.WriteString("# WARNING: plain HTTP. Terraform and OpenTofu fetch service discovery only over HTTPS;\n")
		b.WriteString("# the host block below skips discovery, so it works over HTTP.\n")
	}
	b.WriteString("# Terraform/OpenTofu CLI configuration (in the file TF_CLI_CONFIG_FILE names):\n")
	fmt.Fprintf(&b, "host %q {\n", hostPort)
	b.WriteString("  services = {\n")
	fmt.Fprintf(&b, "    \"modules.v1\"   = %q\n", base+"/v1/modules/")
	fmt.Fprintf(&b, "    \"providers.v1\" = %q\n", base+"/v1/providers/")
	b.WriteString("  }\n}\n")
	fmt.Fprintf(&b, "# Module sources need a hostname with a dot: %s/NS/NAME/SYSTEM works, localhost:%s/NS/NAME/SYSTEM does not.\n", moduleHost(hostPort), port)
	fmt.Fprintf(&b, "listening on %s\n", base)
	_, err := io.WriteString(w, b.String())
	return err
}

// moduleHost returns hostPort when its host has a dot (usable in module
// sources), else the loopback address with its port.
func moduleHost(hostPort string) string {
	host, port, err := net.SplitHostPort(hostPort)
	if err == nil && !strings.Contains(host, ".") {
		return net.JoinHostPort("127.0.0.1", port)
	}
	return hostPort
}

// shellQuote quotes s for a POSIX shell when it holds anything but safe
// path characters.
func shellQuote(s string) string {
	safe := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+:,@%=", r))
	}) < 0
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
