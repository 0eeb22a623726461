package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/partner-portal/portal/shared/fault"
)

// MaxBodyBytes is the largest JSON body any route accepts.
const MaxBodyBytes = 1 << 20

// DecodeJSON reads the request body into dst: at most MaxBodyBytes, exactly
// one JSON value, no fields dst does not declare. The body must say it is
// JSON (application/json or a +json type): a missing Content-Type is refused
// too, because a form or a text/plain request — what another site can send
// without asking — must never pass for one. Every failure is a client-safe
// *fault.Error naming what was wrong.
func DecodeJSON(r *http.Request, dst any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return fault.New(fault.UnsupportedMedia, "unsupported_media_type", "send the body as application/json, with that Content-Type")
	}
	return DecodeJSONBody(http.MaxBytesReader(nil, r.Body, MaxBodyBytes), dst)
}

// DecodeJSONBody decodes exactly one JSON value from body into dst, refusing
// unknown fields and trailing data. It is DecodeJSON without the HTTP parts,
// so fuzz targets and event handlers use the same rules.
func DecodeJSONBody(body io.Reader, dst any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return decodeError(err)
		}
		return fault.New(fault.Invalid, "invalid_json", "the body must hold a single JSON object")
	}
	return nil
}

func decodeError(err error) error {
	var (
		syntax    *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		tooBig    *http.MaxBytesError
		unknownAt = "json: unknown field "
	)
	switch {
	case errors.As(err, &tooBig):
		return fault.New(fault.TooLarge, "payload_too_large", fmt.Sprintf("the body is larger than %d bytes", tooBig.Limit))
	case errors.Is(err, io.EOF):
		return fault.New(fault.Invalid, "invalid_json", "the body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &syntax):
		return fault.New(fault.Invalid, "invalid_json", "the body is not valid JSON")
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return fault.New(fault.Invalid, "invalid_json", "the body must be a JSON object")
		}
		return &fault.Error{Kind: fault.Invalid, Code: "invalid_field_type",
			Message: fmt.Sprintf("field %q must be a %s", typeErr.Field, jsonKind(typeErr.Type.Kind().String())),
			Details: []fault.Detail{{Field: typeErr.Field, Message: "wrong type"}}}
	case strings.HasPrefix(err.Error(), unknownAt):
		field := strings.Trim(strings.TrimPrefix(err.Error(), unknownAt), `"`)
		return &fault.Error{Kind: fault.Invalid, Code: "unknown_field",
			Message: fmt.Sprintf("field %q is not part of this request", field),
			Details: []fault.Detail{{Field: field, Message: "unknown field"}}}
	default:
		return fault.New(fault.Invalid, "invalid_json", "the body is not valid JSON")
	}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "slice", "array":
		return "list"
	case "struct", "map":
		return "object"
	case "bool":
		return "boolean"
	default:
		return "number"
	}
}
