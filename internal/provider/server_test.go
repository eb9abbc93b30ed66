package provider

import "testing"

func TestTidyDoubledPeriods(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"NSX said: locked.. Check the password.": "NSX said: locked. Check the password.",
		"ends here..":                            "ends here.",
		"wait... then":                           "wait... then",
		"version 4.2..1":                         "version 4.2..1",
	} {
		if got := tidy(in); got != want {
			t.Errorf("tidy(%q) = %q, want %q", in, got, want)
		}
	}
}
