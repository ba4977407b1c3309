package upload

import (
	"fmt"
	"strings"
)

// TooManyDeletesError refuses an upload that would delete more objects
// than Options.MaxDelete allows. Nothing was written.
type TooManyDeletesError struct {
	Count    int      // objects the upload would delete
	Max      int      // the limit
	Examples []string // a few of the keys
}

func (e *TooManyDeletesError) Error() string {
	return fmt.Sprintf("refusing to delete %d objects (more than --max-delete %d), for example %s; check the build, then raise --max-delete",
		e.Count, e.Max, strings.Join(e.Examples, ", "))
}
