// Package localstack installs and runs the local stand-ins for the portal's
// AWS services: DynamoDB Local (AWS's own jar, from the npm package
// amplify-dynamodb-simulator), MinIO for S3 (built with go install) and
// aws-ses-v2-local for SES. Downloads go to a git-ignored cache so the second
// start is fast. Each service runs in its own process group, dies with its
// parent (Pdeathsig) and is stopped with the stack, so nothing is orphaned.
package localstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Pinned versions of the local services (DESIGN.md section 6).
const (
	DynamoDBPackage = "amplify-dynamodb-simulator@2.9.30"
	SESPackage      = "aws-ses-v2-local@2.10.2"
	MinIOModule     = "github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c"
)

// Credentials the local services accept; MinIO is started with them.
const (
	AccessKey = "portallocal" // DynamoDB Local accepts letters and digits only
	SecretKey = "portallocalsecret"
	Region    = "us-east-1"
)

// Options choose the ports and where downloads are cached. A zero port means
// any free one.
type Options struct {
	CacheDir     string
	DynamoDBPort int
	S3Port       int
	S3Console    int
	SESPort      int
	// CORSOrigins are the origins MinIO allows for browser uploads (from the
	// bucket's CORS rules in template.yaml).
	CORSOrigins []string
	// Output receives the services' own output; nil discards it.
	Output io.Writer
}

// Stack is a running set of local services.
type Stack struct {
	DynamoDB string // endpoint URLs
	S3       string
	S3Web    string // MinIO console
	SES      string

	procs   []*exec.Cmd
	dataDir string
	once    sync.Once
}

// Start installs what is missing and starts the three services, waiting until
// each answers. On error, whatever was started is stopped again.
func Start(ctx context.Context, o Options) (*Stack, error) {
	if o.CacheDir == "" {
		dir, err := DefaultCacheDir()
		if err != nil {
			return nil, err
		}
		o.CacheDir = dir
	}
	if o.Output == nil {
		o.Output = io.Discard
	}
	bins, err := installAll(ctx, o.CacheDir, o.Output)
	if err != nil {
		return nil, err
	}
	if err := freePorts(&o.DynamoDBPort, &o.S3Port, &o.S3Console, &o.SESPort); err != nil {
		return nil, err
	}
	data, err := os.MkdirTemp("", "portal-stack-")
	if err != nil {
		return nil, fmt.Errorf("stack data dir: %w", err)
	}
	s := &Stack{
		DynamoDB: "http://127.0.0.1:" + strconv.Itoa(o.DynamoDBPort),
		S3:       "http://127.0.0.1:" + strconv.Itoa(o.S3Port),
		S3Web:    "http://127.0.0.1:" + strconv.Itoa(o.S3Console),
		SES:      "http://127.0.0.1:" + strconv.Itoa(o.SESPort),
		dataDir:  data,
	}
	if err := s.launch(ctx, s.services(o, bins)); err != nil {
		return nil, err
	}
	return s, nil
}

// binaries are where the three services were installed.
type binaries struct {
	dynamoDBDir string
	sesCLI      string
	minio       string
}

// installAll installs whichever of the three services the cache lacks.
func installAll(ctx context.Context, cacheDir string, out io.Writer) (binaries, error) {
	var in binaries
	var err error
	if in.dynamoDBDir, err = installDynamoDB(ctx, cacheDir, out); err != nil {
		return in, err
	}
	if in.sesCLI, err = installSES(ctx, cacheDir, out); err != nil {
		return in, err
	}
	if in.minio, err = installMinIO(ctx, cacheDir, out); err != nil {
		return in, err
	}
	return in, nil
}

// service is one local service: its command and the URL that answers once
// it is ready.
type service struct {
	name  string
	cmd   *exec.Cmd
	ready string
}

// services are the commands that run the three services on o's ports, with
// their data under the stack's data directory.
func (s *Stack) services(o Options, bins binaries) []service {
	corsOrigins := "*"
	if len(o.CORSOrigins) > 0 {
		corsOrigins = strings.Join(o.CORSOrigins, ",")
	}
	ddb := command(o.Output, nil, "java",
		"-Djava.library.path="+filepath.Join(bins.dynamoDBDir, "DynamoDBLocal_lib"),
		"-jar", filepath.Join(bins.dynamoDBDir, "DynamoDBLocal.jar"),
		"-inMemory", "-sharedDb", "-disableTelemetry", "-port", strconv.Itoa(o.DynamoDBPort))
	// DynamoDB Local writes a metadata file into its working directory.
	ddb.Dir = s.dataDir
	return []service{
		{"dynamodb", ddb, s.DynamoDB},
		{"minio", command(o.Output, []string{
			"MINIO_ROOT_USER=" + AccessKey, "MINIO_ROOT_PASSWORD=" + SecretKey,
			"MINIO_UPDATE=off", "MINIO_API_CORS_ALLOW_ORIGIN=" + corsOrigins,
			"MINIO_REGION=" + Region,
		}, bins.minio, "server", filepath.Join(s.dataDir, "s3"), "--quiet",
			"--address", "127.0.0.1:"+strconv.Itoa(o.S3Port),
			"--console-address", "127.0.0.1:"+strconv.Itoa(o.S3Console)),
			s.S3 + "/minio/health/live"},
		{"ses", command(o.Output, nil, "node", bins.sesCLI, "--host", "127.0.0.1", "--port", strconv.Itoa(o.SESPort)),
			s.SES + "/health-check"},
	}
}

// launch starts every service, then waits until each answers; on error it
// stops whatever it started.
func (s *Stack) launch(ctx context.Context, services []service) error {
	for _, sv := range services {
		if err := sv.cmd.Start(); err != nil {
			s.Stop()
			return fmt.Errorf("start %s: %w", sv.name, err)
		}
		s.procs = append(s.procs, sv.cmd)
	}
	for _, sv := range services {
		if err := waitHTTP(ctx, sv.ready, 90*time.Second); err != nil {
			s.Stop()
			return fmt.Errorf("%s did not answer at %s: %w", sv.name, sv.ready, err)
		}
	}
	return nil
}

// Env returns the environment that points the AWS SDK at the stack: the
// standard AWS_ENDPOINT_URL_<SERVICE> variables and local credentials.
func (s *Stack) Env() map[string]string {
	return map[string]string{
		"AWS_ENDPOINT_URL_DYNAMODB": s.DynamoDB,
		"AWS_ENDPOINT_URL_S3":       s.S3,
		"AWS_ENDPOINT_URL_SES":      s.SES,
		"AWS_ACCESS_KEY_ID":         AccessKey,
		"AWS_SECRET_ACCESS_KEY":     SecretKey,
		"AWS_REGION":                Region,
		"AWS_EC2_METADATA_DISABLED": "true",
		"S3_FORCE_PATH_STYLE":       "true",
		"SES_LOCAL_STORE":           s.SES + "/store",
	}
}

// Stop ends every service (SIGTERM to its process group, SIGKILL after five
// seconds) and removes MinIO's data. It is safe to call more than once.
func (s *Stack) Stop() {
	s.once.Do(func() {
		var wg sync.WaitGroup
		for _, c := range s.procs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				stopGroup(c)
			}()
		}
		wg.Wait()
		if s.dataDir != "" {
			_ = os.RemoveAll(s.dataDir)
		}
	})
}

func command(out io.Writer, env []string, name string, args ...string) *exec.Cmd {
	c := exec.Command(name, args...)
	c.Env = append(os.Environ(), env...)
	c.Stdout, c.Stderr = out, out
	// Own process group, so a terminal's Ctrl-C reaches us and we stop the
	// service in order; killed if we die without stopping it.
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	return c
}

func stopGroup(c *exec.Cmd) {
	if c.Process == nil {
		return
	}
	pgid := c.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = c.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-done
	}
}

// waitHTTP polls url until it answers with any status below 500.
func waitHTTP(ctx context.Context, url string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	var last error
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		res, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode < 500 {
				return nil
			}
			err = fmt.Errorf("status %d", res.StatusCode)
		}
		last = err
		select {
		case <-ctx.Done():
			return errors.Join(ctx.Err(), last)
		case <-time.After(150 * time.Millisecond):
		}
	}
}

// freePorts replaces each zero port with a free one the kernel picks.
func freePorts(ports ...*int) error {
	var holds []net.Listener
	defer func() {
		for _, l := range holds {
			l.Close()
		}
	}()
	for _, p := range ports {
		if *p == 0 {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return fmt.Errorf("find a free port: %w", err)
			}
			holds = append(holds, l)
			*p = l.Addr().(*net.TCPAddr).Port
		}
	}
	return nil
}
