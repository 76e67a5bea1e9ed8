package auth

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// sessionCache keeps the live sessions of a mall in memory: every request
// looked its token up in SQLite (issue 24's checkout profile). Entries are
// valid for one generation of cache_gen.auth, which triggers bump in the
// transaction of any change to users or sessions (migrations/mall/0021):
// a logout, a deactivation, a role or password change, a new login. Each
// request reads the generation first, so a token revoked by a committed
// write is refused on the very next request; expiry is checked against
// the clock on every request.
type sessionCache struct {
	mu      sync.Mutex
	gen     int64
	entries map[string]cachedSession // by token hash
}

type cachedSession struct {
	user  User
	until time.Time
}

// maxCachedSessions bounds the cache: a mall has tens of staff, so only
// a flood of logins reaches it, and then the cache starts over.
const maxCachedSessions = 4096

// CacheSessions makes Authenticate keep live sessions in memory. The
// database must be a mall's (migrated with cache_gen).
func (s *Store) CacheSessions() { s.sessions = &sessionCache{} }

func (c *sessionCache) authenticate(ctx context.Context, s *Store, th []byte) (User, error) {
	var gen int64
	if err := s.db.Reader().QueryRowContext(ctx, `SELECT auth FROM cache_gen WHERE id = 1`).Scan(&gen); err != nil {
		return User{}, fmt.Errorf("authenticate: session generation: %w", err)
	}
	key := string(th)
	c.mu.Lock()
	if c.entries == nil || c.gen != gen {
		c.gen, c.entries = gen, map[string]cachedSession{}
	}
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok {
		if !s.now().Before(e.until) {
			return User{}, errExpired
		}
		return e.user, nil
	}
	u, until, err := s.lookup(ctx, th)
	if err != nil {
		return User{}, err
	}
	c.mu.Lock()
	if c.gen == gen { // read at gen (or later): good for gen
		if len(c.entries) >= maxCachedSessions {
			c.entries = map[string]cachedSession{}
		}
		c.entries[key] = cachedSession{user: u, until: until}
	}
	c.mu.Unlock()
	return u, nil
}
