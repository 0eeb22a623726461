package testenv

import (
	"context"
	"slices"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/partner-portal/portal/shared/portal"
)

// Calls records the DynamoDB operations a piece of code makes, and how many
// items they read.
type Calls struct {
	mu    sync.Mutex
	ops   []string
	items int64
}

// CountCalls makes d's DynamoDB client record every operation in the
// returned Calls (the services share d.Store, so they all count).
func CountCalls(d *portal.Deps) *Calls {
	c := &Calls{}
	d.Store.DB = dynamodb.New(d.Store.DB.Options(), func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("countCalls",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					out, md, err := next.HandleInitialize(ctx, in)
					c.mu.Lock()
					c.ops = append(c.ops, awsmiddleware.GetOperationName(ctx))
					c.items += itemsRead(out.Result)
					c.mu.Unlock()
					return out, md, err
				}), middleware.After)
		})
	})
	return c
}

// itemsRead is how many items an operation's answer read.
func itemsRead(result any) int64 {
	switch r := result.(type) {
	case *dynamodb.GetItemOutput:
		if r.Item != nil {
			return 1
		}
	case *dynamodb.QueryOutput:
		return int64(r.ScannedCount)
	case *dynamodb.BatchGetItemOutput:
		var n int64
		for _, items := range r.Responses {
			n += int64(len(items))
		}
		return n
	case *dynamodb.ScanOutput:
		return int64(r.ScannedCount)
	}
	return 0
}

// Reset forgets what was recorded.
func (c *Calls) Reset() { c.mu.Lock(); c.ops, c.items = nil, 0; c.mu.Unlock() }

// ItemsRead is how many items the recorded operations read.
func (c *Calls) ItemsRead() int64 { c.mu.Lock(); defer c.mu.Unlock(); return c.items }

// Ops returns the operations recorded since the last Reset, in order.
func (c *Calls) Ops() []string { c.mu.Lock(); defer c.mu.Unlock(); return slices.Clone(c.ops) }
