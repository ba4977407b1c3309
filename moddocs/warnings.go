package moddocs

import (
	"fmt"
	"strings"
)

// warnings collects the non-fatal problems of one extraction, in order.
type warnings struct{ list []string }

func (w *warnings) add(format string, args ...any) {
	w.list = append(w.list, strings.ToValidUTF8(fmt.Sprintf(format, args...), "\uFFFD"))
}
