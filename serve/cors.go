package serve

import "net/http"

// allowedMethods is the Allow header of OPTIONS and 405 answers.
const allowedMethods = "GET, HEAD, OPTIONS"

// setCORS lets any origin read every answer: a registry is public, and a
// private one authenticates with a bearer token, not cookies.
func setCORS(h http.Header) {
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", "ETag, Location, X-Terraform-Get")
}

// preflight answers an OPTIONS request (a CORS preflight or not) with 204.
func preflight(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Allow", allowedMethods)
	h.Set("Access-Control-Allow-Methods", allowedMethods)
	h.Set("Access-Control-Allow-Headers", "Accept, Authorization, Content-Type, If-None-Match, If-Modified-Since, Range")
	h.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}
