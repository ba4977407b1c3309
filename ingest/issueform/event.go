package issueform

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// event is the part of a GitHub "issues" (or "issue_comment") webhook
// payload that a submission needs.
type event struct {
	Action string `json:"action"`
	Issue  *struct {
		Number  int     `json:"number"`
		Title   string  `json:"title"`
		Body    *string `json:"body"`
		HTMLURL string  `json:"html_url"`
		User    struct {
			Login string `json:"login"`
		} `json:"user"`
		PullRequest json.RawMessage `json:"pull_request"`
	} `json:"issue"`
}

// ParseEvent reads a submission from a GitHub "issues" event payload
// (the file GITHUB_EVENT_PATH names in a workflow).
func ParseEvent(data []byte) (*Submission, error) {
	var ev event
	if err := json.Unmarshal(data, &ev); err != nil {
		return nil, fmt.Errorf("reading the event: not a GitHub event payload: %w", err)
	}
	if ev.Issue == nil {
		return nil, errors.New(`reading the event: no "issue" in the payload (the workflow must run on issues events)`)
	}
	if len(ev.Issue.PullRequest) > 0 && string(ev.Issue.PullRequest) != "null" {
		return nil, fmt.Errorf("reading the event: #%d is a pull request, not an issue", ev.Issue.Number)
	}
	issue := &Issue{Number: ev.Issue.Number, Title: ev.Issue.Title, Author: ev.Issue.User.Login, URL: ev.Issue.HTMLURL}
	if ev.Issue.Body == nil || *ev.Issue.Body == "" {
		return nil, &MalformedError{Msg: "empty; open the issue from one of the submission forms"}
	}
	form, err := Parse(*ev.Issue.Body)
	if err != nil {
		return nil, err
	}
	sub, err := FromForm(form)
	if err != nil {
		return nil, err
	}
	sub.Issue = issue
	return sub, nil
}

// ReadEvent reads ParseEvent's input from a file.
func ReadEvent(name string) (*Submission, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("reading the event: %w", err)
	}
	return ParseEvent(data)
}
