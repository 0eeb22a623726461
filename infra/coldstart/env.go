package coldstart

import (
	"net"
	"sync/atomic"
)

// Env is the environment every binary starts with, functions and references
// alike: what template.yaml gives every function today, the variables Lambda
// itself sets that the SDK reads, dummy credentials, and every AWS endpoint
// pointed at endpoint (a Sink), so that nothing a function might send at init
// can leave the machine.
func Env(endpoint string) []string {
	return []string{
		"AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=coldstart",
		"AWS_SECRET_ACCESS_KEY=coldstart",
		"AWS_SESSION_TOKEN=coldstart",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_ENDPOINT_URL=" + endpoint,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"TZ=:UTC",
		"TABLE_NAME=partner-portal",
		"BUCKET_NAME=partner-portal-evidence",
		"PORTAL_URL=https://portal.example",
		"MAIL_FROM=no-reply@portal.example",
		"SES_CONFIGURATION_SET=partner-portal",
		"LOG_LEVEL=info",
	}
}

// Sink is the loopback listener the AWS endpoints point at during the
// measurement. It counts every connection and closes it at once: a function
// that talks to AWS while it starts shows up here instead of on the network.
type Sink struct {
	ln    net.Listener
	conns atomic.Int64
}

// StartSink listens on a free loopback port until Close.
func StartSink() (*Sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Sink{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return // closed
			}
			s.conns.Add(1)
			c.Close()
		}
	}()
	return s, nil
}

// URL is the endpoint to give the SDK.
func (s *Sink) URL() string { return "http://" + s.ln.Addr().String() }

// Conns is how many connections arrived so far.
func (s *Sink) Conns() int64 { return s.conns.Load() }

// Close stops listening.
func (s *Sink) Close() error { return s.ln.Close() }
