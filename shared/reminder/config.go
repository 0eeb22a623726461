package reminder

import (
	"fmt"

	"github.com/partner-portal/portal/shared/config"
)

// ConfigFrom reads the job's settings: REMINDER_THRESHOLDS,
// REMINDER_SEND_RATE and REMINDER_CATCH_UP_DAYS (DefaultConfig where unset).
// Malformed numbers are reported by env.Err; malformed thresholds here.
func ConfigFrom(env *config.Env) (Config, error) {
	c := DefaultConfig
	if v := env.String("REMINDER_THRESHOLDS", ""); v != "" {
		t, err := ParseThresholds(v)
		if err != nil {
			return c, fmt.Errorf("REMINDER_THRESHOLDS: %w", err)
		}
		c.Thresholds = t
	}
	c.SendRate = float64(env.Int("REMINDER_SEND_RATE", int(DefaultConfig.SendRate), 1, 1000))
	c.CatchUpDays = env.Int("REMINDER_CATCH_UP_DAYS", DefaultConfig.CatchUpDays, 0, 60)
	return c, nil
}
