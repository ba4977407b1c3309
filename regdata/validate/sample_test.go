package validate

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/regen-registry/regen/regdata"
)

// The real OpenTofu sample must pass: its oddities are warnings.
func TestSamplePassesWithKnownWarnings(t *testing.T) {
	rep := validateDir(t, regdata.Dir{Root: sampleDir}, Options{})
	if rep.Errors() != 0 {
		t.Fatalf("errors in the sample:%s", dump(rep))
	}
	if rep.Providers != 10 || rep.Modules != 18 || rep.Keys != 9 || !rep.Blacklist {
		t.Errorf("checked %s; want the sample's 10 providers, 18 modules, 9 keys and blacklist", rep.Summary())
	}
	got := map[string]int{}
	for _, p := range rep.Problems {
		got[p.Path]++
	}
	perFile := map[string]int{
		"modules/k/k7faq/aks_cluster/azure.json":              1,  // v1.0
		"modules/k/kabisa/eks-alb-ingress/aws.json":           8,  // 2.0 … 1.0, and 2.0 next to 2.0.0
		"modules/o/OlegGorj/bastion-vpn/aws.vpc.json":         1,  // target system aws.vpc
		"modules/o/ocp-power-automation/power/providers.json": 19, // v0.19 … v0.1
		"providers/z/zubikit/openwebui.json":                  1,  // no key in keys/z/
		"versions_blacklist.json":                             4,  // hashicorp/aws and opentofu/aws are not in the sample
	}
	if diff := cmp.Diff(perFile, got); diff != "" {
		t.Errorf("warnings per file (-want +got):\n%s\nreport:%s", diff, dump(rep))
	}
	for _, w := range []want{
		{Warning, "modules/k/kabisa/eks-alb-ingress/aws.json", "versions[15].version", `"2.0.0" and versions[14] ("2.0") are both 2.0.0 after normalisation`},
		{Warning, "modules/o/OlegGorj/bastion-vpn/aws.vpc.json", "", `invalid target system "aws.vpc"`},
		{Warning, "versions_blacklist.json", "providers[0]", "points nowhere: there is no providers/h/hashicorp/aws.json"},
	} {
		if !slices.ContainsFunc(rep.Problems, w.matches) {
			t.Errorf("missing %+v", w)
		}
	}

	// Strict mode (new submissions) turns every one of them into an error.
	strict := validateDir(t, regdata.Dir{Root: sampleDir}, Options{Strict: true})
	if strict.Errors() != len(rep.Problems) || strict.Warnings() != 0 {
		t.Errorf("strict: %s; want all %d warnings as errors", strict.Summary(), len(rep.Problems))
	}
}

// The data folder bundled with regen must be clean apart from oddities.
func TestBundledRegistryDataPasses(t *testing.T) {
	rep := validateDir(t, regdata.Dir{Root: "../../registry-data"}, Options{})
	if rep.Errors() != 0 || rep.Providers == 0 {
		t.Fatalf("%s%s", rep.Summary(), dump(rep))
	}
}

// The report does not depend on how many workers ran.
func TestReportIsDeterministic(t *testing.T) {
	files := baseFiles(t)
	for i, ns := range []string{"alpha", "beta", "gamma", "delta"} {
		files["providers/"+ns[:1]+"/"+ns+"/p.json"] = provider(t, func(f *regdata.ProviderFile) {
			f.Versions[i%2].Targets[1].SHASum = "bad"
			f.Versions[1].Version = "1.0"
		})
		files["modules/"+ns[:1]+"/"+ns+"/m/aws.json"] = module(t, func(f *regdata.ModuleFile) { f.Versions[0].Commit = "x" })
	}
	d := folder(t, files)
	first := validateDir(t, d, Options{Jobs: 1})
	if len(first.Problems) < 16 {
		t.Fatalf("too few problems to compare:%s", dump(first))
	}
	for _, jobs := range []int{2, 16} {
		if diff := cmp.Diff(first, validateDir(t, d, Options{Jobs: jobs})); diff != "" {
			t.Errorf("jobs=%d differs (-1 +%d):\n%s", jobs, jobs, diff)
		}
	}
	if !slices.IsSortedFunc(first.Problems, func(a, b Problem) int {
		return compareNatural(a.Path+"\x00"+a.Field, b.Path+"\x00"+b.Field)
	}) {
		t.Errorf("problems not sorted by path and field:%s", dump(first))
	}
}

func TestCompareNatural(t *testing.T) {
	in := []string{"versions[10].version", "versions[2].targets[10]", "versions[2].targets[9].os", "versions", "versions[02]", "a"}
	slices.SortFunc(in, compareNatural)
	want := []string{"a", "versions", "versions[02]", "versions[2].targets[9].os", "versions[2].targets[10]", "versions[10].version"}
	if diff := cmp.Diff(want, in); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestNotADataFolder(t *testing.T) {
	for name, root := range map[string]string{
		"missing":  t.TempDir() + "/nope",
		"empty":    t.TempDir(),
		"a file":   sampleDir + "/README.md",
		"sub tree": sampleDir + "/providers",
	} {
		if _, err := Run(context.Background(), regdata.Dir{Root: root}, Options{}); err == nil {
			t.Errorf("%s: Run(%s) succeeded", name, root)
		}
	}
	if _, err := Run(context.Background(), regdata.Dir{Root: sampleDir}, Options{Files: []string{"../x.json"}}); err == nil {
		t.Error("a named file outside the folder was accepted")
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, regdata.Dir{Root: sampleDir}, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Run with a cancelled context = %v; want context.Canceled", err)
	}
}
