package positive

import (
	"testing"
	"time"
)

func TestOr(t *testing.T) {
	if got := Or(0, 5); got != 5 {
		t.Errorf("Or(0, 5) = %d", got)
	}
	if got := Or(-1, 5); got != 5 {
		t.Errorf("Or(-1, 5) = %d", got)
	}
	if got := Or(3, 5); got != 3 {
		t.Errorf("Or(3, 5) = %d", got)
	}
	if got := Or(time.Duration(0), time.Minute); got != time.Minute {
		t.Errorf("Or(0, time.Minute) = %v", got)
	}
}
