package main

import (
	"bufio"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	hubapp "ektamall/hub/app"
	"ektamall/pos/mallapp"
	"ektamall/shared/config"
)

// knownEnv is every EKTAMALL_ variable a command reads (its flags').
func knownEnv(cmd string) map[string]bool {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	switch cmd {
	case "hub":
		new(hubapp.Config).Flags(fs)
	case "mall":
		new(mallapp.Config).Flags(fs)
	}
	out := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) { out[config.EnvName(f.Name)] = true })
	return out
}

// TestDeployFilesUseRealSettings: the compose file parses, runs three hub
// nodes (one with the hub application, two NATS-only) and two malls that
// list all three, and every EKTAMALL_ variable
// in it and in the example env files is a flag the command has.
func TestDeployFilesUseRealSettings(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "deploy", "compose", "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Services map[string]struct {
			Command     []string          `yaml:"command"`
			Environment map[string]string `yaml:"environment"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	names, hubs, apps, malls := map[string]bool{}, 0, 0, 0
	for svc, s := range doc.Services {
		if len(s.Command) == 0 {
			t.Fatalf("service %s has no command", svc)
		}
		cmd := s.Command[0]
		known := knownEnv(cmd)
		for k := range s.Environment {
			if !known[k] {
				t.Errorf("service %s: %s is not a flag of 'ektamall %s'", svc, k, cmd)
			}
		}
		switch cmd {
		case "hub":
			hubs++
			names[s.Environment["EKTAMALL_SERVER_NAME"]] = true
			if s.Environment["EKTAMALL_NATS_ONLY"] != "true" {
				apps++
			}
			if n := len(strings.Split(s.Environment["EKTAMALL_ROUTES"], ",")); n != 3 || s.Environment["EKTAMALL_REPLICAS"] != "3" {
				t.Errorf("hub %s: %d routes, replicas %q; want 3 and 3", svc, n, s.Environment["EKTAMALL_REPLICAS"])
			}
		case "mall":
			malls++
			if n := len(mallapp.HubURLs(s.Environment["EKTAMALL_HUB"])); n != 3 {
				t.Errorf("mall %s lists %d hub nodes, want 3", svc, n)
			}
		}
	}
	if hubs != 3 || len(names) != 3 || malls != 2 {
		t.Fatalf("compose runs %d hub nodes (%d names) and %d malls, want 3, 3, 2", hubs, len(names), malls)
	}
	// One database and one ingest: two hub applications would split the
	// malls' events between two sets of books.
	if apps != 1 {
		t.Fatalf("compose runs the hub application on %d nodes, want 1 (the others --nats-only)", apps)
	}
	for file, cmd := range map[string]string{"hub.env": "hub", "mall-LKO1.env": "mall"} {
		checkEnvFile(t, filepath.Join("..", "..", "deploy", "env", file), knownEnv(cmd))
	}
}

// checkEnvFile checks every (also commented-out) assignment in an env file.
func checkEnvFile(t *testing.T, path string, known map[string]bool) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimLeft(strings.TrimSpace(sc.Text()), "#")
		k, _, ok := strings.Cut(line, "=")
		if !ok || !strings.HasPrefix(k, config.EnvPrefix) {
			continue
		}
		if !known[k] {
			t.Errorf("%s: %s is not a flag", filepath.Base(path), k)
		}
	}
}
