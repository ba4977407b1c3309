package testtool

import "testing"

func TestInCI(t *testing.T) {
	for v, want := range map[string]bool{"": false, "0": false, "false": false, "FALSE": false, "true": true, "1": true, "yes": true} {
		t.Setenv("CI", v)
		if got := InCI(); got != want {
			t.Errorf("CI=%q: InCI() = %v, want %v", v, got, want)
		}
	}
}

func TestRequireFindsGo(t *testing.T) {
	if p := Require(t, "go", ""); p == "" {
		t.Fatal("Require returned an empty path for go")
	}
}
