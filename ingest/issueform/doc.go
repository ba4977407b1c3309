// Package issueform reads submissions made through GitHub issue forms
// ("add provider", "add module", "add signing key").
//
// GitHub turns a submitted issue form into a Markdown issue body: one
// level-3 heading per field, its label, then the answer, with
// "_No response_" for optional fields left empty:
//
//	### Provider Repository
//
//	acme/terraform-provider-widget
//
//	### Provider Type
//
//	_No response_
//
// Textareas with a render attribute arrive wrapped in a code fence,
// checkboxes as "- [X] option" lines, and text typed in a browser often
// with CRLF line ends. Parse reads such a body into a Form (headings inside
// code fences are not headings; an unclosed fence, a repeated heading or a
// body without headings is an error naming the line). FromForm and
// ParseEvent turn a Form, or a GitHub "issues" event payload, into a
// Submission, checking the naming rules and saying which field is wrong in
// words fit for a comment on the issue.
//
// Checks that need the network (the repository exists, tags exist, the
// key verifies the latest release) belong to regen add, which takes the
// Submission.
package issueform
