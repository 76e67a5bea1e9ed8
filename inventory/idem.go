package inventory

import "ektamall/shared/idem"

// request is a's write of kind with the decoded request v, keyed by a's
// Idempotency-Key (shared/idem). The service takes a missing key as "not
// retried" (the demo seeder and tests call it directly); the HTTP edge
// decides which endpoints must carry one.
func (a Actor) request(kind string, v any) idem.Request {
	return idem.New(kind, a.Key, a.ID, v)
}
