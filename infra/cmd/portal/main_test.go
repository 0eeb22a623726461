package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/partner-portal/portal/infra/localstack"
	"github.com/partner-portal/portal/infra/seed"
)

// TestRunStartsAndStopsEverything is `make run` on a machine with no stack
// running: the binary starts DynamoDB Local, MinIO and SES local itself,
// answers /v1/health, and after Ctrl-C (SIGINT) leaves no process behind.
func TestRunStartsAndStopsEverything(t *testing.T) {
	root, err := localstack.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "portal")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ports := freePorts(t, 5)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_ENDPOINT_URL") && !strings.HasPrefix(kv, "PORT=") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"PORT="+strconv.Itoa(ports[0]),
		"LOCAL_DYNAMODB_PORT="+strconv.Itoa(ports[1]),
		"LOCAL_S3_PORT="+strconv.Itoa(ports[2]),
		"LOCAL_S3_CONSOLE_PORT="+strconv.Itoa(ports[3]),
		"LOCAL_SES_PORT="+strconv.Itoa(ports[4]),
		"AWS_ACCESS_KEY_ID="+localstack.AccessKey, "AWS_SECRET_ACCESS_KEY="+localstack.SecretKey, "AWS_REGION="+localstack.Region,
	)
	var out bytes.Buffer
	cmd := exec.Command(bin)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = root, env, &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	}()

	health := fmt.Sprintf("http://127.0.0.1:%d/v1/health", ports[0])
	deadline := time.Now().Add(3 * time.Minute) // the stack starts slowly on a busy machine
	for {
		res, err := http.Get(health)
		if err == nil {
			var b bytes.Buffer
			_, _ = b.ReadFrom(res.Body)
			res.Body.Close()
			if res.StatusCode == 200 && strings.TrimSpace(b.String()) == `{"status":"ok"}` {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s never answered 200 ok; output:\n%s", health, out.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, want := range []string{"mail viewer", "MinIO", fmt.Sprintf("http://127.0.0.1:%d", ports[4])} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output does not show %q:\n%s", want, out.String())
		}
	}

	// The demo users are seeded: the owner signs in with the default password.
	res, err := http.Post(fmt.Sprintf("http://127.0.0.1:%d/v1/sessions", ports[0]), "application/json",
		strings.NewReader(`{"email":"owner@importer.example","password":"`+seed.DefaultPassword+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 201 {
		t.Errorf("seeded owner signs in = %d; want 201", res.StatusCode)
	}

	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("after Ctrl-C the portal exited with %v; output:\n%s", err, out.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the portal did not stop within 30s of Ctrl-C")
	}
	for _, p := range ports {
		if c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(p), time.Second); err == nil {
			c.Close()
			t.Errorf("port %d still answers after Ctrl-C", p)
		}
		if pids := processesMentioning(strconv.Itoa(p)); len(pids) > 0 {
			t.Errorf("processes %v still run with port %d on their command line", pids, p)
		}
	}
}

func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var out []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		out = append(out, l.Addr().(*net.TCPAddr).Port)
	}
	return out
}

// processesMentioning lists the pids whose command line contains s.
func processesMentioning(s string) []string {
	var pids []string
	dirs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, f := range dirs {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, arg := range bytes.Split(b, []byte{0}) {
			if strings.HasSuffix(string(arg), ":"+s) || string(arg) == s {
				pids = append(pids, filepath.Base(filepath.Dir(f)))
				break
			}
		}
	}
	return pids
}
