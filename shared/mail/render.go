package mail

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// htmlContext is where the HTML body's text has got to, as far as escaping
// a value goes.
type htmlContext struct {
	state  int    // inText, inTagName, inTag or inValue
	attr   string // inTag: the name being read; inValue: the attribute's
	equals bool   // inTag: after attr=, before its value
	filled bool   // inValue: the value has content
	link   bool   // inValue: a value filled it, and nothing may follow
}

const (
	inText    = iota // element content
	inTagName        // the name after < or </
	inTag            // after the name, before >, outside attribute values
	inValue          // inside a double-quoted attribute value
)

// escapeHTML decides how each value of an HTML body is escaped: as text in
// element content, or as a URL when it is the whole of a double-quoted
// href. A value anywhere else, a branch whose two sides end in different
// contexts, and markup this check does not follow (comments, script, style,
// single-quoted or unquoted attributes) are errors.
func escapeHTML(nodes []node) error {
	end, err := walkHTML(nodes, htmlContext{})
	if err != nil {
		return err
	}
	if end != (htmlContext{}) {
		return errors.New("html ends inside a tag")
	}
	return nil
}

func walkHTML(nodes []node, c htmlContext) (htmlContext, error) {
	var err error
	for i := range nodes {
		n := &nodes[i]
		switch n.kind {
		case literal:
			if c, err = scanHTML(n.text, c); err != nil {
				return c, err
			}
		case value:
			switch {
			case c.state == inText:
				n.esc = htmlText
			case c.state == inValue && c.attr == "href" && !c.filled:
				n.esc, c.filled, c.link = htmlURL, true, true
			default:
				return c, fmt.Errorf("{{.%s}}: a value goes in element text or as a whole href=\"…\"", n.field)
			}
		case branch:
			then, err := walkHTML(n.then, c)
			if err != nil {
				return c, err
			}
			alt, err := walkHTML(n.alt, c)
			if err != nil {
				return c, err
			}
			if then != alt {
				return c, fmt.Errorf("{{if .%s}}: its branches end in different HTML contexts", n.field)
			}
			c = then
		}
	}
	return c, nil
}

// rawElement says whether s (lower case) starts a comment or an element
// whose content HTML does not parse as usual; the templates have no use for
// them.
func rawElement(s string) bool {
	for _, e := range []string{"<!--", "<script", "<style", "<textarea", "<title", "<xmp", "<iframe", "<noscript", "<plaintext", "<noembed", "<noframes"} {
		if strings.HasPrefix(s, e) {
			return true
		}
	}
	return false
}

// scanHTML follows literal HTML from context c.
func scanHTML(s string, c htmlContext) (htmlContext, error) {
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch c.state {
		case inText:
			if ch != '<' {
				continue
			}
			rest := strings.ToLower(s[i:])
			if rawElement(rest) {
				return c, fmt.Errorf("html: %.12q is not allowed in a template", s[i:])
			}
			if strings.HasPrefix(rest, "<!") { // html/template reads it as text
				if !strings.HasPrefix(rest, "<!doctype html>") {
					return c, fmt.Errorf("html: %.12q: the only <! is <!doctype html>", s[i:])
				}
				i += len("<!doctype html>") - 1
				continue
			}
			name := strings.TrimPrefix(rest[1:], "/")
			if name == "" || name[0] < 'a' || name[0] > 'z' {
				return c, fmt.Errorf("html: a bare < (write &lt;)")
			}
			c = htmlContext{state: inTagName}
			i += len(rest) - len(name) // to the name's first letter
		case inTagName:
			switch {
			case ch == '>':
				c = htmlContext{}
			case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
				c = htmlContext{state: inTag}
			case !nameByte(ch):
				return c, fmt.Errorf("html: tag names are letters, digits and -")
			}
		case inTag:
			var err error
			if c, err = scanTag(ch, c); err != nil {
				return c, err
			}
		case inValue:
			switch {
			case ch == '"':
				c = htmlContext{state: inTag}
			case c.link:
				return c, fmt.Errorf("html: text after a value in href")
			default:
				c.filled = true
			}
		}
	}
	return c, nil
}

// scanTag follows one byte inside a tag.
func scanTag(ch byte, c htmlContext) (htmlContext, error) {
	switch {
	case ch == '>' && !c.equals:
		return htmlContext{}, nil
	case ch == '"' && c.equals:
		return htmlContext{state: inValue, attr: c.attr}, nil
	case ch == '=' && !c.equals && c.attr != "":
		c.equals = true
	case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
		if !c.equals {
			c.attr = ""
		}
	case c.equals || !nameByte(ch):
		return c, fmt.Errorf("html: attribute values are double-quoted, names letters, digits and -")
	default:
		c.attr += strings.ToLower(string(ch))
	}
	return c, nil
}

func nameByte(ch byte) bool {
	return ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-'
}

// check validates data against the fields of e: every field present,
// nothing else, and each value of a type its uses allow.
func (e *email) check(data map[string]any) error {
	for k := range data {
		if _, ok := e.fields[k]; !ok {
			return fmt.Errorf("data %q: the template does not use it", k)
		}
	}
	for f, u := range e.fields {
		v, ok := data[f]
		if !ok {
			return fmt.Errorf("data %q: missing", f)
		}
		if err := checkValue(v, u); err != nil {
			return fmt.Errorf("data %q: %w", f, err)
		}
	}
	return nil
}

// checkValue says whether v suits the uses u.
func checkValue(v any, u use) error {
	switch v := v.(type) {
	case string:
		if u&linked != 0 {
			return checkURL(v)
		}
	case int:
		if u&(compared|linked) != 0 {
			return errors.New("an int where a string is needed")
		}
	case bool:
		if u&^tested != 0 {
			return errors.New("a bool where a string or an int is needed")
		}
	default:
		return fmt.Errorf("a %T; want a string, an int or a bool", v)
	}
	return nil
}

// checkURL accepts an absolute http or https URL with a host.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("not an absolute http(s) URL")
	}
	return nil
}

// render writes nodes with data, which check has accepted.
func render(b *strings.Builder, nodes []node, data map[string]any) {
	for _, n := range nodes {
		switch n.kind {
		case literal:
			b.WriteString(n.text)
		case value:
			s, _ := data[n.field].(string)
			if i, ok := data[n.field].(int); ok {
				s = strconv.Itoa(i)
			}
			switch n.esc {
			case raw:
				b.WriteString(s)
			case htmlText:
				b.WriteString(escapeText(s))
			case htmlURL:
				b.WriteString(escapeText(normalizeURL(s)))
			}
		case branch:
			if holds(n.cond, data[n.field]) {
				render(b, n.then, data)
			} else {
				render(b, n.alt, data)
			}
		}
	}
}

// holds evaluates an {{if}}'s condition on the field's value v.
func holds(c cond, v any) bool {
	var truth bool
	switch v := v.(type) {
	case bool:
		truth = v
	case string:
		truth = v != ""
		if c.eq {
			return v == c.lit
		}
	case int:
		truth = v != 0
	}
	return truth != c.not
}

// escapeText escapes s for HTML element content or a double-quoted
// attribute value, as html/template does: the five markup characters, '+'
// (a UTF-7 guard) and NUL.
func escapeText(s string) string {
	if !strings.ContainsAny(s, "\x00\"&'+<>") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case 0:
			b.WriteString("\uFFFD")
		case '"':
			b.WriteString("&#34;")
		case '&':
			b.WriteString("&amp;")
		case '\'':
			b.WriteString("&#39;")
		case '+':
			b.WriteString("&#43;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// normalizeURL percent-encodes the bytes of s that may not stand in a URL,
// leaving reserved characters and valid escapes, as html/template does.
func normalizeURL(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("-._~!#$&*+,/:;=?@[]", c) >= 0:
			b.WriteByte(c)
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02x", c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
