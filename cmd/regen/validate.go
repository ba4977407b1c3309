package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/regen-registry/regen/pipeline"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/validate"
	"github.com/spf13/cobra"
)

func newValidateCmd(g *globals) *cobra.Command {
	var (
		data      string
		filesFrom string
		changed   bool
		opts      validate.Options
	)
	cmd := &cobra.Command{
		Use:   "validate [FILE...]",
		Short: "Check a registry data folder and list every problem",
		Long: `Check a registry data folder (providers/, modules/, keys/,
versions_blacklist.json) and list every problem, one per line, naming the file
and the JSON field; a member of the wrong type does not hide the file's other
problems. Exits 1 when there is any error; warnings (oddities the public
registry serves anyway, members whose names look misspelled such as "hl" for
"h1") do not fail unless --strict is given, which also makes every member
regen does not read an error. Exits 2 when the folder cannot be validated at
all (missing, not a data folder).

What validate calls an error is never published: regen build and serve --data
leave out a version holding such a value (or every version of a file whose
repository is one), with a warning naming the file and the field.

With FILE arguments (or --files-from), only those data files are checked in
full, plus the checks that span files: validation for a pull request.
Paths may be relative to the current folder or to the data folder.

--changed checks the data files that differ from the git HEAD of the data
folder's repository (what an ingest or 'regen shard apply' just wrote) the
same way: the publish run's check, which stays fast on a large registry
whose committed files were checked when they were committed.`,
		Example: `  regen validate --data registry-data
  git diff --name-only origin/main -- registry-data | regen validate --data registry-data --strict --files-from -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			files := args
			if changed {
				more, err := pipeline.ChangedFiles(cmd.Context(), data)
				if err != nil {
					return &exitError{code: 2, err: err}
				}
				if len(more) == 0 && len(files) == 0 && filesFrom == "" {
					_, err := fmt.Fprintln(g.stdout, "no data file changed since the last commit")
					return err
				}
				files = append(files, more...)
			}
			if filesFrom != "" {
				more, err := readFileList(filesFrom)
				if err != nil {
					return err
				}
				files = append(files, more...)
			}
			rel, err := dataRelative(data, files)
			if err != nil {
				return err
			}
			opts.Files = rel
			opts.Logger = g.logger()
			rep, err := validate.Run(cmd.Context(), regdata.Dir{Root: data}, opts)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if g.json {
				err = rep.WriteJSON(g.stdout)
			} else {
				err = rep.WriteText(g.stdout)
			}
			if err != nil {
				return &exitError{code: 2, err: fmt.Errorf("writing report: %w", err)}
			}
			if !rep.OK() {
				return fmt.Errorf("validation failed with %d errors", rep.Errors())
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&data, "data", "registry-data", "registry data folder")
	f.BoolVar(&opts.Strict, "strict", false, "for new submissions: oddities the public registry serves and unknown members are errors, versions must be strict semver")
	f.IntVar(&opts.Jobs, "jobs", 0, "files checked at once (0: twice the CPUs)")
	f.BoolVar(&changed, "changed", false, "check only the data files that differ from the git HEAD (and the checks that span files)")
	f.StringVar(&filesFrom, "files-from", "", `read FILE arguments from this file, one per line ("-" for stdin)`)
	return cmd
}

// readFileList reads paths one per line, skipping blank lines.
func readFileList(name string) ([]string, error) {
	in := os.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("reading file list: %w", err)
		}
		defer f.Close()
		in = f
	}
	var out []string
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			out = append(out, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading file list %s: %w", name, err)
	}
	return out, nil
}

// dataRelative turns FILE arguments into paths relative to the data
// folder: a path inside the data folder (as seen from the current folder)
// is made relative to it; any other relative path is taken as already
// relative to the data folder.
func dataRelative(data string, files []string) ([]string, error) {
	if len(files) == 0 {
		return nil, nil
	}
	root, err := filepath.Abs(data)
	if err != nil {
		return nil, fmt.Errorf("resolving data folder: %w", err)
	}
	out := make([]string, 0, len(files))
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, fmt.Errorf("resolving %s: %w", f, err)
		}
		if rel, err := filepath.Rel(root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			out = append(out, filepath.ToSlash(rel))
			continue
		}
		if filepath.IsAbs(f) {
			return nil, fmt.Errorf("%s is outside the data folder %s", f, data)
		}
		out = append(out, filepath.ToSlash(f))
	}
	return out, nil
}
