// Command initprobe links the strength package and does nothing with it,
// so that its start shows what the package costs a function that never
// checks a password (TestNoWorkAtInit runs it with GODEBUG=inittrace=1).
package main

import (
	"fmt"

	"github.com/partner-portal/portal/shared/strength"
)

func main() {
	var g interface {
		Guesses(pw string, userInputs []string) float64
	} = &strength.Estimator{}
	fmt.Printf("%T\n", g)
}
