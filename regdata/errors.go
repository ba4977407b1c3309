package regdata

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// FileError is a problem with one data file, named by its path relative to
// the data folder.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// explainJSON adds the line and column to JSON syntax and type errors.
func explainJSON(data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
		if te.Field != "" {
			err = fmt.Errorf("field %q: cannot use JSON %s as %s", te.Field, te.Value, te.Type)
		}
	}
	if off < 0 {
		return err
	}
	line, col := LineCol(data, off)
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

// LineCol converts a byte offset in data to a 1-based line and column.
func LineCol(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1)
	if col == 0 {
		col = 1
	}
	return line, col
}
