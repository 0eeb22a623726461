package mail

import (
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// The email templates are written in a small, strict subset of Go's
// template syntax, parsed and rendered here rather than by text/template and
// html/template: those call methods through reflection
// (reflect.Value.MethodByName), which makes the linker keep every exported
// method of every type a program can reach — the whole SES and DynamoDB
// client APIs in every function that sends mail. The subset:
//
//	{{define "NAME.part"}} … {{end}}   at the top of a file; nothing else there but white space
//	{{.Field}}                          a string or an int from Message.Data
//	{{if COND}} … {{else if COND}} … {{else}} … {{end}}
//
// where COND is .Field (a true bool, a non-empty string, a non-zero int),
// not .Field, or eq .Field "text" (a string). Anything else is an error when
// the Sender is built, and so is a value in an HTML template anywhere but in
// element text or as the whole of a double-quoted href.

// email is one parsed template: its three parts and what each field of its
// data must be.
type email struct {
	subject, text, html []node
	fields              map[string]use
}

// nodeKind says what a node is.
type nodeKind int

const (
	literal nodeKind = iota // text copied as it is
	value                   // {{.Field}}
	branch                  // {{if}}
)

// escaping says how a value is written into its part.
type escaping int

const (
	raw      escaping = iota // subject and text body
	htmlText                 // element content of the HTML body
	htmlURL                  // the whole value of a double-quoted href
)

// node is a piece of a part: a literal, a value or a branch.
type node struct {
	kind      nodeKind
	text      string   // literal
	field     string   // value, branch
	esc       escaping // value
	cond      cond     // branch
	then, alt []node   // branch: the nodes when cond holds and when not
}

// cond is the test of an {{if}}.
type cond struct {
	not bool   // not .Field
	eq  bool   // eq .Field "lit"
	lit string // eq's literal
}

// use records how a template uses a field, which decides the values it
// accepts.
type use uint8

const (
	printed  use = 1 << iota // string or int
	tested                   // bool, string or int
	compared                 // string
	linked                   // string holding an absolute http(s) URL
)

// parseTemplates reads every NAME.txt (defining NAME.subject and NAME.text)
// and NAME.html (defining NAME.html) in dir of fsys. Each NAME must have
// both files, and each file exactly its parts.
func parseTemplates(fsys fs.FS, dir string) (map[string]*email, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read templates: %w", err)
	}
	emails := map[string]*email{}
	for _, ent := range entries {
		name, ext := strings.TrimSuffix(ent.Name(), path.Ext(ent.Name())), path.Ext(ent.Name())
		if ext != ".txt" && ext != ".html" {
			return nil, fmt.Errorf("template %s: not a .txt or .html file", ent.Name())
		}
		src, err := fs.ReadFile(fsys, path.Join(dir, ent.Name()))
		if err != nil {
			return nil, fmt.Errorf("read template %s: %w", ent.Name(), err)
		}
		e := emails[name]
		if e == nil {
			e = &email{}
			emails[name] = e
		}
		if err := e.parseFile(name, ext, string(src)); err != nil {
			return nil, fmt.Errorf("template %s: %w", ent.Name(), err)
		}
	}
	for name, e := range emails {
		if e.subject == nil || e.html == nil {
			return nil, fmt.Errorf("template %s: want both %[1]s.txt and %[1]s.html", name)
		}
		e.fields = map[string]use{}
		for _, part := range [][]node{e.subject, e.text, e.html} {
			collectUses(part, e.fields)
		}
	}
	return emails, nil
}

// parseFile parses one file of e and, for the HTML body, decides how each
// value is escaped.
func (e *email) parseFile(name, ext, src string) error {
	defs, err := parseDefines(src)
	if err != nil {
		return err
	}
	want := []string{name + ".subject", name + ".text"}
	if ext == ".html" {
		want = []string{name + ".html"}
	}
	if len(defs) != len(want) {
		return fmt.Errorf("defines %d templates; want exactly %s", len(defs), strings.Join(want, " and "))
	}
	for _, w := range want {
		if defs[w] == nil {
			return fmt.Errorf("does not define %q", w)
		}
	}
	if ext == ".html" {
		e.html = defs[name+".html"]
		if err := escapeHTML(e.html); err != nil {
			return err
		}
	} else {
		e.subject, e.text = defs[name+".subject"], defs[name+".text"]
	}
	return nil
}

// collectUses adds to fields how nodes use each field.
func collectUses(nodes []node, fields map[string]use) {
	for _, n := range nodes {
		switch n.kind {
		case value:
			fields[n.field] |= printed
			if n.esc == htmlURL {
				fields[n.field] |= linked
			}
		case branch:
			fields[n.field] |= tested
			if n.cond.eq {
				fields[n.field] |= compared
			}
			collectUses(n.then, fields)
			collectUses(n.alt, fields)
		}
	}
}

// parser turns a file's text into nodes.
type parser struct {
	src string
	pos int
}

// parseDefines returns the parts a file defines. Outside {{define}} only
// white space is allowed.
func parseDefines(src string) (map[string][]node, error) {
	p := &parser{src: src}
	defs := map[string][]node{}
	for {
		text, action, ok, err := p.next()
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(text) != "" {
			return nil, fmt.Errorf("text outside {{define}}: %.20q", strings.TrimSpace(text))
		}
		if !ok {
			return defs, nil
		}
		rest, found := strings.CutPrefix(action, "define ")
		if !found {
			return nil, fmt.Errorf("{{%s}} outside {{define}}", action)
		}
		name, err := strconv.Unquote(strings.TrimSpace(rest))
		if err != nil || name == "" || !strings.HasPrefix(strings.TrimSpace(rest), `"`) {
			return nil, fmt.Errorf("{{%s}}: want a double-quoted name", action)
		}
		if _, dup := defs[name]; dup {
			return nil, fmt.Errorf("%q defined twice", name)
		}
		nodes, end, err := p.list()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if end != "end" {
			return nil, fmt.Errorf("%s: {{%s}} outside {{if}}", name, end)
		}
		if nodes == nil {
			nodes = []node{}
		}
		defs[name] = nodes
	}
}

// next returns the text up to the next action and the action's words
// trimmed; ok is false at the end of the source.
func (p *parser) next() (text, action string, ok bool, err error) {
	start := strings.Index(p.src[p.pos:], "{{")
	if start < 0 {
		text, p.pos = p.src[p.pos:], len(p.src)
		return text, "", false, nil
	}
	text = p.src[p.pos : p.pos+start]
	open := p.pos + start + 2
	end := strings.Index(p.src[open:], "}}")
	if end < 0 {
		return "", "", false, fmt.Errorf("unclosed {{ at byte %d", open-2)
	}
	action, p.pos = p.src[open:open+end], open+end+2
	if action != strings.TrimSpace(action) || action == "" {
		return "", "", false, fmt.Errorf("{{%s}}: no spaces or trim markers inside the braces", action)
	}
	return text, action, true, nil
}

// list parses nodes up to an {{end}}, {{else}} or {{else if …}}, which it
// returns as end.
func (p *parser) list() (nodes []node, end string, err error) {
	for {
		text, action, ok, err := p.next()
		if err != nil {
			return nil, "", err
		}
		if text != "" {
			nodes = append(nodes, node{kind: literal, text: text})
		}
		if !ok {
			return nil, "", fmt.Errorf("missing {{end}}")
		}
		switch {
		case action == "end" || action == "else" || strings.HasPrefix(action, "else if "):
			return nodes, action, nil
		case strings.HasPrefix(action, "if "):
			n, err := p.branch(strings.TrimPrefix(action, "if "))
			if err != nil {
				return nil, "", err
			}
			nodes = append(nodes, n)
		default:
			f, err := fieldName(action)
			if err != nil {
				return nil, "", fmt.Errorf("{{%s}}: %w", action, err)
			}
			nodes = append(nodes, node{kind: value, field: f})
		}
	}
}

// branch parses an {{if test}} after its action, up to and with its {{end}}.
func (p *parser) branch(test string) (node, error) {
	n := node{kind: branch}
	var err error
	if n.field, n.cond, err = parseCond(test); err != nil {
		return node{}, fmt.Errorf("{{if %s}}: %w", test, err)
	}
	then, end, err := p.list()
	if err != nil {
		return node{}, err
	}
	n.then = then
	switch {
	case end == "end":
	case end == "else":
		alt, end, err := p.list()
		if err != nil {
			return node{}, err
		}
		if end != "end" {
			return node{}, fmt.Errorf("{{%s}} after {{else}}", end)
		}
		n.alt = alt
	default: // else if: a branch in the else part, closed by the same {{end}}
		inner, err := p.branch(strings.TrimPrefix(end, "else if "))
		if err != nil {
			return node{}, err
		}
		n.alt = []node{inner}
	}
	return n, nil
}

// parseCond parses .Field, not .Field or eq .Field "text".
func parseCond(s string) (string, cond, error) {
	var c cond
	if rest, ok := strings.CutPrefix(s, "not "); ok {
		c.not, s = true, rest
	} else if rest, ok := strings.CutPrefix(s, "eq "); ok {
		f, lit, ok := strings.Cut(rest, " ")
		if !ok || !strings.HasPrefix(lit, `"`) {
			return "", cond{}, fmt.Errorf(`want eq .Field "text"`)
		}
		unq, err := strconv.Unquote(lit)
		if err != nil {
			return "", cond{}, fmt.Errorf(`want eq .Field "text": %w`, err)
		}
		c.eq, c.lit, s = true, unq, f
	}
	f, err := fieldName(s)
	return f, c, err
}

// fieldName returns the name of a single .Field reference.
func fieldName(s string) (string, error) {
	name, ok := strings.CutPrefix(s, ".")
	if !ok || name == "" {
		return "", fmt.Errorf("want .Field, if, else or end")
	}
	for i, r := range name {
		letter := r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z'
		if !letter && (i == 0 || r < '0' || r > '9') {
			return "", fmt.Errorf("want .Field, if, else or end")
		}
	}
	return name, nil
}
