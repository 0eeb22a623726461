package samtemplate

import (
	"fmt"
	"slices"
	"strings"
)

// Function is what an AWS::Serverless::Function declares: its build method,
// the HTTP routes API Gateway sends to it, and its IAM statements.
type Function struct {
	LogicalID   string
	BuildMethod string
	Routes      []string // "METHOD /path", sorted
	Statements  []Statement
	EventTypes  []string // every event's Type, sorted
	LogGroup    string   // the logical id its LoggingConfig sends its logs to, or ""
	// Env is the names of the environment variables the function gets: the
	// Globals' and its own, sorted.
	Env []string
}

// Statement is one IAM policy statement, with Action and Resource normalised
// to lists, and its Condition as operator → key → values.
type Statement struct {
	Effect    string
	Action    []string
	Resource  []string
	Condition map[string]map[string][]string
}

type rawFunction struct {
	Events map[string]struct {
		Type       string `yaml:"Type"`
		Properties struct {
			Method string `yaml:"Method"`
			Path   string `yaml:"Path"`
		} `yaml:"Properties"`
	} `yaml:"Events"`
	LoggingConfig struct {
		LogGroup string `yaml:"LogGroup"`
	} `yaml:"LoggingConfig"`
	Environment struct {
		Variables map[string]any `yaml:"Variables"`
	} `yaml:"Environment"`
	Policies []struct {
		Statement []struct {
			Effect    string                    `yaml:"Effect"`
			Action    any                       `yaml:"Action"`
			Resource  any                       `yaml:"Resource"`
			Condition map[string]map[string]any `yaml:"Condition"`
		} `yaml:"Statement"`
	} `yaml:"Policies"`
}

// Functions returns every serverless function of the template, sorted by id.
func (t *Template) Functions() ([]Function, error) {
	var out []Function
	for _, id := range t.ResourcesOfType("AWS::Serverless::Function") {
		r := t.Resources[id]
		var raw rawFunction
		if err := t.decode(&r.Properties, &raw); err != nil {
			return nil, fmt.Errorf("function %s: %w", id, err)
		}
		var meta struct {
			BuildMethod string `yaml:"BuildMethod"`
		}
		if err := r.Metadata.Decode(&meta); err != nil && r.Metadata.Kind != 0 {
			return nil, fmt.Errorf("function %s metadata: %w", id, err)
		}
		f := Function{LogicalID: id, BuildMethod: meta.BuildMethod, LogGroup: raw.LoggingConfig.LogGroup}
		var global struct {
			Environment struct {
				Variables map[string]any `yaml:"Variables"`
			} `yaml:"Environment"`
		}
		if err := t.decode(&t.Globals.Function, &global); err != nil {
			return nil, fmt.Errorf("globals: %w", err)
		}
		for name := range global.Environment.Variables {
			f.Env = append(f.Env, name)
		}
		for name := range raw.Environment.Variables {
			if !slices.Contains(f.Env, name) {
				f.Env = append(f.Env, name)
			}
		}
		slices.Sort(f.Env)
		for _, ev := range raw.Events {
			f.EventTypes = append(f.EventTypes, ev.Type)
			if ev.Type == "HttpApi" {
				f.Routes = append(f.Routes, strings.ToUpper(ev.Properties.Method)+" "+ev.Properties.Path)
			}
		}
		slices.Sort(f.Routes)
		slices.Sort(f.EventTypes)
		for _, p := range raw.Policies {
			for _, s := range p.Statement {
				st := Statement{Effect: s.Effect, Action: strings1(s.Action), Resource: strings1(s.Resource)}
				for op, keys := range s.Condition {
					if st.Condition == nil {
						st.Condition = map[string]map[string][]string{}
					}
					st.Condition[op] = map[string][]string{}
					for k, v := range keys {
						st.Condition[op][k] = strings1(v)
					}
				}
				f.Statements = append(f.Statements, st)
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// strings1 turns a YAML scalar-or-list into a list of strings.
func strings1(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, fmt.Sprint(e))
		}
		return out
	default:
		return nil
	}
}

// LogGroup is what an AWS::Logs::LogGroup declares.
type LogGroup struct {
	LogGroupName    string `yaml:"LogGroupName"`
	RetentionInDays int    `yaml:"RetentionInDays"` // 0: kept for ever
}

// LogGroup returns the log group resource with the given logical id.
func (t *Template) LogGroup(id string) (*LogGroup, error) {
	r, err := t.resource(id, "AWS::Logs::LogGroup")
	if err != nil {
		return nil, err
	}
	var g LogGroup
	if err := t.decode(&r.Properties, &g); err != nil {
		return nil, err
	}
	return &g, nil
}
