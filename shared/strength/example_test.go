package strength_test

import (
	"fmt"

	"github.com/partner-portal/portal/shared/strength"
)

func ExampleEstimator_Guesses() {
	var e strength.Estimator
	fmt.Println(e.Guesses("P@ssw0rd1987", nil) >= 1e10)
	fmt.Println(e.Guesses("glacier orchard velvet compass", []string{"pat"}) >= 1e10)
	// Output:
	// false
	// true
}
