package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/partner-portal/portal/shared/config"
)

func TestEveryProblemIsNamed(t *testing.T) {
	env := config.FromMap(map[string]string{
		"PORTAL_URL": "ftp://portal.example",
		"MAIL_FROM":  "Portal <no-reply@portal.example>",
		"IDLE":       "soon",
		"ATTEMPTS":   "0",
		"COMPOSE":    "maybe",
		"LEVEL":      "loud",
	})
	env.Required("TABLE_NAME")
	env.URL("PORTAL_URL")
	env.Email("MAIL_FROM")
	env.Duration("IDLE", time.Minute)
	env.Int("ATTEMPTS", 5, 1, 100)
	env.Bool("COMPOSE", false)
	env.OneOf("LEVEL", "info", "info", "warn")
	err := env.Err()
	if err == nil {
		t.Fatal("Err() = nil; want every problem")
	}
	for _, name := range []string{"TABLE_NAME", "PORTAL_URL", "MAIL_FROM", "IDLE", "ATTEMPTS", "COMPOSE", "LEVEL"} {
		if !strings.Contains(err.Error(), name+":") {
			t.Errorf("Err() = %q; does not name %s", err, name)
		}
	}
}

func TestValuesAndDefaults(t *testing.T) {
	env := config.FromMap(map[string]string{
		"PORTAL_URL": "https://portal.example/",
		"MAIL_FROM":  "no-reply@portal.example",
		"IDLE":       "45m",
		"ATTEMPTS":   " 7 ",
		"TYPES":      "pdf, png,,jpeg",
	})
	if got := env.URL("PORTAL_URL"); got != "https://portal.example" {
		t.Errorf("URL = %q; want the trailing slash dropped", got)
	}
	if got := env.Email("MAIL_FROM"); got != "no-reply@portal.example" {
		t.Errorf("Email = %q", got)
	}
	if got := env.Duration("IDLE", time.Minute); got != 45*time.Minute {
		t.Errorf("Duration = %v", got)
	}
	if got := env.Duration("UNSET", time.Minute); got != time.Minute {
		t.Errorf("Duration default = %v", got)
	}
	if got := env.Int("ATTEMPTS", 5, 1, 100); got != 7 {
		t.Errorf("Int = %d", got)
	}
	if got := strings.Join(env.List("TYPES", nil), "|"); got != "pdf|png|jpeg" {
		t.Errorf("List = %q", got)
	}
	if err := env.Err(); err != nil {
		t.Errorf("Err() = %v; want nil", err)
	}
}
