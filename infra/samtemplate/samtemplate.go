// Package samtemplate reads the parts of template.yaml that the local stack and
// the structure tests need: the table's keys, indexes and TTL, the bucket's
// CORS rules, and the HTTP routes and policies of each function. Reading them
// from the one template keeps the local stack and the deployed one alike.
package samtemplate

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Template is a parsed template.yaml.
type Template struct {
	Parameters map[string]struct {
		Default string `yaml:"Default"`
	} `yaml:"Parameters"`
	Globals struct {
		Function yaml.Node `yaml:"Function"`
	} `yaml:"Globals"`
	Resources map[string]Resource `yaml:"Resources"`

	refs map[string]string
}

// Resource is one entry of Resources; Properties stay raw until asked for.
type Resource struct {
	Type       string    `yaml:"Type"`
	Metadata   yaml.Node `yaml:"Metadata"`
	Properties yaml.Node `yaml:"Properties"`
}

// Load parses the template at path. Values of !Ref to parameters resolve to
// their defaults unless overrides names them (the local stack sets PortalUrl
// to the local portal, for example).
func Load(path string, overrides map[string]string) (*Template, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read template: %w", err)
	}
	return Parse(b, overrides)
}

// Parse parses template text; see Load.
func Parse(b []byte, overrides map[string]string) (*Template, error) {
	var t Template
	if err := yaml.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("parse template: %w", err)
	}
	t.refs = map[string]string{}
	for name, p := range t.Parameters {
		t.refs[name] = p.Default
	}
	for name := range t.Resources {
		t.refs[name] = name // a !Ref to a resource stands for its logical id here
	}
	for k, v := range overrides {
		t.refs[k] = v
	}
	return &t, nil
}

// decode resolves the intrinsic functions in n and decodes it into out.
func (t *Template) decode(n *yaml.Node, out any) error {
	if err := t.resolve(n); err != nil {
		return err
	}
	return n.Decode(out)
}

var subVar = regexp.MustCompile(`\$\{([^}]+)\}`)

// resolve replaces !Ref, !GetAtt and !Sub scalars in n with plain strings;
// any other tag is an error, because decoding would silently drop it.
func (t *Template) resolve(n *yaml.Node) error {
	for _, c := range n.Content {
		if err := t.resolve(c); err != nil {
			return err
		}
	}
	if !strings.HasPrefix(n.Tag, "!") || strings.HasPrefix(n.Tag, "!!") {
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: %s with a non-scalar argument is not supported here", n.Line, n.Tag)
	}
	switch n.Tag {
	case "!Ref":
		v, ok := t.refs[n.Value]
		if !ok {
			return fmt.Errorf("line %d: !Ref %s names nothing", n.Line, n.Value)
		}
		n.Value = v
	case "!GetAtt":
		// Attributes exist only once deployed: the value stays "Resource.Attr".
	case "!Sub":
		var missing []string
		n.Value = subVar.ReplaceAllStringFunc(n.Value, func(m string) string {
			name := m[2 : len(m)-1]
			if v, ok := t.refs[name]; ok {
				return v
			}
			if strings.Contains(name, ".") || strings.HasPrefix(name, "AWS::") {
				return m
			}
			missing = append(missing, name)
			return m
		})
		if len(missing) > 0 {
			return fmt.Errorf("line %d: !Sub names unknown %v", n.Line, missing)
		}
	default:
		return fmt.Errorf("line %d: tag %s is not supported here", n.Line, n.Tag)
	}
	n.Tag = "!!str"
	return nil
}

// resource returns the resource with the given logical id and type.
func (t *Template) resource(id, typ string) (*Resource, error) {
	r, ok := t.Resources[id]
	if !ok {
		return nil, fmt.Errorf("template has no resource %s", id)
	}
	if r.Type != typ {
		return nil, fmt.Errorf("resource %s is a %s, not a %s", id, r.Type, typ)
	}
	return &r, nil
}

// ResourcesOfType returns the logical ids of every resource of type typ, sorted.
func (t *Template) ResourcesOfType(typ string) []string {
	var ids []string
	for id, r := range t.Resources {
		if r.Type == typ {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}
