// Command docsynth fills a module docs store for a synthetic data folder
// (synth-registry's), so that `regen build` can be benchmarked with
// documentation: for every module it generates a small Terraform source
// (README, variables, outputs, a resource, an MIT LICENSE), runs the real
// extractor on it once, and stores the Doc for each of the module's
// versions. It is a benchmark tool, not part of regen.
//
//	go run ./generator/bench/docsynth -data DATA [-docs DIR] [-jobs N]
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"runtime"
	"sync/atomic"
	"testing/fstest"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/regen-registry/regen/internal/fixtures"
	"github.com/regen-registry/regen/moddocs"
	"github.com/regen-registry/regen/regdata"
)

// source is a small module for a, as a repository would hold it.
func source(a regdata.ModuleAddr) fstest.MapFS {
	readme := fmt.Sprintf("# %s\n\nTerraform module which creates %s resources on %s.\n\n## Usage\n\n```hcl\nmodule %q {\n  source = \"%s/%s/%s\"\n}\n```\n",
		a.Name, a.Name, a.System, a.Name, a.Namespace, a.Name, a.System)
	vars := fmt.Sprintf(`variable "name" {
  description = "Name of the %s"
  type        = string
}

variable "tags" {
  description = "Tags to add"
  type        = map(string)
  default     = {}
}

variable "settings" {
  type = object({
    enabled = bool
    size    = optional(number, 1)
  })
  default = { enabled = true }
}
`, a.Name)
	outs := `output "id" {
  description = "The ID"
  value       = null_resource.this.id
}

output "secret" {
  value     = var.name
  sensitive = true
}
`
	main := `terraform {
  required_providers {
    null = { source = "hashicorp/null", version = ">= 3.0" }
  }
}

resource "null_resource" "this" {}
`
	return fstest.MapFS{
		"README.md":    {Data: []byte(readme)},
		"LICENSE":      {Data: []byte(fixtures.MIT)},
		"variables.tf": {Data: []byte(vars)},
		"outputs.tf":   {Data: []byte(outs)},
		"main.tf":      {Data: []byte(main)},
	}
}

func main() {
	data := flag.String("data", "", "data folder (required)")
	docs := flag.String("docs", "", "docs store (default: registry-docs next to -data)")
	jobs := flag.Int("jobs", runtime.GOMAXPROCS(0), "modules at once")
	flag.Parse()
	if *data == "" {
		log.Fatal("-data is required")
	}
	if *docs == "" {
		*docs = moddocs.DefaultDir(*data)
	}
	ctx := context.Background()
	ld, err := moddocs.NewLicenseDetector()
	if err != nil {
		log.Fatal(err)
	}
	x := &moddocs.Extractor{Licenses: ld, Policy: moddocs.DefaultPolicy()}
	store := moddocs.NewStore(*docs, func() time.Time { return time.Unix(1.7e9, 0).UTC() })
	d := regdata.Dir{Root: *data}
	mods, _, err := d.Modules()
	if err != nil {
		log.Fatal(err)
	}
	start := time.Now()
	var done, versions atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(*jobs)
	for _, a := range mods {
		g.Go(func() error {
			f, err := d.ReadModule(a)
			if err != nil {
				return err
			}
			doc, err := x.Extract(gctx, source(a))
			if err != nil {
				return fmt.Errorf("%s: %w", a, err)
			}
			for _, v := range f.Versions {
				if _, err := store.Put(gctx, a, v.Version, v.Commit, doc); err != nil {
					return err
				}
				versions.Add(1)
			}
			if n := done.Add(1); n%5000 == 0 {
				log.Printf("%d/%d modules, %s", n, len(mods), time.Since(start).Round(time.Second))
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("docs for %d modules, %d versions in %s\n", done.Load(), versions.Load(), time.Since(start).Round(time.Millisecond))
}
