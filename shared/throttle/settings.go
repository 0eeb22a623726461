package throttle

import "github.com/partner-portal/portal/shared/config"

// ConfigFrom reads RATE_LIMIT_PER_MINUTE (DefaultConfig where unset).
func ConfigFrom(env *config.Env) Config {
	return Config{PerMinute: env.Int("RATE_LIMIT_PER_MINUTE", DefaultConfig.PerMinute, 1, 1_000_000)}
}
