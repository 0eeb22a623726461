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

// Calls records the DynamoDB operations a piece of code makes.
type Calls struct {
	mu  sync.Mutex
	ops []string
}

// CountCalls makes d's DynamoDB client record every operation in the
// returned Calls (the services share d.Store, so they all count).
func CountCalls(d *portal.Deps) *Calls {
	c := &Calls{}
	d.Store.DB = dynamodb.New(d.Store.DB.Options(), func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("countCalls",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					c.mu.Lock()
					c.ops = append(c.ops, awsmiddleware.GetOperationName(ctx))
					c.mu.Unlock()
					return next.HandleInitialize(ctx, in)
				}), middleware.After)
		})
	})
	return c
}

// Reset forgets what was recorded.
func (c *Calls) Reset() { c.mu.Lock(); c.ops = nil; c.mu.Unlock() }

// Ops returns the operations recorded since the last Reset, in order.
func (c *Calls) Ops() []string { c.mu.Lock(); defer c.mu.Unlock(); return slices.Clone(c.ops) }
