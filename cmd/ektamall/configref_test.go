package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"
)

// TestReadmeConfigReferenceIsCurrent fails when a flag was added, removed
// or changed without regenerating the README (make docs).
func TestReadmeConfigReferenceIsCurrent(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if code := run(context.Background(), []string{"config-reference"}, &out, io.Discard); code != 0 {
		t.Fatalf("config-reference exit %d", code)
	}
	if !strings.Contains(string(readme), strings.TrimSpace(out.String())) {
		t.Fatal("README.md's configuration reference is out of date: run `make docs` and commit README.md")
	}
	for _, want := range []string{"`--sqlite-synchronous`", "`EKTAMALL_HUB`", "`127.0.0.1:8700`"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("reference lacks %s", want)
		}
	}
}
