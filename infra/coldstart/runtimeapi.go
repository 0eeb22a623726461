// Package coldstart measures a Lambda bootstrap's cold start on this machine:
// the time from exec to its first request for an invocation, against a fake
// Lambda Runtime API on loopback. make bench runs it (infra/cmd/coldstart)
// over every function and the reference binaries beside them.
package coldstart

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// NextPath is the request a function makes once its init is done: the
// Runtime API's "give me the next event".
const NextPath = "/2018-06-01/runtime/invocation/next"

// InitErrorPath is where aws-lambda-go reports a failed start.
const InitErrorPath = "/2018-06-01/runtime/init/error"

// RuntimeAPI is a fake Lambda Runtime API on 127.0.0.1. It notes the time of
// the first next request and holds it unanswered, so the function waits there
// until it is killed; it answers nothing else.
type RuntimeAPI struct {
	ln      net.Listener
	srv     *http.Server
	next    chan time.Time
	initErr chan string
	first   sync.Once
	done    chan struct{}
	closing sync.Once
}

// StartRuntimeAPI listens on a free loopback port and serves until Close.
func StartRuntimeAPI() (*RuntimeAPI, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	a := &RuntimeAPI{
		ln:      ln,
		next:    make(chan time.Time, 1),
		initErr: make(chan string, 1),
		done:    make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+NextPath, a.serveNext)
	mux.HandleFunc("POST "+InitErrorPath, a.serveInitError)
	a.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = a.srv.Serve(ln) }() // Serve returns when Close closes the listener
	return a, nil
}

// Addr is the host:port a function finds in AWS_LAMBDA_RUNTIME_API.
func (a *RuntimeAPI) Addr() string { return a.ln.Addr().String() }

// Next delivers the time the first next request arrived, once.
func (a *RuntimeAPI) Next() <-chan time.Time { return a.next }

// InitError delivers the body of the first init error a function reports.
func (a *RuntimeAPI) InitError() <-chan string { return a.initErr }

// Close releases held requests and stops the server.
func (a *RuntimeAPI) Close() error {
	a.closing.Do(func() { close(a.done) })
	return a.srv.Close()
}

func (a *RuntimeAPI) serveNext(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	a.first.Do(func() { a.next <- now })
	// Hold the request: the function blocks in its poll loop, doing nothing
	// that could disturb the next measurement, until it is killed.
	select {
	case <-r.Context().Done():
	case <-a.done:
	}
	http.Error(w, "the fake runtime API sends no events", http.StatusServiceUnavailable)
}

func (a *RuntimeAPI) serveInitError(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	select {
	case a.initErr <- string(body):
	default:
	}
	w.WriteHeader(http.StatusAccepted)
}

// errTimeout is returned when a function neither asks for an event nor exits
// in time.
var errTimeout = errors.New("no next request before the timeout")

// waitNext waits for the first next request, an init error, ctx or timeout.
func (a *RuntimeAPI) waitNext(ctx context.Context, exited <-chan error, timeout time.Duration) (time.Time, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case at := <-a.next:
		return at, nil
	case msg := <-a.initErr:
		return time.Time{}, &InitError{Report: msg}
	case err := <-exited:
		return time.Time{}, &ExitError{Err: err}
	case <-t.C:
		return time.Time{}, errTimeout
	case <-ctx.Done():
		return time.Time{}, ctx.Err()
	}
}

// InitError is a function's own report of a failed start.
type InitError struct{ Report string }

func (e *InitError) Error() string { return "init error reported: " + e.Report }

// ExitError is a function that ended before asking for an event (a
// configuration error exits with status 1 before lambda.Start).
type ExitError struct{ Err error }

func (e *ExitError) Error() string {
	if e.Err == nil {
		return "exited before asking for an event"
	}
	return "exited before asking for an event: " + e.Err.Error()
}
