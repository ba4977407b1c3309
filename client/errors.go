package client

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// APIError is an unexpected response status from the registry, with the
// messages of its {"errors":[...]} body when it has one. Match it with
// errors.As.
type APIError struct {
	// Method and URL are those of the request (URL after any redirects).
	Method string
	URL    string
	// StatusCode is the HTTP status, such as 404.
	StatusCode int
	// Messages are the entries of the body's "errors" array: strings as
	// they are, objects as "title: detail" (JSON:API) or their JSON text.
	Messages []string
}

// Error implements error.
func (e *APIError) Error() string {
	msg := fmt.Sprintf("%s %s: %d %s", e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if len(e.Messages) > 0 {
		msg += ": " + strings.Join(e.Messages, "; ")
	}
	return msg
}

// maxErrorBody bounds the error bodies read.
const maxErrorBody = 64 << 10

// errorMessages extracts the messages of a registry error body; it returns
// nil for anything else.
func errorMessages(body []byte) []string {
	var doc struct {
		Errors []json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return nil
	}
	var out []string
	for _, raw := range doc.Errors {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			out = append(out, s)
			continue
		}
		var obj struct {
			Title  string `json:"title"`
			Detail string `json:"detail"`
		}
		if json.Unmarshal(raw, &obj) == nil && (obj.Title != "" || obj.Detail != "") {
			out = append(out, strings.Trim(obj.Title+": "+obj.Detail, ": "))
			continue
		}
		out = append(out, string(raw))
	}
	return out
}
