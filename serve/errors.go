package serve

import (
	"net/http"
	"strconv"
)

// writeError answers status with the registry error body
// {"errors":["<status text>"]}.
func writeError(w http.ResponseWriter, r *http.Request, status int) {
	body := `{"errors":["` + http.StatusText(status) + `"]}` + "\n"
	hdr := w.Header()
	for _, k := range []string{"ETag", "Last-Modified", "X-Terraform-Get", "Location"} {
		hdr.Del(k)
	}
	hdr.Set("Content-Type", "application/json")
	hdr.Set("Cache-Control", cacheNone)
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write([]byte(body))
	}
}
