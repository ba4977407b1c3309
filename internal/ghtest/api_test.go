package ghtest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/internal/ghtest"
)

// apiRepo is the part of GitHub's repository object the tests read.
type apiRepo struct {
	Name          string `json:"name"`
	FullName      string `json:"full_name"`
	HTMLURL       string `json:"html_url"`
	CloneURL      string `json:"clone_url"`
	Archived      bool   `json:"archived"`
	Fork          bool   `json:"fork"`
	Private       bool   `json:"private"`
	DefaultBranch string `json:"default_branch"`
	Owner         struct {
		Login string `json:"login"`
	} `json:"owner"`
}

var nextLink = regexp.MustCompile(`<([^>]+)>;\s*rel="next"`)

// listAll follows Link rel="next" from first and returns every repository
// name and the number of pages fetched.
func listAll(t *testing.T, srv *ghtest.Server, first string, hdr map[string]string) ([]apiRepo, int) {
	t.Helper()
	var all []apiRepo
	pages := 0
	for u := first; u != ""; pages++ {
		if pages > 20 {
			t.Fatal("pagination does not end")
		}
		resp, body := get(t, srv.Client(), u, hdr)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d: %s", u, resp.StatusCode, body)
		}
		var page []apiRepo
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatalf("decoding %s: %v", u, err)
		}
		all = append(all, page...)
		u = ""
		if m := nextLink.FindStringSubmatch(resp.Header.Get("Link")); m != nil {
			u = m[1]
		}
	}
	return all, pages
}

func TestOrgReposPaginateWithLinkHeaders(t *testing.T) {
	srv := ghtest.New(t)
	for i := 1; i <= 7; i++ {
		r := srv.NewRepo("Acme", fmt.Sprintf("terraform-aws-m%d", i))
		r.SetArchived(i == 3)
		r.SetFork(i == 4)
	}
	srv.NewRepo("other", "unrelated")

	repos, pages := listAll(t, srv, srv.APIURL()+"/orgs/acme/repos?per_page=3&sort=full_name", nil)
	if pages != 3 {
		t.Errorf("fetched %d pages, want 3", pages)
	}
	var names []string
	for _, r := range repos {
		names = append(names, r.Name)
		if r.Owner.Login != "Acme" || r.FullName != "Acme/"+r.Name || r.DefaultBranch != "main" ||
			r.CloneURL != srv.URL+"/Acme/"+r.Name+".git" || r.HTMLURL != srv.URL+"/Acme/"+r.Name {
			t.Errorf("repository object %+v", r)
		}
		if r.Archived != (r.Name == "terraform-aws-m3") || r.Fork != (r.Name == "terraform-aws-m4") {
			t.Errorf("%s: archived %v fork %v", r.Name, r.Archived, r.Fork)
		}
	}
	want := []string{"terraform-aws-m1", "terraform-aws-m2", "terraform-aws-m3", "terraform-aws-m4", "terraform-aws-m5", "terraform-aws-m6", "terraform-aws-m7"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("repositories (-want +got):\n%s", diff)
	}

	// The next links point at /organizations/<id>/repos, as GitHub's do.
	resp, _ := get(t, srv.Client(), srv.APIURL()+"/orgs/acme/repos?per_page=3&page=2", nil)
	link := resp.Header.Get("Link")
	for _, rel := range []string{`rel="prev"`, `rel="next"`, `rel="last"`, `rel="first"`} {
		if !regexp.MustCompile(`/api/v3/organizations/\d+/repos\?[^>]*>; ` + rel).MatchString(link) {
			t.Errorf("page 2 Link lacks %s: %s", rel, link)
		}
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "" {
		t.Error("no X-RateLimit-Remaining header")
	}

	users, pages := listAll(t, srv, srv.APIURL()+"/users/ACME/repos?per_page=4", nil)
	if len(users) != 7 || pages != 2 {
		t.Errorf("/users listing: %d repositories in %d pages, want 7 in 2", len(users), pages)
	}

	sources, _ := listAll(t, srv, srv.APIURL()+"/orgs/acme/repos?type=sources&per_page=100", nil)
	if len(sources) != 6 {
		t.Errorf("type=sources gave %d repositories, want 6 (no fork)", len(sources))
	}
	if resp, _ := get(t, srv.Client(), srv.APIURL()+"/orgs/nobody/repos", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown org: status %d, want 404", resp.StatusCode)
	}
}

func TestAPITokenAndPrivateRepos(t *testing.T) {
	srv := ghtest.New(t, ghtest.WithToken("s3cret"))
	srv.NewRepo("acme", "public")
	srv.NewRepo("acme", "hidden").SetPrivate(true)
	u := srv.APIURL() + "/orgs/acme/repos"

	for _, tc := range []struct {
		auth string
		want int
	}{
		{"", http.StatusUnauthorized},
		{"Bearer wrong", http.StatusUnauthorized},
		{"Bearer s3cret", http.StatusOK},
		{"token s3cret", http.StatusOK},
	} {
		hdr := map[string]string{}
		if tc.auth != "" {
			hdr["Authorization"] = tc.auth
		}
		resp, body := get(t, srv.Client(), u, hdr)
		if resp.StatusCode != tc.want {
			t.Errorf("Authorization %q: status %d, want %d: %s", tc.auth, resp.StatusCode, tc.want, body)
		}
	}
	repos, _ := listAll(t, srv, u, map[string]string{"Authorization": "Bearer s3cret"})
	if len(repos) != 2 {
		t.Errorf("authenticated listing has %d repositories, want 2 (private included)", len(repos))
	}
	resp, body := get(t, srv.Client(), srv.APIURL()+"/repos/ACME/Hidden", map[string]string{"Authorization": "token s3cret"})
	var r apiRepo
	if err := json.Unmarshal(body, &r); err != nil || resp.StatusCode != http.StatusOK || !r.Private || r.FullName != "acme/hidden" {
		t.Errorf("GET /repos/ACME/Hidden: status %d, %+v, err %v", resp.StatusCode, r, err)
	}
}

func TestAPIRateLimit(t *testing.T) {
	srv := ghtest.New(t, ghtest.WithAPIRateLimit(2))
	srv.NewRepo("acme", "x")
	u := srv.APIURL() + "/orgs/acme/repos"
	for i, want := range []int{200, 200, 403} {
		resp, body := get(t, srv.Client(), u, nil)
		if resp.StatusCode != want {
			t.Errorf("request %d: status %d, want %d: %s", i+1, resp.StatusCode, want, body)
		}
		if i == 2 && resp.Header.Get("X-RateLimit-Remaining") != "0" {
			t.Errorf("rate-limited response X-RateLimit-Remaining %q", resp.Header.Get("X-RateLimit-Remaining"))
		}
	}
}
