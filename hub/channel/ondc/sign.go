package ondc

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/blake2b"

	"ektamall/shared/errs"
)

// Signing follows the ONDC "Signing and Verification" guide (Beckn's HTTP
// signature profile): the signing string is
//
//	(created): <unix seconds>
//	(expires): <unix seconds>
//	digest: BLAKE-512=<base64 of the BLAKE2b-512 hash of the body>
//
// signed with the sender's ed25519 key and sent as
//
//	Authorization: Signature keyId="<subscriber_id>|<unique_key_id>|ed25519",
//	  algorithm="ed25519",created="..",expires="..",headers="(created) (expires) digest",signature=".."
//
// Keys travel as base64: a public key is its 32 raw bytes, a private key
// the 64 bytes of seed and public key (what the ONDC SDKs print).

// DefaultValidity is how long a signature we make stays valid.
const DefaultValidity = 5 * time.Minute

// clockSkew is how far a peer's created time may run ahead of ours.
const clockSkew = 30 * time.Second

// Signer signs outbound requests as one subscriber.
type Signer struct {
	SubscriberID string
	UniqueKeyID  string
	Key          ed25519.PrivateKey
}

// Digest is the body's BLAKE-512 digest as the signing string carries it.
func Digest(body []byte) string {
	h := blake2b.Sum512(body)
	return base64.StdEncoding.EncodeToString(h[:])
}

func signingString(created, expires int64, body []byte) string {
	return fmt.Sprintf("(created): %d\n(expires): %d\ndigest: BLAKE-512=%s", created, expires, Digest(body))
}

// Sign answers the Authorization header for body, valid from now for
// DefaultValidity.
func (s Signer) Sign(body []byte, now time.Time) string {
	created := now.Unix()
	expires := now.Add(DefaultValidity).Unix()
	sig := ed25519.Sign(s.Key, []byte(signingString(created, expires, body)))
	return fmt.Sprintf(`Signature keyId="%s|%s|ed25519",algorithm="ed25519",created="%d",expires="%d",headers="(created) (expires) digest",signature="%s"`,
		s.SubscriberID, s.UniqueKeyID, created, expires, base64.StdEncoding.EncodeToString(sig))
}

// KeyID names a signing key: the subscriber and its unique key id.
type KeyID struct{ SubscriberID, UniqueKeyID string }

// Header is a parsed Authorization header.
type Header struct {
	KeyID            KeyID
	Created, Expires int64
	Signature        []byte
}

// ParseHeader reads an ONDC Authorization header.
func ParseHeader(h string) (Header, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(h), "Signature ")
	if !ok {
		return Header{}, unauthorized("the Authorization header is not an ONDC signature (Signature keyId=...)")
	}
	params := map[string]string{}
	for rest = strings.TrimSpace(rest); rest != ""; {
		name, after, ok := strings.Cut(rest, "=")
		if !ok || !strings.HasPrefix(after, `"`) {
			return Header{}, unauthorized("the Authorization header is malformed near %q", trunc(rest))
		}
		val, tail, ok := strings.Cut(after[1:], `"`)
		if !ok {
			return Header{}, unauthorized("the Authorization header has an unterminated value for %s", name)
		}
		params[strings.TrimSpace(name)] = val
		rest = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(tail), ","))
	}
	var out Header
	parts := strings.Split(params["keyId"], "|")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] != "ed25519" {
		return Header{}, unauthorized(`keyId must be "subscriber_id|unique_key_id|ed25519"`)
	}
	out.KeyID = KeyID{parts[0], parts[1]}
	if a := params["algorithm"]; a != "" && a != "ed25519" {
		return Header{}, unauthorized("algorithm %q is not ed25519", a)
	}
	if hs := params["headers"]; hs != "" && strings.Join(strings.Fields(hs), " ") != "(created) (expires) digest" {
		return Header{}, unauthorized(`headers must be "(created) (expires) digest"`)
	}
	var err error
	if out.Created, err = strconv.ParseInt(params["created"], 10, 64); err != nil {
		return Header{}, unauthorized("created is not a Unix time")
	}
	if out.Expires, err = strconv.ParseInt(params["expires"], 10, 64); err != nil {
		return Header{}, unauthorized("expires is not a Unix time")
	}
	if out.Signature, err = base64.StdEncoding.DecodeString(params["signature"]); err != nil || len(out.Signature) != ed25519.SignatureSize {
		return Header{}, unauthorized("signature is not a base64 ed25519 signature")
	}
	return out, nil
}

// Verify checks a parsed header against the body, the sender's public key
// and the time now: a signature from the future (beyond a small clock
// skew), an expired one, or one over another body is refused.
func (h Header) Verify(body []byte, pub ed25519.PublicKey, now time.Time) error {
	if h.Expires <= h.Created {
		return unauthorized("the signature expires before it was created")
	}
	if now.Unix() >= h.Expires {
		return unauthorized("the signature expired at %s", time.Unix(h.Expires, 0).UTC().Format(time.RFC3339))
	}
	if time.Unix(h.Created, 0).After(now.Add(clockSkew)) {
		return unauthorized("the signature was created in the future (%s)", time.Unix(h.Created, 0).UTC().Format(time.RFC3339))
	}
	if !ed25519.Verify(pub, []byte(signingString(h.Created, h.Expires, body)), h.Signature) {
		return unauthorized("the signature does not match the body (tampered, or signed with another key)")
	}
	return nil
}

// ParsePublicKey reads a base64 ed25519 public key.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errs.E(errs.Invalid, "a signing public key is the base64 of 32 bytes")
	}
	return ed25519.PublicKey(b), nil
}

// ParsePrivateKey reads a base64 ed25519 private key: 64 bytes (seed and
// public key) or the 32-byte seed.
func ParsePrivateKey(s string) (ed25519.PrivateKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	switch {
	case err == nil && len(b) == ed25519.PrivateKeySize:
		return ed25519.PrivateKey(b), nil
	case err == nil && len(b) == ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(b), nil
	}
	return nil, errs.E(errs.Invalid, "a signing private key is the base64 of 64 bytes (or of the 32-byte seed)")
}

func unauthorized(format string, args ...any) error {
	return errs.E(errs.Unauthorized, "ondc: "+format, args...)
}

func trunc(s string) string {
	if len(s) > 20 {
		return s[:20]
	}
	return s
}
