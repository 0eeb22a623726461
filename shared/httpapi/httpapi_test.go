package httpapi_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
)

type signUp struct {
	Email string   `json:"email"`
	Age   int      `json:"age"`
	Tags  []string `json:"tags"`
}

// newServer returns a handler with one POST route that decodes a signUp and
// one route that panics, wrapped in the middleware, and the log it writes.
func newServer(t *testing.T) (http.Handler, *bytes.Buffer, *int) {
	t.Helper()
	var logs bytes.Buffer
	calls := 0
	rt := httpapi.NewRouter()
	rt.Handle("POST /v1/things", func(w http.ResponseWriter, r *http.Request) error {
		var in signUp
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		calls++
		httpapi.WriteJSON(w, http.StatusCreated, in)
		return nil
	})
	rt.Handle("GET /v1/panic", func(w http.ResponseWriter, r *http.Request) error {
		var ids []string
		return fault.New(fault.NotFound, ids[len(r.URL.Path)], "") // index out of range: a real runtime panic
	})
	rt.Handle("GET /v1/broken", func(w http.ResponseWriter, r *http.Request) error {
		return fault.Wrap(fault.Unavailable, "store_unavailable", "the data store does not answer", errSecret)
	})
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	return httpapi.Middleware(log, rt), &logs, &calls
}

var errSecret = &secretErr{}

type secretErr struct{}

func (*secretErr) Error() string { return "dial tcp 10.0.0.1:8000: secret internals" }

type errorBody struct {
	Error struct {
		Code    string         `json:"code"`
		Message string         `json:"message"`
		Details []fault.Detail `json:"details"`
	} `json:"error"`
}

func do(t *testing.T, h http.Handler, method, path, contentType string, body []byte) (*httptest.ResponseRecorder, errorBody) {
	t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var eb errorBody
	if rec.Code >= 400 {
		if err := json.Unmarshal(rec.Body.Bytes(), &eb); err != nil {
			t.Fatalf("%s %s: error body %q is not JSON: %v", method, path, rec.Body.String(), err)
		}
		if eb.Error.Code == "" || eb.Error.Message == "" {
			t.Fatalf("%s %s: error body %q lacks code or message", method, path, rec.Body.String())
		}
	}
	return rec, eb
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        []byte
		status      int
		code        string
		field       string
	}{
		{"malformed", "application/json", []byte(`{"email":`), 400, "invalid_json", ""},
		{"not json at all", "application/json", []byte(`hello`), 400, "invalid_json", ""},
		{"empty", "application/json", nil, 400, "invalid_json", ""},
		{"array not object", "application/json", []byte(`[1,2]`), 400, "invalid_json", ""},
		{"two values", "application/json", []byte(`{"email":"a"}{"email":"b"}`), 400, "invalid_json", ""},
		{"unknown field", "application/json", []byte(`{"email":"a","admin":true}`), 400, "unknown_field", "admin"},
		{"wrong type", "application/json", []byte(`{"email":"a","age":"old"}`), 400, "invalid_field_type", "age"},
		{"wrong element type", "application/json", []byte(`{"tags":[1]}`), 400, "invalid_field_type", "tags"},
		{"too large", "application/json", append(append([]byte(`{"email":"`), bytes.Repeat([]byte("a"), httpapi.MaxBodyBytes)...), '"', '}'), 413, "payload_too_large", ""},
		{"form post", "application/x-www-form-urlencoded", []byte(`email=a`), 415, "unsupported_media_type", ""},
		{"bad content type", "application/json; =;", []byte(`{}`), 415, "unsupported_media_type", ""},
		{"no content type", "", []byte(`{"email":"a"}`), 415, "unsupported_media_type", ""},
		{"text/plain", "text/plain", []byte(`{"email":"a"}`), 415, "unsupported_media_type", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _, calls := newServer(t)
			rec, eb := do(t, h, "POST", "/v1/things", tt.contentType, tt.body)
			if rec.Code != tt.status || eb.Error.Code != tt.code {
				t.Fatalf("POST %q = %d %q; want %d %q", tt.body, rec.Code, eb.Error.Code, tt.status, tt.code)
			}
			if tt.field != "" && (len(eb.Error.Details) != 1 || eb.Error.Details[0].Field != tt.field) {
				t.Errorf("details = %+v; want the field %q named", eb.Error.Details, tt.field)
			}
			if *calls != 0 {
				t.Errorf("the handler went on after a bad body")
			}
		})
	}
}

func TestGoodInput(t *testing.T) {
	h, _, calls := newServer(t)
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "application/merge-patch+json"} {
		rec, _ := do(t, h, "POST", "/v1/things", ct, []byte(`{"email":"a@b.example","age":3}`))
		if rec.Code != 201 {
			t.Fatalf("POST with Content-Type %q = %d %s; want 201", ct, rec.Code, rec.Body)
		}
		if got := rec.Header().Get("Content-Type"); got != "application/json; charset=utf-8" {
			t.Errorf("Content-Type = %q", got)
		}
	}
	if *calls != 3 {
		t.Errorf("handler ran %d times; want 3", *calls)
	}
}

func TestUnknownRouteAndMethod(t *testing.T) {
	h, _, _ := newServer(t)
	rec, eb := do(t, h, "GET", "/v1/nothing-here", "", nil)
	if rec.Code != 404 || eb.Error.Code != "not_found" {
		t.Errorf("GET unknown route = %d %q; want 404 not_found", rec.Code, eb.Error.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("404 Content-Type = %q; want JSON", ct)
	}
	rec, eb = do(t, h, "DELETE", "/v1/things", "", nil)
	if rec.Code != 405 || eb.Error.Code != "method_not_allowed" {
		t.Errorf("DELETE /v1/things = %d %q; want 405 method_not_allowed", rec.Code, eb.Error.Code)
	}
	if allow := rec.Header().Get("Allow"); allow != "POST" {
		t.Errorf("Allow = %q; want POST", allow)
	}
}

func TestPanicBecomes500(t *testing.T) {
	h, logs, _ := newServer(t)
	rec, eb := do(t, h, "GET", "/v1/panic", "", nil)
	if rec.Code != 500 || eb.Error.Code != "internal_panic" {
		t.Fatalf("GET /v1/panic = %d %q; want 500 internal_panic", rec.Code, eb.Error.Code)
	}
	id := rec.Header().Get(httpapi.RequestIDHeader)
	var sawPanic, sawAccess bool
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		if entry["request_id"] != id {
			t.Errorf("log line %q lacks request id %q", line, id)
		}
		switch entry["msg"] {
		case "panic":
			sawPanic = strings.Contains(line, "index out of range")
		case "request":
			sawAccess = entry["status"] == float64(500)
		}
	}
	if !sawPanic || !sawAccess {
		t.Errorf("log = %s; want a panic line and an access line with status 500", logs)
	}
}

func TestInternalCauseStaysInside(t *testing.T) {
	h, logs, _ := newServer(t)
	rec, eb := do(t, h, "GET", "/v1/broken", "", nil)
	if rec.Code != 503 || eb.Error.Code != "store_unavailable" {
		t.Fatalf("GET /v1/broken = %d %q; want 503 store_unavailable", rec.Code, eb.Error.Code)
	}
	if strings.Contains(rec.Body.String(), "secret internals") {
		t.Errorf("response %q leaks the internal error", rec.Body)
	}
	if !strings.Contains(logs.String(), "secret internals") {
		t.Errorf("the internal cause was not logged")
	}
}

func TestRequestIDOnEveryResponse(t *testing.T) {
	h, _, _ := newServer(t)
	seen := map[string]bool{}
	for _, path := range []string{"/v1/things", "/v1/nothing", "/v1/panic"} {
		rec, _ := do(t, h, "GET", path, "", nil)
		id := rec.Header().Get(httpapi.RequestIDHeader)
		if len(id) < 16 || seen[id] {
			t.Errorf("GET %s: request id %q missing, short or repeated", path, id)
		}
		seen[id] = true
	}
}

func TestRoutesAreListed(t *testing.T) {
	rt := httpapi.NewRouter()
	rt.Handle("POST /v1/b", nil)
	rt.Handle("GET /v1/a", nil)
	got := strings.Join(rt.Routes(), ",")
	if got != "GET /v1/a,POST /v1/b" {
		t.Errorf("Routes() = %s", got)
	}
}

// FuzzDecodeJSON feeds arbitrary bodies to the decoder: it must never panic,
// and every failure must be a client error with a code.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{`{"email":"a","age":1,"tags":["x"]}`, `{"email":`, `[]`, `{"x":1}`, `{"age":1e999}`, "\x00", `{"email":"\ud800"}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var v signUp
		err := httpapi.DecodeJSONBody(bytes.NewReader(body), &v)
		if err == nil {
			return
		}
		fe := fault.As(err)
		if fe.Kind == fault.Internal || fe.Code == "" || fe.Message == "" {
			t.Fatalf("DecodeJSONBody(%q) = %v; want a client error with a code", body, err)
		}
	})
}

// TestErrorExtraMembers: WriteError, the one writer of error bodies, adds an
// error's extra members beside code and message, never over them.
func TestErrorExtraMembers(t *testing.T) {
	e := fault.New(fault.Unavailable, "data_freeze", "the portal is frozen")
	e.Extra = map[string]any{"freeze": map[string]string{"id": "f1"}, "code": "overridden"}
	rec := httptest.NewRecorder()
	httpapi.WriteError(rec, httptest.NewRequest("POST", "/v1/x", nil), e)
	var body struct {
		Error struct {
			Code    string            `json:"code"`
			Message string            `json:"message"`
			Freeze  map[string]string `json:"freeze"`
		} `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != 503 {
		t.Fatalf("WriteError = %d %s (%v)", rec.Code, rec.Body, err)
	}
	if body.Error.Code != "data_freeze" || body.Error.Message != "the portal is frozen" || body.Error.Freeze["id"] != "f1" {
		t.Errorf("body = %s; want code, message and the freeze member", rec.Body)
	}
}

// TestAcceptAlike: a fault of the request's own kind is returned; any other
// outcome — success or a failure on our side — is the same 202 body, no
// sooner than the floor, with the failure logged and not shown.
func TestAcceptAlike(t *testing.T) {
	var logs bytes.Buffer
	rt := httpapi.NewRouter()
	outcome := map[string]error{"ok": nil, "broken": errSecret, "invalid": fault.New(fault.Invalid, "invalid_email", "bad")}
	rt.Handle("POST /v1/ask/{what}", func(w http.ResponseWriter, r *http.Request) error {
		return httpapi.AcceptAlike(w, r, time.Now(), 50*time.Millisecond, map[string]string{"status": "accepted"},
			outcome[r.PathValue("what")], fault.Invalid)
	})
	h := httpapi.Middleware(slog.New(slog.NewJSONHandler(&logs, nil)), rt)
	var bodies []string
	for _, what := range []string{"ok", "broken"} {
		start := time.Now()
		rec, _ := do(t, h, "POST", "/v1/ask/"+what, "", nil)
		if rec.Code != 202 || time.Since(start) < 50*time.Millisecond {
			t.Errorf("%s: %d after %v; want 202 after the 50 ms floor", what, rec.Code, time.Since(start))
		}
		bodies = append(bodies, rec.Body.String())
	}
	if bodies[0] != bodies[1] || strings.Contains(bodies[1], "secret") {
		t.Errorf("bodies %q and %q; want the same, without the internal error", bodies[0], bodies[1])
	}
	if !strings.Contains(logs.String(), "secret internals") {
		t.Error("the failure was not logged")
	}
	if rec, eb := do(t, h, "POST", "/v1/ask/invalid", "", nil); rec.Code != 400 || eb.Error.Code != "invalid_email" {
		t.Errorf("a request's own fault = %d %q; want it returned (400 invalid_email)", rec.Code, eb.Error.Code)
	}
}
