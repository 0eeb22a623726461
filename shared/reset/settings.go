package reset

import "github.com/partner-portal/portal/shared/config"

// ConfigFrom reads RESET_LINK_TTL, RESET_REQUESTS_PER_HOUR and
// RESET_REQUEST_MIN_DURATION (DefaultConfig where unset).
func ConfigFrom(env *config.Env) Config {
	return Config{
		TTL:         env.Duration("RESET_LINK_TTL", DefaultConfig.TTL),
		PerHour:     env.Int("RESET_REQUESTS_PER_HOUR", DefaultConfig.PerHour, 1, 100),
		MinDuration: env.Duration("RESET_REQUEST_MIN_DURATION", DefaultConfig.MinDuration),
	}
}
