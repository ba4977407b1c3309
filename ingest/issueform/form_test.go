package issueform

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/internal/hostile"
	"github.com/regen-registry/regen/regdata"
)

func TestRenderParseRoundTrip(t *testing.T) {
	fields := []Field{
		{Label: LabelProviderRepository, Value: "acme/terraform-provider-widget"},
		{Label: "Notes", Value: ""},
		{Label: "Shell", Value: "```shell\n### not a heading\necho hi\n```"},
		{Label: "DCO", Value: "- [X] I agree\n- [ ] Optional thing"},
	}
	form, err := Parse(Render(fields))
	if err != nil {
		t.Fatal(err)
	}
	want := []Field{
		{Label: LabelProviderRepository, Value: "acme/terraform-provider-widget", Line: 1},
		{Label: "Notes", Empty: true, Line: 5},
		{Label: "Shell", Value: "### not a heading\necho hi", Line: 9},
		{Label: "DCO", Value: "- [X] I agree\n- [ ] Optional thing", Line: 16},
	}
	if d := cmp.Diff(want, form.Fields); d != "" {
		t.Errorf("fields (-want +got):\n%s", d)
	}
	dco, _ := form.Field("dco")
	if d := cmp.Diff([]Checkbox{{"I agree", true}, {"Optional thing", false}}, dco.Checkboxes()); d != "" {
		t.Errorf("checkboxes (-want +got):\n%s", d)
	}
}

// TestKeyBytesKept checks that a key pasted into the form (CRLF, fenced or
// not) reaches the submission as the key file's exact bytes.
func TestKeyBytesKept(t *testing.T) {
	key, err := os.ReadFile("../../registry-data/keys/a/ataila/provider-1790975147.asc")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{string(key), strings.ReplaceAll(string(key), "\n", "\r\n"), "```text\n" + string(key) + "```", "\n\n" + string(key) + "\n\n\n"} {
		body := Render([]Field{{Label: LabelKeyNamespace, Value: "ataila"}, {Label: LabelKey, Value: v}})
		form, err := Parse(body)
		if err != nil {
			t.Fatal(err)
		}
		sub, err := FromForm(form)
		if err != nil {
			t.Fatal(err)
		}
		if sub.Key != strings.TrimSpace(string(key))+"\n" {
			t.Errorf("key changed on the way:\n%q", sub.Key)
		}
	}
}

func TestTildeFenceAndIndentedHeading(t *testing.T) {
	body := "### A\n\n~~~~\n### inside\n~~~\nstill inside\n~~~~\n\n    ### indented code, not a heading? still a heading line for GitHub\n"
	form, err := Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(form.Fields) != 1 || !strings.Contains(form.Fields[0].Value, "### inside") {
		t.Errorf("fields %+v", form.Fields)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"### A\n\nx\n\n### B\n\n_No response_",
		"### A\n\n```\n### B\n```\n",
		"### Provider Repository\n\nacme/terraform-provider-x",
		"### Module Repository\n\nhttps://github.com/a/terraform-aws-b.git",
		"### Provider GPG Key\n\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n-----END PGP PUBLIC KEY BLOCK-----",
		"text\r\n### A\r\n\r\n~~~\r\n",
	} {
		f.Add(s)
	}
	// Real keys: one (accepted), and two in one block (refused).
	one, two := ghtest.NewKeyEd25519(f, "Fuzz One"), ghtest.NewKeyEd25519(f, "Fuzz Two")
	block, err := hostile.OneBlock(one.Armored(), two.Armored())
	if err != nil {
		f.Fatal(err)
	}
	for _, k := range []string{one.Armored(), block} {
		f.Add(Render([]Field{{Label: LabelKeyNamespace, Value: "acme"}, {Label: LabelKey, Value: k}}))
	}
	f.Fuzz(func(t *testing.T, body string) {
		form, err := Parse(body)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, fl := range form.Fields {
			if fl.Label == "" || fl.Line < 1 {
				t.Fatalf("bad field %+v", fl)
			}
			if seen[strings.ToLower(fl.Label)] {
				t.Fatalf("duplicate label %q", fl.Label)
			}
			seen[strings.ToLower(fl.Label)] = true
			if strings.Contains(fl.Value, "\r") {
				t.Fatalf("CR left in %q", fl.Value)
			}
		}
		sub, err := FromForm(form)
		if err == nil && (sub.Address == "" || sub.Kind == "") {
			t.Fatalf("submission without address or kind: %+v", sub)
		}
		// A key submission holds exactly the one key it names.
		if err == nil && sub.Kind == KindKey {
			ids, kerr := regdata.ParseKeys([]byte(sub.Key))
			if kerr != nil || len(ids) != 1 || ids[0] != sub.KeyID {
				t.Fatalf("key submission %s holds %v (%v)", sub.KeyID, ids, kerr)
			}
		}
	})
}
