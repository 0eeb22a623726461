package testenv

import (
	"sync"
	"time"
)

// Clock is the real time moved on by what a test adds, so events keep their
// order while expiry and lockouts can be reached without waiting.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now is the time the services see.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Add moves the clock on.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}
