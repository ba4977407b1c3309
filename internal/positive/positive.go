// Package positive fills in settings whose zero value means "the
// default": a limit, a count of workers, a timeout. A negative value is no
// setting either, so it takes the default too.
package positive

// Or returns v when it is positive, def otherwise. A settings struct's
// withDefaults reads one line a field:
//
//	l.MaxFiles = positive.Or(l.MaxFiles, DefaultMaxFiles)
func Or[T ~int | ~int64 | ~float64](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}
