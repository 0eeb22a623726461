// Package throttle limits how often one source address may call the
// unauthenticated routes that cost a password hash or send mail (sign-up,
// sign-in, reset requests…), so that one client can neither burn the
// functions' CPU nor starve everyone under the API's stage-wide throttle.
// Each route group and address has a fixed-window counter in DynamoDB,
// raised with an atomic ADD and dropped by TTL.
package throttle

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/store"
)

// Config holds the limit.
type Config struct {
	// PerMinute is how many requests one source address may make to one
	// limited route group in a clock minute.
	PerMinute int
}

// DefaultConfig is the configuration when nothing is set.
var DefaultConfig = Config{PerMinute: 30}

// window is the length of one counting window.
const window = time.Minute

// Limiter counts requests per route group and source address.
type Limiter struct {
	Store  *store.Store
	Config Config
	Now    func() time.Time
}

// Wrap returns h limited to Config.PerMinute requests a minute from each
// source address, counted under bucket (a name for the route group, such as
// "sign-in"). A request over the limit is answered 429 rate_limited with
// Retry-After, before h reads anything. A nil Limiter limits nothing.
func (l *Limiter) Wrap(bucket string, h httpapi.HandlerFunc) httpapi.HandlerFunc {
	if l == nil {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		retry, err := l.Take(r.Context(), bucket, httpapi.ClientIP(r))
		if err != nil {
			return err
		}
		if retry > 0 {
			secs := int((retry + time.Second - 1) / time.Second)
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			return fault.New(fault.TooManyRequests, "rate_limited",
				fmt.Sprintf("too many requests from this address; try again in %d seconds", secs))
		}
		return h(w, r)
	}
}

// Take counts one request from addr under bucket and returns zero while the
// address is within its limit, or else how long until its window ends.
func (l *Limiter) Take(ctx context.Context, bucket, addr string) (time.Duration, error) {
	now := l.Now()
	start := now.Truncate(window)
	end := start.Add(window)
	var after struct {
		Count int `dynamodbav:"count"`
	}
	upd := expression.Add(expression.Name("count"), expression.Value(1)).
		Set(expression.Name("expiresAt"), expression.Value(end.Add(window).Unix()))
	key := store.Key{PK: "THROTTLE#" + bucket + "#" + Source(addr), SK: "WINDOW#" + strconv.FormatInt(start.Unix(), 10)}
	if err := l.Store.Update(ctx, key, upd, nil, &after); err != nil {
		return 0, fmt.Errorf("count %s request: %w", bucket, err)
	}
	if after.Count <= l.Config.PerMinute {
		return 0, nil
	}
	return end.Sub(now), nil
}

// Source is the unit a limit applies to: an IPv4 address, or the /64 an
// IPv6 address belongs to (one subscriber usually holds a whole /64, so
// counting single IPv6 addresses would limit nothing).
func Source(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	ip = ip.Unmap()
	if ip.Is4() {
		return ip.String()
	}
	p, err := ip.WithZone("").Prefix(64)
	if err != nil {
		return ip.String()
	}
	return p.String()
}
