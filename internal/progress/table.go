package progress

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Table is a run's final summary: a header and rows of cells, printed
// aligned for people (WriteText) or as a JSON array of objects keyed by
// the lower-cased header (WriteJSON). Output is deterministic: rows are
// printed in the order given.
type Table struct {
	// Header names the columns.
	Header []string
	// Rows are the cells, one slice per row, as many as Header.
	Rows [][]string
}

// Append adds a row.
func (t *Table) Append(cells ...string) { t.Rows = append(t.Rows, cells) }

// WriteText writes the table with columns aligned by spaces; empty cells
// print as "-".
func (t *Table) WriteText(w io.Writer) error {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.Header, "\t"))
	for _, row := range t.Rows {
		cells := make([]string, len(t.Header))
		for i := range cells {
			cells[i] = "-"
			if i < len(row) && row[i] != "" {
				cells[i] = row[i]
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the rows as a JSON array of objects whose keys are the
// header names lower-cased, spaces turned into underscores.
func (t *Table) WriteJSON(w io.Writer) error {
	keys := make([]string, len(t.Header))
	for i, h := range t.Header {
		keys[i] = strings.ReplaceAll(strings.ToLower(h), " ", "_")
	}
	rows := make([]map[string]string, 0, len(t.Rows))
	for _, row := range t.Rows {
		m := make(map[string]string, len(keys))
		for i, k := range keys {
			if i < len(row) {
				m[k] = row[i]
			}
		}
		rows = append(rows, m)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rows)
}
