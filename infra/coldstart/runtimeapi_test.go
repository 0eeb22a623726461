package coldstart

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRuntimeAPIHoldsFirstNext is what every measurement rests on: the first
// next request is timed when it arrives, and held unanswered until Close, so
// the function sits idle in its poll loop.
func TestRuntimeAPIHoldsFirstNext(t *testing.T) {
	api, err := StartRuntimeAPI()
	if err != nil {
		t.Fatal(err)
	}
	defer api.Close()

	before := time.Now()
	answered := make(chan error, 1)
	go func() {
		resp, err := http.Get("http://" + api.Addr() + NextPath)
		if err == nil {
			resp.Body.Close()
		}
		answered <- err
	}()

	select {
	case at := <-api.Next():
		if at.Before(before) || time.Since(at) > 5*time.Second {
			t.Errorf("Next() = %v; want a time after %v, just now", at, before)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Next() delivered nothing after a GET next")
	}
	select {
	case err := <-answered:
		t.Fatalf("GET next was answered (err %v) before Close; want it held", err)
	case <-time.After(200 * time.Millisecond):
	}
	if err := api.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-answered:
	case <-time.After(5 * time.Second):
		t.Fatal("GET next still held after Close")
	}
}

// TestRuntimeAPITimesOnlyTheFirstNext: a second next (or a retry) must not
// overwrite the time of the first.
func TestRuntimeAPITimesOnlyTheFirstNext(t *testing.T) {
	api, err := StartRuntimeAPI()
	if err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for range 2 {
		go func() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+api.Addr()+NextPath, nil)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
	}
	<-api.Next()
	select {
	case at := <-api.Next():
		t.Errorf("Next() delivered a second time %v; want only the first", at)
	case <-time.After(200 * time.Millisecond):
	}
}

func TestRuntimeAPIReportsInitError(t *testing.T) {
	api, err := StartRuntimeAPI()
	if err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	const report = `{"errorMessage":"configuration: TABLE_NAME: missing","errorType":"error"}`
	resp, err := http.Post("http://"+api.Addr()+InitErrorPath, "application/json", strings.NewReader(report))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("POST init/error = %d; want %d", resp.StatusCode, http.StatusAccepted)
	}
	_, err = api.waitNext(context.Background(), nil, time.Second)
	var ie *InitError
	if !errors.As(err, &ie) || ie.Report != report {
		t.Errorf("waitNext() = %v; want InitError{%q}", err, report)
	}
}

func TestRuntimeAPIAnswersNothingElse(t *testing.T) {
	api, err := StartRuntimeAPI()
	if err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	resp, err := http.Get("http://" + api.Addr() + "/2018-06-01/runtime/invocation/x/response")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET other path = %d; want %d", resp.StatusCode, http.StatusNotFound)
	}
	if _, err := api.waitNext(context.Background(), nil, 100*time.Millisecond); !errors.Is(err, errTimeout) {
		t.Errorf("waitNext() after another request = %v; want %v", err, errTimeout)
	}
}
