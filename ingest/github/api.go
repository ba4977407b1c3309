package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
)

// APIRepo is the part of a REST API repository object regen uses.
type APIRepo struct {
	Name     string `json:"name"`
	FullName string `json:"full_name"`
	Owner    struct {
		Login string `json:"login"`
	} `json:"owner"`
	HTMLURL  string `json:"html_url"`
	CloneURL string `json:"clone_url"`
	Private  bool   `json:"private"`
	Fork     bool   `json:"fork"`
	Archived bool   `json:"archived"`
}

// maxPages bounds pagination (100 repositories a page).
const maxPages = 1000

// OwnerRepos lists every repository of an organisation through the REST
// API, following the Link header's rel="next" pages. When there is no
// organisation of that name it lists the user's repositories instead.
func (c *Client) OwnerRepos(ctx context.Context, owner string) ([]APIRepo, error) {
	repos, err := c.listRepos(ctx, c.endpoints.OrgReposURL(owner))
	var se *StatusError
	if errors.As(err, &se) && se.Status == http.StatusNotFound {
		repos, err = c.listRepos(ctx, c.endpoints.UserReposURL(owner))
		if errors.As(err, &se) && se.Status == http.StatusNotFound {
			return nil, fmt.Errorf("listing repositories of %q: no organisation or user of that name", owner)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("listing repositories of %q: %w", owner, err)
	}
	return repos, nil
}

func (c *Client) listRepos(ctx context.Context, url string) ([]APIRepo, error) {
	var all []APIRepo
	seen := map[string]bool{}
	for page := 0; url != ""; page++ {
		if page == maxPages {
			return nil, fmt.Errorf("more than %d pages", maxPages)
		}
		if seen[url] {
			return nil, fmt.Errorf("pagination loops back to %s", url)
		}
		seen[url] = true
		resp, err := c.Get(ctx, url, http.Header{
			"Accept":               {"application/vnd.github+json"},
			"X-GitHub-Api-Version": {"2022-11-28"},
		})
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			return nil, apiError(url, resp)
		}
		var repos []APIRepo
		err = json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&repos)
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("decoding %s: %w", url, err)
		}
		all = append(all, repos...)
		url = NextLink(resp.Header.Get("Link"))
	}
	return all, nil
}

// apiError turns a REST API error response into a *StatusError carrying
// GitHub's message, and says so when the rate limit is exhausted.
func apiError(url string, resp *http.Response) error {
	defer resp.Body.Close()
	var body struct {
		Message string `json:"message"`
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if json.Unmarshal(b, &body) != nil || body.Message == "" {
		body.Message = strings.TrimSpace(string(b))
	}
	se := &StatusError{URL: url, Status: resp.StatusCode, Message: body.Message}
	if (resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusTooManyRequests) &&
		resp.Header.Get("X-RateLimit-Remaining") == "0" {
		se.Message = "API rate limit exhausted (X-RateLimit-Reset " + resp.Header.Get("X-RateLimit-Reset") + "); set a token: " + se.Message
	}
	return se
}

var linkNext = regexp.MustCompile(`<([^>]+)>\s*;[^,]*\brel="?next"?`)

// NextLink returns the rel="next" target of an RFC 8288 Link header, or "".
func NextLink(h string) string {
	for _, part := range splitLinks(h) {
		if m := linkNext.FindStringSubmatch(part); m != nil {
			return m[1]
		}
	}
	return ""
}

// splitLinks splits a Link header at the commas between links (not those
// inside <...>).
func splitLinks(h string) []string {
	var parts []string
	depth, start := 0, 0
	for i, r := range h {
		switch r {
		case '<':
			depth++
		case '>':
			if depth > 0 {
				depth--
			}
		case ',':
			if depth == 0 {
				parts = append(parts, h[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, h[start:])
}
