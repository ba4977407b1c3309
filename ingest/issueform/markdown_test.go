package issueform

import (
	"errors"
	"strings"
	"testing"

	"github.com/regen-registry/regen/ingest"
)

func TestMarkdown(t *testing.T) {
	sub := &Submission{Kind: KindModule, Address: "acme/vpc/aws", Repository: "acme/terraform-aws-vpc", Issue: &Issue{Number: 7}}
	refused := Markdown(sub, nil, errors.New("no tags with ``` in them"))
	for _, want := range []string{"### Submission refused", "module `acme/vpc/aws` (issue #7) was refused", "````\nno tags with ``` in them\n````\n"} {
		if !strings.Contains(refused, want) {
			t.Errorf("refused summary lacks %q:\n%s", want, refused)
		}
	}
	if got := Markdown(nil, nil, errors.New("unreadable event")); !strings.Contains(got, "The submission was refused:") {
		t.Errorf("refusal of an unread submission:\n%s", got)
	}
	res := &Result{Submission: sub, Summary: &ingest.Summary{
		NewVersions: []ingest.Change{{Entry: "module acme/vpc/aws", Version: "v1.0.0"}, {Entry: "module acme/vpc/aws", Version: "v1.1.0"}},
	}}
	accepted := Markdown(sub, res, nil)
	for _, want := range []string{"### Submission accepted", "Added the module `acme/vpc/aws` (issue #7) from the repository `acme/terraform-aws-vpc`.", "Versions (2): `v1.0.0`, `v1.1.0`"} {
		if !strings.Contains(accepted, want) {
			t.Errorf("accepted summary lacks %q:\n%s", want, accepted)
		}
	}
	// A provider's versions name the key that signed each.
	psub := &Submission{Kind: KindProvider, Address: "acme/widget", Repository: "acme/terraform-provider-widget"}
	pres := &Result{Submission: psub, Summary: &ingest.Summary{
		NewVersions: []ingest.Change{{Entry: "provider acme/widget", Version: "1.0.0", SignedBy: "0123456789ABCDEF"}},
	}}
	if got := Markdown(psub, pres, nil); !strings.Contains(got, "Versions (1): `1.0.0` (signed by key `0123456789ABCDEF`)") {
		t.Errorf("provider summary does not name the signing key:\n%s", got)
	}
	if sub.Subject() != "module acme/vpc/aws" || (*Submission)(nil).Subject() != "the submission" || (&Submission{}).IssueRef() != "" {
		t.Error("Subject or IssueRef")
	}
}
