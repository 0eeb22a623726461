//go:build !unix

package coldstart

import "os"

// maxRSS is not known outside Unix.
func maxRSS(*os.ProcessState) int64 { return 0 }
