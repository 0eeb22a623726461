package profile_test

import (
	"net/http"

	"github.com/partner-portal/portal/shared/portal"
)

func portalHandler(e *env) http.Handler { return portal.Handler(e.d, portal.AllRoutes(e.d)) }
