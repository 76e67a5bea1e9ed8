package loadgen

import (
	"context"
	"errors"
	"net/http"
	"time"

	"ektamall/shared/apiclient"
)

// client is one logged-in user of the mall API.
type client struct {
	*apiclient.Client
	patient bool
}

func newClient(cfg Config) *client {
	return &client{Client: apiclient.New(cfg.MallURL, cfg.Client), patient: cfg.Patient}
}

// retryable says whether a patient client should try the same request
// again: the mall was unreachable, restarting or busy.
func retryable(err error) bool {
	var ae *apiclient.Error
	if errors.As(err, &ae) {
		return ae.Status >= 500 || ae.Status == http.StatusUnauthorized && ae.API.Code == "" // 401 without body: not our API yet
	}
	return err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// do sends one request; out receives a 2xx JSON body. key, when set, is
// sent as the Idempotency-Key.
func (c *client) do(ctx context.Context, method, path string, body any, key string, out any) error {
	if key != "" {
		return c.Do(ctx, method, path, body, out, apiclient.Key(key))
	}
	return c.Do(ctx, method, path, body, out)
}

// doPatient is do, retried with the same body and key while the mall is
// unreachable, for up to five minutes, when the client is patient. The
// second result counts the retries.
func (c *client) doPatient(ctx context.Context, method, path string, body any, key string, out any) (int, error) {
	deadline := time.Now().Add(5 * time.Minute)
	for tries := 0; ; tries++ {
		err := c.do(ctx, method, path, body, key, out)
		if err == nil || !c.patient || time.Now().After(deadline) {
			return tries, err
		}
		if ctx.Err() != nil {
			// The run ended while the request was in flight: the mall may
			// have committed it, so settle it with the same key.
			ctx = context.WithoutCancel(ctx)
			continue
		}
		if !retryable(err) {
			return tries, err
		}
		select {
		case <-ctx.Done():
			// The run is over, but a sale in flight must still be settled:
			// keep trying without the run's deadline.
			ctx = context.WithoutCancel(ctx)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
