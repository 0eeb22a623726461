package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/partner-portal/portal/shared/fault"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	loggerKey
	clientKey
)

// RequestIDHeader carries the request id on every response.
const RequestIDHeader = "X-Request-Id"

// Middleware wraps h with what every function needs around its routes: a
// request id (API Gateway's own when there is one), a logger carrying it, one
// access log line per request, and recovery of panics into a JSON 500.
//
// The access log names the route pattern ("POST /v1/password-resets/{token}"),
// never the path: paths carry reset, invitation and verification tokens and
// session ids, and logs must hold no secret. A request no route matches logs
// an empty route for the same reason.
func Middleware(log *slog.Logger, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := requestID(r)
		reqLog := log.With("request_id", id)
		ctx := context.WithValue(r.Context(), requestIDKey, id)
		ctx = context.WithValue(ctx, loggerKey, reqLog)
		ctx = context.WithValue(ctx, clientKey, Client{IP: ClientIP(r), UserAgent: r.UserAgent()})
		r = r.WithContext(ctx)
		w.Header().Set(RequestIDHeader, id)
		rec := &statusRecorder{ResponseWriter: w}

		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				reqLog.Error("panic", "panic", p, "stack", string(debug.Stack()))
				if !rec.wroteHeader {
					WriteError(rec, r, fault.New(fault.Internal, "internal_panic", "something went wrong on our side"))
				}
			}
			reqLog.Info("request",
				"method", r.Method,
				"route", r.Pattern,
				"status", rec.status(),
				"bytes", rec.bytes,
				"duration_ms", float64(time.Since(start).Microseconds())/1000,
				"ip", ClientIP(r),
			)
		}()
		h.ServeHTTP(rec, r)
	})
}

// RequestID returns the id of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// Logger returns the request's logger (carrying its request id), or the
// default logger outside a request.
func Logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// Client is who sent a request, as the audit trail records it.
type Client struct {
	IP        string
	UserAgent string
}

// ClientOf returns who sent the request ctx belongs to (the zero Client
// outside a request: the reminder job, seeding).
func ClientOf(ctx context.Context) Client {
	c, _ := ctx.Value(clientKey).(Client)
	return c
}

// ClientIP is the address the request came from: API Gateway's source IP in
// Lambda (the adapter puts it in RemoteAddr), the peer address locally.
// Forwarding headers are not trusted.
func ClientIP(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

func requestID(r *http.Request) string {
	if gw, ok := core.GetAPIGatewayV2ContextFromContext(r.Context()); ok && gw.RequestID != "" {
		return gw.RequestID
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusRecorder remembers the status and size of a response for the log.
type statusRecorder struct {
	http.ResponseWriter
	code        int
	bytes       int
	wroteHeader bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wroteHeader {
		s.code, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wroteHeader = true
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusRecorder) status() int {
	if s.code == 0 {
		return http.StatusOK
	}
	return s.code
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
