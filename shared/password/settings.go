package password

import "github.com/partner-portal/portal/shared/config"

// ParamsFrom reads the hashing cost: ARGON2_MEMORY_KIB, ARGON2_ITERATIONS and
// ARGON2_PARALLELISM (DefaultParams where unset).
func ParamsFrom(env *config.Env) Params {
	return Params{
		MemoryKiB:   uint32(env.Int("ARGON2_MEMORY_KIB", int(DefaultParams.MemoryKiB), 8192, 1<<20)),
		Iterations:  uint32(env.Int("ARGON2_ITERATIONS", int(DefaultParams.Iterations), 1, 10)),
		Parallelism: uint8(env.Int("ARGON2_PARALLELISM", int(DefaultParams.Parallelism), 1, 8)),
	}
}

// PolicyFrom reads the password policy: PASSWORD_MIN_LENGTH,
// PASSWORD_COMPOSITION_RULES and PASSWORD_HISTORY (DefaultPolicy where
// unset), checking common passwords with guesser.
func PolicyFrom(env *config.Env, guesser Guesser) Policy {
	return Policy{
		MinLength:   env.Int("PASSWORD_MIN_LENGTH", DefaultPolicy.MinLength, 8, 64),
		MaxLength:   DefaultPolicy.MaxLength,
		Composition: env.Bool("PASSWORD_COMPOSITION_RULES", DefaultPolicy.Composition),
		History:     env.Int("PASSWORD_HISTORY", DefaultPolicy.History, 0, 24),
		Guesser:     guesser,
	}
}
