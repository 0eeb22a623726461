package portal_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/partner-portal/portal/infra/samtemplate"
	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/profile"
)

// TestTemplateDeclares checks the deployment rules of DESIGN.md section 2 on
// template.yaml itself.
func TestTemplateDeclares(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(root(t), "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Transform string `yaml:"Transform"`
		Globals   struct {
			Function struct {
				Runtime       string   `yaml:"Runtime"`
				Architectures []string `yaml:"Architectures"`
				Handler       string   `yaml:"Handler"`
			} `yaml:"Function"`
		} `yaml:"Globals"`
		Resources map[string]struct {
			Type string `yaml:"Type"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	g := doc.Globals.Function
	if doc.Transform != "AWS::Serverless-2016-10-31" || g.Runtime != "provided.al2023" ||
		strings.Join(g.Architectures, ",") != "arm64" || g.Handler != "bootstrap" {
		t.Errorf("Transform/Globals = %q %+v; want SAM, provided.al2023, arm64, bootstrap", doc.Transform, g)
	}

	tpl, err := testenv.Template()
	if err != nil {
		t.Fatal(err)
	}
	fns, err := tpl.Functions()
	if err != nil {
		t.Fatal(err)
	}
	if len(fns) == 0 {
		t.Fatal("template declares no functions")
	}
	for _, f := range fns {
		if f.BuildMethod != "makefile" {
			t.Errorf("%s: BuildMethod = %q; want makefile", f.LogicalID, f.BuildMethod)
		}
		for _, s := range f.Statements {
			for _, a := range s.Action {
				if strings.Contains(a, "*") {
					t.Errorf("%s: action %q is a wildcard", f.LogicalID, a)
				}
			}
			for _, r := range s.Resource {
				if r == "*" || strings.HasSuffix(r, ":*") {
					t.Errorf("%s: resource %q is a wildcard", f.LogicalID, r)
				}
			}
		}
	}

	tb, err := tpl.Table("Table")
	if err != nil {
		t.Fatal(err)
	}
	if tb.BillingMode != "PAY_PER_REQUEST" || !tb.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled ||
		!tb.SSESpecification.SSEEnabled || !tb.TimeToLiveSpecification.Enabled || tb.TimeToLiveSpecification.AttributeName != "expiresAt" {
		t.Errorf("table = %+v; want on-demand, PITR, SSE and TTL on expiresAt", tb)
	}
	var indexes []string
	for _, g := range tb.GlobalSecondaryIndexes {
		indexes = append(indexes, g.IndexName)
	}
	if strings.Join(indexes, ",") != "GSI1,GSI2,GSI3,NameIndex,GSI4" {
		t.Errorf("indexes = %v; want GSI1, GSI2, GSI3, NameIndex, GSI4 as docs/data-model.md describes", indexes)
	}

	b, err := tpl.Bucket("EvidenceBucket")
	if err != nil {
		t.Fatal(err)
	}
	pab := b.PublicAccessBlockConfiguration
	if b.VersioningConfiguration.Status != "Enabled" || b.BucketEncryption.Kind == 0 ||
		!pab["BlockPublicAcls"] || !pab["BlockPublicPolicy"] || !pab["IgnorePublicAcls"] || !pab["RestrictPublicBuckets"] {
		t.Errorf("bucket = %+v; want versioned, encrypted, public access blocked", b)
	}
	rules := b.CorsConfiguration.CorsRules
	if len(rules) != 1 || !strings.Contains(strings.Join(rules[0].AllowedMethods, ","), "POST") ||
		strings.Join(rules[0].AllowedOrigins, ",") != testenv.PortalURL {
		t.Errorf("CORS = %+v; want POST from the portal URL only", rules)
	}
	if doc.Resources["HttpApi"].Type != "AWS::Serverless::HttpApi" {
		t.Errorf("HttpApi is a %q", doc.Resources["HttpApi"].Type)
	}
}

// TestNoScan: no code of the portal calls DynamoDB's Scan (DESIGN.md section
// 3): every read is a GetItem, BatchGetItem or Query.
func TestNoScan(t *testing.T) {
	r := root(t)
	var files int
	for _, dir := range []string{"functions", "shared", "infra"} {
		err := filepath.WalkDir(filepath.Join(r, dir), func(path string, e os.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			files++
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, bad := range []string{"ScanInput", ".Scan(", "ScanPaginator"} {
				if strings.Contains(string(src), bad) {
					t.Errorf("%s uses %s", path, bad)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 10 {
		t.Fatalf("looked at %d files; the walk is broken", files)
	}
}

// TestTemplateEventsAndAlarms: the reminders run on a daily schedule, the
// mail events come from the SES topic, every function has an errors alarm,
// and the stack outputs its API URL, table and bucket.
func TestTemplateEventsAndAlarms(t *testing.T) {
	tpl, err := testenv.Template()
	if err != nil {
		t.Fatal(err)
	}
	fns, err := tpl.Functions()
	if err != nil {
		t.Fatal(err)
	}
	events := map[string]string{}
	for _, f := range fns {
		events[f.LogicalID] = strings.Join(f.EventTypes, ",")
	}
	if events["RemindersFunction"] != "Schedule" || events["MailEventsFunction"] != "SNS" {
		t.Errorf("events = %v; want a Schedule for reminders and SNS for mail events", events)
	}
	raw, err := os.ReadFile(filepath.Join(root(t), "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Resources map[string]struct {
			Type       string    `yaml:"Type"`
			Properties yaml.Node `yaml:"Properties"`
		} `yaml:"Resources"`
		Outputs map[string]any `yaml:"Outputs"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for _, f := range fns {
		if doc.Resources[f.LogicalID+"Errors"].Type != "AWS::CloudWatch::Alarm" {
			t.Errorf("%s has no errors alarm", f.LogicalID)
		}
	}
	for _, want := range []string{"RemindersNotRun", "MailEventsTopic", "MailEventDestination", "MailConfigurationSet"} {
		if doc.Resources[want].Type == "" {
			t.Errorf("template lacks %s", want)
		}
	}
	for _, out := range []string{"ApiUrl", "TableName", "BucketName"} {
		if doc.Outputs[out] == nil {
			t.Errorf("template lacks the output %s", out)
		}
	}
	if len(fns) != 7 {
		t.Errorf("%d functions; want the seven of DESIGN.md (auth, password-reset, accounts, profiles, web, reminders, mail-events)", len(fns))
	}
}

// TestTemplateLogRetention: every function logs to a log group of its own
// that the template declares with a 90-day retention, so logs (which name
// users and addresses) are not kept for ever.
func TestTemplateLogRetention(t *testing.T) {
	tpl, err := testenv.Template()
	if err != nil {
		t.Fatal(err)
	}
	fns, err := tpl.Functions()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]string{}
	for _, f := range fns {
		if f.LogGroup == "" {
			t.Errorf("%s: no LoggingConfig.LogGroup; its logs would go to a group kept for ever", f.LogicalID)
			continue
		}
		if other, ok := used[f.LogGroup]; ok {
			t.Errorf("%s and %s share the log group %s", f.LogicalID, other, f.LogGroup)
		}
		used[f.LogGroup] = f.LogicalID
		g, err := tpl.LogGroup(f.LogGroup)
		if err != nil {
			t.Errorf("%s: %v", f.LogicalID, err)
			continue
		}
		if g.RetentionInDays != 90 {
			t.Errorf("%s: log group %s keeps logs %d days; want 90", f.LogicalID, f.LogGroup, g.RetentionInDays)
		}
	}
	if len(used) != len(fns) || len(fns) == 0 {
		t.Errorf("%d functions, %d with a log group of their own", len(fns), len(used))
	}
}

// TestTemplateEvidencePolicy: the profiles function may list the evidence
// bucket under the evidence prefix only, so S3 answers 404 (not 403) for an
// upload that has not arrived; it may read and delete object versions, as
// completion and downloads name the version completion checked; and no
// function may list the bucket without a prefix condition.
func TestTemplateEvidencePolicy(t *testing.T) {
	tpl, err := testenv.Template()
	if err != nil {
		t.Fatal(err)
	}
	fns, err := tpl.Functions()
	if err != nil {
		t.Fatal(err)
	}
	evidenceObjects := "${EvidenceBucket.Arn}/" + profile.EvidencePrefix + "*"
	allowed := func(s samtemplate.Statement, action, resource string) bool {
		return s.Effect == "Allow" && slices.Contains(s.Action, action) && slices.Contains(s.Resource, resource)
	}
	for _, f := range fns {
		var listing, getVersion, deleteVersion bool
		for _, s := range f.Statements {
			if !slices.Contains(s.Action, "s3:ListBucket") {
				getVersion = getVersion || allowed(s, "s3:GetObjectVersion", evidenceObjects)
				deleteVersion = deleteVersion || allowed(s, "s3:DeleteObjectVersion", evidenceObjects)
				continue
			}
			prefix := s.Condition["StringLike"]["s3:prefix"]
			if s.Effect != "Allow" || f.LogicalID != "ProfilesFunction" || strings.Join(s.Resource, ",") != "EvidenceBucket.Arn" ||
				strings.Join(prefix, ",") != profile.EvidencePrefix+"*" || len(s.Action) != 1 || len(s.Condition) != 1 {
				t.Errorf("%s: ListBucket statement %+v; want only the profiles function's, on the bucket, with StringLike s3:prefix %s*",
					f.LogicalID, s, profile.EvidencePrefix)
				continue
			}
			listing = true
		}
		if f.LogicalID != "ProfilesFunction" {
			continue
		}
		if !listing {
			t.Errorf("ProfilesFunction may not list the evidence prefix: HeadObject of a missing upload answers 403 in AWS")
		}
		if !getVersion || !deleteVersion {
			t.Errorf("ProfilesFunction: s3:GetObjectVersion %v, s3:DeleteObjectVersion %v on %s; want both", getVersion, deleteVersion, evidenceObjects)
		}
	}
}
