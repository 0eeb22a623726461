# Partner Portal. `make run` starts the portal on its local stack; `make test`
# runs every test against that stack. Both install what they need on first use
# into .cache/ (git-ignored).

SHELL := /bin/bash
GO ?= go
CACHE := $(CURDIR)/.cache
BIN := $(CACHE)/bin
STATICCHECK_VERSION := v0.8.2
FUNCTIONS := auth password-reset accounts profiles web reminders mail-events
LAMBDA_FLAGS := -tags lambda.norpc -trimpath -ldflags "-s -w"
TEST_TIMEOUT ?= 30m

.PHONY: build run test lint bench stack clean legacy-import

## build: one linux/arm64 bootstrap per function under build/<name>/
build:
	@for f in $(FUNCTIONS); do \
		GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build $(LAMBDA_FLAGS) -o build/$$f/bootstrap ./functions/$$f || exit 1; \
		printf '%-16s %s bytes\n' $$f "$$(stat -c %s build/$$f/bootstrap)"; \
	done

# SAM's makefile build method: `sam build` calls build-<LogicalId> with
# ARTIFACTS_DIR set, and expects a bootstrap there.
define lambda
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build $(LAMBDA_FLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/$(1)
endef

build-AuthFunction:
	$(call lambda,auth)

build-PasswordResetFunction:
	$(call lambda,password-reset)

build-AccountsFunction:
	$(call lambda,accounts)

build-ProfilesFunction:
	$(call lambda,profiles)

build-WebFunction:
	$(call lambda,web)

build-RemindersFunction:
	$(call lambda,reminders)

build-MailEventsFunction:
	$(call lambda,mail-events)

$(BIN)/stack: $(shell find infra shared -name '*.go' -not -name '*_test.go') go.mod
	$(GO) build -o $@ ./infra/cmd/stack

$(BIN)/portal: $(shell find infra shared -name '*.go' -not -name '*_test.go') go.mod
	$(GO) build -o $@ ./infra/cmd/portal

## run: the whole portal locally on :8080 (PORT moves it), with its stack
run: $(BIN)/portal
	$(BIN)/portal

## test: every test, against DynamoDB Local, MinIO and the local SES, and
## the browser tests in Debian's chromium (installed when missing)
test: $(BIN)/stack
	infra/scripts/ensure-chromium.sh
	$(BIN)/stack -- $(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...

## legacy-import: load legacy credentials into the table of a running
## `make run` (FILE defaults to the sample in testdata/)
FILE ?= testdata/legacy-users.json
legacy-import:
	TABLE_NAME=partner-portal BUCKET_NAME=partner-portal-evidence PORTAL_URL=http://127.0.0.1:8080 \
	MAIL_FROM=no-reply@portal.example AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000 \
	AWS_ACCESS_KEY_ID=portallocal AWS_SECRET_ACCESS_KEY=portallocalsecret AWS_REGION=us-east-1 \
	$(GO) run ./infra/cmd/legacy-import -file $(FILE)

## stack: only the local services, printing their endpoints
stack: $(BIN)/stack
	$(BIN)/stack

## lint: gofmt, go vet and staticcheck (pinned)
lint: $(BIN)/staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(BIN)/staticcheck ./...

$(BIN)/staticcheck:
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

## bench: the benchmarks, against the local stack; then every function's cold
## start and size beside the reference binaries (no stack needed)
bench: $(BIN)/stack
	$(BIN)/stack -- $(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) run ./infra/cmd/coldstart -go $(GO) $(FUNCTIONS)

clean:
	rm -rf build $(BIN)/stack $(BIN)/portal
