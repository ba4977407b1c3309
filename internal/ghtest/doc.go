// Package ghtest is a loopback GitHub for tests: one httptest server that
// speaks github.com's real formats over real data, so code under test is
// configured with a base URL and cannot tell the difference.
//
// Start one per test and point the code under test at it:
//
//	srv := ghtest.New(t)                  // ghtest.WithTLS() for HTTPS
//	webBase := srv.URL                    // instead of https://github.com
//	apiBase := srv.APIURL()               // srv.URL + "/api/v3", GitHub Enterprise style
//	httpClient := srv.Client()            // trusts the TLS certificate
//
// Under srv.URL the server serves, as github.com lays them out:
//
//   - git smart HTTP at /OWNER/REPO.git/... and /OWNER/REPO/... through the
//     real `git http-backend` (net/http/cgi) over bare repositories in
//     t.TempDir(). go-git (Remote.List, Clone) and the git CLI both work;
//     run the CLI with append(os.Environ(), srv.GitEnv()...) so it never
//     prompts. A missing repository answers 401, like github.com.
//   - /OWNER/REPO/releases.atom and /OWNER/REPO/tags.atom in GitHub's
//     exact Atom layout, newest first, showing the newest 10 entries
//     (WithFeedWindow changes that). The entry's link
//     (/releases/tag/TAG) and id (tag:github.com,2008:Repository/ID/TAG)
//     name the tag; the title is the release name, or for annotated tags
//     in tags.atom "TAG: subject", so read tags from links. Feeds carry a
//     weak ETag and Last-Modified and answer conditional requests with 304.
//   - /OWNER/REPO/releases/download/TAG/ASSET for release assets (with
//     WithAssetRedirects, a 302 to a storage URL first, as github.com does).
//   - The REST API under /api/v3: /orgs/ORG/repos and /users/USER/repos
//     with GitHub's repository objects and Link pagination (whose URLs use
//     /organizations/ID/repos, like GitHub's), and /repos/OWNER/REPO.
//     WithToken requires a token; WithAPIRateLimit exhausts the budget.
//
// Build the data with the builders; they fail the test on error and are
// deterministic (commit times come from a per-repository clock starting
// at Epoch, so object ids, zips and feeds are the same on every run):
//
//	repo := srv.NewRepo("acme", "terraform-aws-vpc")
//	c1 := repo.Commit(map[string]string{"main.tf": "..."}, "first")
//	repo.Tag("v1.0.0", c1)                          // lightweight
//	tagObj := repo.AnnotatedTag("v1.1.0", c1, "msg") // ls-remote shows v1.1.0^{} = c1
//	repo.MoveTag("v1.0.0", c2); repo.DeleteTag("v1.1.0")
//	repo.AddRelease(ghtest.Release{Tag: "v1.0.0", Title: "First"})
//
//	key := ghtest.NewKeyEd25519(t, "Acme")          // or NewKey (RSA 2048)
//	a := srv.AddProviderRelease("acme", "terraform-provider-widget", ghtest.ProviderRelease{
//		Type: "widget", Version: "1.2.3", Key: key, Protocols: []string{"5.0"},
//		Platforms: []ghtest.Platform{{OS: "linux", Arch: "amd64"}},
//	})
//	a.Package("linux", "amd64").H1                 // expected h1: hash, SHA256, URLs...
//
// AddProviderRelease publishes what goreleaser publishes (zips holding an
// executable stub that Terraform installs without running,
// SHA256SUMS, SHA256SUMS.sig, the protocol manifest); a real `terraform
// init` accepts them. Knobs (BadSignature, WrongChecksumFor, MissingSums,
// MissingSignature) corrupt a release on purpose.
//
// Every request is recorded before it is answered: Requests, RequestCount
// (by path prefix) and RequestLog let a test assert, say, that an unchanged
// repository cost exactly one conditional request; ResetCounts starts
// over. UnknownPaths lists requests for anything the server does not have
// (CheckNoUnknownPaths fails the test on any). Faults: FailNext (status
// codes), InjectNext (any handler), ResetNext (TCP resets) and
// Repo.SetFeedFault (malformed, empty or HTML feeds).
//
// Nothing here contacts the network beyond loopback.
package ghtest
