package ids

import (
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// canonicalV7 is the RFC 9562 text form of a version-7, variant-10 UUID.
var canonicalV7 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestNewIsUUIDv7(t *testing.T) {
	before := time.Now().UnixMilli()
	id := New()
	after := time.Now().UnixMilli()
	if !canonicalV7.MatchString(id) {
		t.Fatalf("New() = %q, not a canonical lower-case UUIDv7", id)
	}
	u, err := uuid.Parse(id)
	if err != nil {
		t.Fatal(err)
	}
	if u.Version() != 7 || u.Variant() != uuid.RFC4122 {
		t.Errorf("New() = %s: version %d variant %s, want 7 and RFC4122", id, u.Version(), u.Variant())
	}
	// The first 48 bits are the Unix time in milliseconds.
	ms := int64(u[0])<<40 | int64(u[1])<<32 | int64(u[2])<<24 | int64(u[3])<<16 | int64(u[4])<<8 | int64(u[5])
	if ms < before || ms > after+1 {
		t.Errorf("New() timestamp %d ms is outside the call window [%d, %d]", ms, before, after)
	}
	if got, err := Parse(id); err != nil || got != id {
		t.Errorf("Parse(New()) = %q, %v; want %q", got, err, id)
	}
}

func TestNewIsTimeOrdered(t *testing.T) {
	const n = 1000
	prev := New()
	for i := range n {
		id := New()
		if id <= prev {
			t.Fatalf("call %d: New() = %s does not sort after the previous id %s", i, id, prev)
		}
		prev = id
	}
	// Ids made in a later millisecond sort after earlier ones too.
	a := New()
	time.Sleep(2 * time.Millisecond)
	if b := New(); b <= a {
		t.Errorf("id made 2ms later %s does not sort after %s", b, a)
	}
}

func TestNewUniqueAcrossGoroutines(t *testing.T) {
	const workers, each = 8, 2000
	var (
		mu   sync.Mutex
		seen = make(map[string]bool, workers*each)
		wg   sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			local := make([]string, each)
			for i := range local {
				local[i] = New()
			}
			mu.Lock()
			defer mu.Unlock()
			for _, id := range local {
				if seen[id] {
					t.Errorf("duplicate id %s", id)
				}
				seen[id] = true
			}
		})
	}
	wg.Wait()
	if len(seen) != workers*each {
		t.Errorf("got %d distinct ids, want %d", len(seen), workers*each)
	}
}

func TestParse(t *testing.T) {
	const id = "01968a3e-7b2c-7d4e-8f10-1234567890ab"
	tests := []struct {
		in   string
		want string // "" means an error
	}{
		{id, id},
		{strings.ToUpper(id), id},
		{"01968A3E-7b2c-7D4E-8f10-1234567890AB", id},
		{"550e8400-e29b-41d4-a716-446655440000", "550e8400-e29b-41d4-a716-446655440000"}, // v4 is still a UUID
		{"", ""},
		{"junk", ""},
		{"not-a-uuid-at-all-but-36-chars-long!", ""},
		{"01968a3e7b2c7d4e8f101234567890ab", ""},              // no hyphens
		{"{01968a3e-7b2c-7d4e-8f10-1234567890ab}", ""},        // braces
		{"urn:uuid:01968a3e-7b2c-7d4e-8f10-1234567890ab", ""}, // URN
		{"01968a3e-7b2c-7d4e-8f10-1234567890a", ""},           // 35
		{"01968a3e-7b2c-7d4e-8f10-1234567890abc", ""},         // 37
		{"01968a3e-7b2c-7d4e-8f10-1234567890ag", ""},          // non-hex
		{"01968a3e07b2c-7d4e-8f10-1234567890ab", ""},          // hyphen moved
		{"01968a3e-7b2c-7d4e-8f10_1234567890ab", ""},
		{" 01968a3e-7b2c-7d4e-8f10-1234567890a", ""},
		{"01968a3e-7b2c-7d4e-8f10-1234567890a\n", ""},
		{"01968a3e-7b2c-7d4e-8f10-1234567890a\x00", ""},
		{"'; DROP TABLE sales; --xxxxxxxxxxxxxx", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("Parse(%q) = %q, want error", tc.in, got)
				}
				if got != "" {
					t.Errorf("Parse(%q) returned %q with its error", tc.in, got)
				}
				if !strings.Contains(err.Error(), "want a UUID") {
					t.Errorf("Parse(%q) error %q is not clear", tc.in, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("Parse(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}
