package modsource

import (
	"errors"
	"testing"
)

func TestCutShort(t *testing.T) {
	for msg, want := range map[string]bool{
		"sending upload-req message: encoding depth 1: write |1: broken pipe": true,
		"read tcp 127.0.0.1:1->127.0.0.1:2: read: connection reset by peer":   true,
		"remote error: upload-pack: not our ref abab":                         false,
		"repository not found": false,
	} {
		if got := cutShort(errors.New(msg)); got != want {
			t.Errorf("cutShort(%q) = %v, want %v", msg, got, want)
		}
	}
}
