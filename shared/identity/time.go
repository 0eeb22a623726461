package identity

import "time"

// timeFormat is how the API writes times: RFC 3339 in UTC.
const timeFormat = time.RFC3339

func unix(sec int64) time.Time { return time.Unix(sec, 0).UTC() }
