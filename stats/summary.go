package stats

// Summary is what the downloads summary document reports for one entry:
// downloads in the last 7, 30 and 365 days (counting the day of "now") and
// in all.
type Summary struct {
	Week  int64 `json:"week"`
	Month int64 `json:"month"`
	Year  int64 `json:"year"`
	Total int64 `json:"total"`
}
