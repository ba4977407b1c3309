package client

import (
	"errors"
	"strings"
	"testing"
)

func TestModuleDownload(t *testing.T) {
	reg := newFakeRegistry(t, 0)
	c := reg.client()
	for name, want := range map[string]string{
		"header":   "git::https://git.example.com/header.git?ref=v2.0.0",
		"body":     "git::https://git.example.com/body.git//modules/x?ref=v2.0.0",
		"both":     "git::https://git.example.com/from-header.git?ref=v2.0.0",
		"relative": reg.srv.URL + "/v1/modules/ns/relative/aws/2.0.0/archive.tar.gz",
		"rooted":   reg.srv.URL + "/archives/2.0.0.zip",
		"moved":    "git::https://git.example.com/body.git//modules/x?ref=v2.0.0",
	} {
		got, err := c.ModuleDownload(t.Context(), ModuleAddr{"ns", name, "aws"}, "2.0.0")
		if err != nil || got != want {
			t.Errorf("%s: got %q, %v; want %q", name, got, err, want)
		}
	}
}

func TestModuleDownloadErrors(t *testing.T) {
	reg := newFakeRegistry(t, 0)
	c := reg.client()
	_, err := c.ModuleDownload(t.Context(), ModuleAddr{"ns", "empty", "aws"}, "1.0.0")
	if err == nil || !strings.Contains(err.Error(), "no X-Terraform-Get header and no location") {
		t.Errorf("204 without header: %v", err)
	}
	_, err = c.ModuleDownload(t.Context(), ModuleAddr{"ns", "unknown", "aws"}, "1.0.0")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || !strings.HasSuffix(apiErr.URL, "/v1/modules/ns/unknown/aws/1.0.0/download") {
		t.Errorf("unknown module: %v", err)
	}
	_, err = c.ModuleDownload(t.Context(), ModuleAddr{"ns", "header", "aws"}, "../..")
	if err == nil || !strings.Contains(err.Error(), `"../.." is not a valid path segment`) {
		t.Errorf("bad version: %v", err)
	}
}

func TestBodyLocation(t *testing.T) {
	for body, want := range map[string]string{
		``:                        "",
		"  \n":                    "",
		`{}`:                      "",
		`{"location":"./x.zip"}`:  "./x.zip",
		`{"location":"git::a/b"}`: "git::a/b",
	} {
		if got, err := bodyLocation([]byte(body)); err != nil || got != want {
			t.Errorf("bodyLocation(%q) = %q, %v; want %q", body, got, err, want)
		}
	}
	if _, err := bodyLocation([]byte(`{"location":1}`)); err == nil {
		t.Error("numeric location accepted")
	}
}
