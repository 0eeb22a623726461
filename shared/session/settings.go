package session

import "github.com/partner-portal/portal/shared/config"

// ConfigFrom reads SESSION_IDLE_TIMEOUT and SESSION_LIFETIME (DefaultConfig
// where unset).
func ConfigFrom(env *config.Env) Config {
	return Config{
		IdleTimeout: env.Duration("SESSION_IDLE_TIMEOUT", DefaultConfig.IdleTimeout),
		Lifetime:    env.Duration("SESSION_LIFETIME", DefaultConfig.Lifetime),
		SlideEvery:  DefaultConfig.SlideEvery,
	}
}
