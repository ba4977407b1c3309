//go:build tools

// Package tools pins dependencies that are not imported yet by regen's code,
// so `go mod tidy` keeps them until they are.
package tools

import (
	_ "github.com/ProtonMail/go-crypto/openpgp"
	_ "github.com/aws/aws-sdk-go-v2/config"
	_ "github.com/aws/aws-sdk-go-v2/credentials"
	_ "github.com/aws/aws-sdk-go-v2/service/s3"
	_ "github.com/cloudflare/cloudflare-go"
	_ "github.com/go-git/go-git/v5"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/google/licenseclassifier/v2"
	_ "github.com/hashicorp/go-version"
	_ "github.com/hashicorp/terraform-config-inspect/tfconfig"
	_ "github.com/hashicorp/terraform-registry-address"
	_ "github.com/mmcdole/gofeed"
	_ "github.com/schollz/progressbar/v3"
	_ "github.com/spf13/cobra"
	_ "github.com/spf13/cobra/doc"
	_ "golang.org/x/mod/semver"
	_ "golang.org/x/mod/sumdb/dirhash"
	_ "golang.org/x/sync/errgroup"
	_ "golang.org/x/term"
	_ "golang.org/x/time/rate"
	_ "gopkg.in/yaml.v3"
)
