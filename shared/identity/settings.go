package identity

import (
	"github.com/partner-portal/portal/shared/config"
	"github.com/partner-portal/portal/shared/password"
)

// LockoutFrom reads LOCKOUT_THRESHOLD and LOCKOUT_DURATION (DefaultLockout
// where unset).
func LockoutFrom(env *config.Env) Lockout {
	return Lockout{
		Threshold: env.Int("LOCKOUT_THRESHOLD", DefaultLockout.Threshold, 1, 100),
		Duration:  env.Duration("LOCKOUT_DURATION", DefaultLockout.Duration),
	}
}

// VerificationFrom reads VERIFY_LINK_TTL, VERIFY_REQUESTS_PER_HOUR and
// SIGNUP_MIN_DURATION (DefaultVerification where unset).
func VerificationFrom(env *config.Env) Verification {
	return Verification{
		TTL:         env.Duration("VERIFY_LINK_TTL", DefaultVerification.TTL),
		PerHour:     env.Int("VERIFY_REQUESTS_PER_HOUR", DefaultVerification.PerHour, 1, 100),
		MinDuration: env.Duration("SIGNUP_MIN_DURATION", DefaultVerification.MinDuration),
	}
}

// Settings are the identity service's settings.
type Settings struct {
	Argon2       password.Params
	Policy       password.Policy
	Lockout      Lockout
	Verification Verification
}

// SettingsFrom reads the Settings: the hashing cost, the password policy
// (checking common passwords with guesser), the lockout and the sign-up
// confirmation.
func SettingsFrom(env *config.Env, guesser password.Guesser) Settings {
	return Settings{
		Argon2:       password.ParamsFrom(env),
		Policy:       password.PolicyFrom(env, guesser),
		Lockout:      LockoutFrom(env),
		Verification: VerificationFrom(env),
	}
}
