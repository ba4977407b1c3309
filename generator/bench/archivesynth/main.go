// Command archivesynth gives every module of a synthetic data folder
// (synth-registry) a real git repository to package, for the archive-mode
// benchmark (generator/bench/bench-archives.sh): for each module file it
// writes a bare repository <git>/<ns>/terraform-<system>-<name> with one
// small commit per version (tagged as the version) and rewrites the
// module file's commits to the real ones. Commits are reproducible (fixed
// times, contents derived from the version), so running it again after
// `synth-registry -bump N` rebuilds only the repositories that lack a
// version, and the versions they had keep their commits.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/regen-registry/regen/regdata"
)

func main() {
	data := flag.String("data", "", "synthetic data folder (required)")
	gitRoot := flag.String("git", "", "folder of the bare repositories (required)")
	flag.Parse()
	if *data == "" || *gitRoot == "" {
		flag.Usage()
		os.Exit(2)
	}
	d := regdata.Dir{Root: *data}
	mods, _, err := d.Modules()
	if err != nil {
		log.Fatal(err)
	}
	made := 0
	for _, addr := range mods {
		mf, err := d.ReadModule(addr)
		if err != nil {
			log.Fatal(err)
		}
		repo := filepath.Join(*gitRoot, addr.Namespace, addr.Repo())
		tags := existingTags(repo)
		if !slices.ContainsFunc(mf.Versions, func(v regdata.ModuleVersion) bool { return !tags[v.Version] }) {
			continue
		}
		commits, err := makeRepo(repo, addr, mf.Versions)
		if err != nil {
			log.Fatalf("%s: %v", addr, err)
		}
		for i := range mf.Versions {
			mf.Versions[i].Commit = commits[mf.Versions[i].Version]
		}
		if err := d.WriteModule(addr, mf); err != nil {
			log.Fatal(err)
		}
		made++
	}
	fmt.Printf("%d repositories written, %d modules\n", made, len(mods))
}

func existingTags(repo string) map[string]bool {
	out, err := exec.Command("git", "-C", repo, "tag", "--list").Output()
	tags := map[string]bool{}
	if err != nil {
		return tags
	}
	for _, t := range strings.Fields(string(out)) {
		tags[t] = true
	}
	return tags
}

// makeRepo (re)writes repo with one commit per version, oldest first, and
// returns each version's commit.
func makeRepo(repo string, addr regdata.ModuleAddr, versions []regdata.ModuleVersion) (map[string]string, error) {
	if err := os.RemoveAll(repo); err != nil {
		return nil, err
	}
	if out, err := exec.Command("git", "init", "-q", "--bare", repo).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("git init: %v: %s", err, out)
	}
	var in bytes.Buffer
	blob := func(s string) {
		fmt.Fprintf(&in, "data %d\n%s\n", len(s), s)
	}
	for i := len(versions) - 1; i >= 0; i-- { // data files list newest first
		v := versions[i].Version
		when := 1700000000 + (len(versions)-i)*86400
		fmt.Fprintf(&in, "commit refs/heads/main\ncommitter bench <bench@example.invalid> %d +0000\n", when)
		blob("release " + v)
		files := map[string]string{
			"main.tf":                fmt.Sprintf("variable \"cidr\" {\n  type    = string\n  default = \"10.0.0.0/16\"\n}\n\nresource \"null_resource\" \"this\" {\n  triggers = { version = %q }\n}\n", v),
			"outputs.tf":             "output \"id\" {\n  value = null_resource.this.id\n}\n",
			"versions.tf":            "terraform {\n  required_version = \">= 1.0\"\n}\n",
			"README.md":              fmt.Sprintf("# %s\n\nSynthetic module, version %s.\n", addr, v),
			"modules/child/main.tf":  "variable \"name\" {}\n",
			"examples/basic/main.tf": "module \"this\" {\n  source = \"../..\"\n}\n",
		}
		names := make([]string, 0, len(files))
		for n := range files {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			fmt.Fprintf(&in, "M 100644 inline %s\n", n)
			blob(files[n])
		}
		fmt.Fprintf(&in, "\nreset refs/tags/%s\nfrom refs/heads/main\n\n", v)
	}
	cmd := exec.Command("git", "-C", repo, "fast-import", "--quiet")
	cmd.Stdin = &in
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("git fast-import: %v: %s", err, out)
	}
	commits := map[string]string{}
	out, err := exec.Command("git", "-C", repo, "for-each-ref", "--format=%(refname:short) %(objectname)", "refs/tags").Output()
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if tag, c, ok := strings.Cut(line, " "); ok {
			commits[tag] = c
		}
	}
	if _, err := exec.Command("git", "-C", repo, "config", "uploadpack.allowReachableSHA1InWant", "true").Output(); err != nil {
		return nil, err
	}
	return commits, nil
}
