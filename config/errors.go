package config

import "fmt"

// Error is a problem with one key of a configuration file. Load returns
// every Error of a file at once, joined with errors.Join; match one with
// errors.As.
type Error struct {
	// File is the file's path as given.
	File string
	// Line is the line of the key (0 when unknown).
	Line int
	// Key is the dotted key ("upload.target"); empty for problems with
	// the file as a whole.
	Key string
	// Msg says what is wrong.
	Msg string
}

func (e *Error) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Key == "" {
		return loc + ": " + e.Msg
	}
	return loc + ": " + e.Key + ": " + e.Msg
}
