package client

import (
	"context"
	"fmt"
)

// DownloadsSummary counts the downloads of a module.
type DownloadsSummary struct {
	ID    string
	Week  int64
	Month int64
	Year  int64
	Total int64
}

// DownloadsSummary returns the download counts of a module
// (GET <base>/v2/modules/<namespace>/<name>/<system>/downloads/summary,
// a JSON:API document).
func (c *Client) DownloadsSummary(ctx context.Context, addr ModuleAddr) (*DownloadsSummary, error) {
	what := "getting download summary of module " + addr.String()
	if err := addr.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var doc struct {
		Data struct {
			Type       string `json:"type"`
			ID         string `json:"id"`
			Attributes struct {
				Week  int64 `json:"week"`
				Month int64 `json:"month"`
				Year  int64 `json:"year"`
				Total int64 `json:"total"`
			} `json:"attributes"`
		} `json:"data"`
	}
	u := join(c.base, "v2", "modules", addr.Namespace, addr.Name, addr.System, "downloads", "summary")
	if _, err := c.getJSON(ctx, u, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if doc.Data.Type != "module-downloads-summary" {
		return nil, fmt.Errorf("%s: %s: data.type is %q, want \"module-downloads-summary\"", what, u.Redacted(), doc.Data.Type)
	}
	a := doc.Data.Attributes
	return &DownloadsSummary{ID: doc.Data.ID, Week: a.Week, Month: a.Month, Year: a.Year, Total: a.Total}, nil
}
