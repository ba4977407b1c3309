// Package formtest fills in GitHub issue form templates as a person does
// in GitHub's web form, for tests of the forms and of the workflows a
// submitted form starts.
package formtest

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/regen-registry/regen/ingest/issueform"
)

// Form is what filling in reads of an issue form template
// (.github/ISSUE_TEMPLATE/*.yml).
type Form struct {
	Title  string    `yaml:"title"`
	Labels []string  `yaml:"labels"`
	Body   []Element `yaml:"body"`
}

// Element is one element of a form's body.
type Element struct {
	Type       string `yaml:"type"`
	ID         string `yaml:"id"`
	Attributes struct {
		Label   string `yaml:"label"`
		Render  string `yaml:"render"`
		Options []struct {
			Label string `yaml:"label"`
		} `yaml:"options"`
	} `yaml:"attributes"`
}

// Parse reads a form template.
func Parse(data []byte) (*Form, error) {
	var f Form
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("reading the issue form: %w", err)
	}
	return &f, nil
}

// Fill answers the form: every input from answers by its id (an input
// without an answer is an error), every checkbox ticked. It returns the
// issue's fields as GitHub renders them: markdown elements left out, an
// input with a render attribute in a code block of that language.
func (f *Form) Fill(answers map[string]string) ([]issueform.Field, error) {
	var fields []issueform.Field
	for _, el := range f.Body {
		switch el.Type {
		case "markdown":
			continue // not part of the issue
		case "checkboxes":
			var ticks []string
			for _, o := range el.Attributes.Options {
				ticks = append(ticks, "- [X] "+o.Label)
			}
			fields = append(fields, issueform.Field{Label: el.Attributes.Label, Value: strings.Join(ticks, "\n")})
		default:
			v, ok := answers[el.ID]
			if !ok {
				return nil, fmt.Errorf("no answer for field %q", el.ID)
			}
			if el.Attributes.Render != "" && v != "" {
				v = "```" + el.Attributes.Render + "\n" + v + "\n```"
			}
			fields = append(fields, issueform.Field{Label: el.Attributes.Label, Value: v})
		}
	}
	return fields, nil
}
