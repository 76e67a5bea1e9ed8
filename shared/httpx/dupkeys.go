package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"ektamall/shared/errs"
	"ektamall/shared/text"
)

// maxDepth bounds how deeply a request body may nest; no request of ours
// goes past five levels.
const maxDepth = 32

// checkKeys refuses a body in which an object names the same key twice.
// encoding/json keeps the last value and matches field names without
// regard to case, so {"username":"nobody","USERNAME":"finance"} would log
// in as finance while a proxy or an audit of the first key saw "nobody".
// Keys are therefore compared case-insensitively.
func checkKeys(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	type frame struct {
		keys   map[string]bool
		object bool
		expect bool // the next string token is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return nil // syntax errors are reported by the real decode
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if len(stack) >= maxDepth {
					return errs.E(errs.Invalid, "malformed JSON: nested deeper than %d levels", maxDepth)
				}
				if top != nil && top.object {
					top.expect = true
				}
				stack = append(stack, &frame{keys: map[string]bool{}, object: t == '{', expect: t == '{'})
				continue
			default:
				stack = stack[:len(stack)-1]
				if len(stack) > 0 && stack[len(stack)-1].object {
					stack[len(stack)-1].expect = true
				}
				continue
			}
		case string:
			if top != nil && top.object && top.expect {
				k := strings.ToLower(t)
				if top.keys[k] {
					return errs.E(errs.Invalid, "malformed JSON: the key %q appears more than once in an object", boundKey(t))
				}
				top.keys[k] = true
				top.expect = false
				continue
			}
		}
		if top != nil && top.object {
			top.expect = true
		}
	}
}

func boundKey(k string) string { return text.Bound(k, 40) }
