package samtemplate

import (
	"strings"
	"testing"
)

const sample = `
Parameters:
  PortalUrl: { Type: String, Default: https://portal.example }
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      CorsConfiguration:
        CorsRules:
          - AllowedMethods: [POST]
            AllowedOrigins: [!Ref PortalUrl, !Sub "${PortalUrl}/x"]
  Fn:
    Type: AWS::Serverless::Function
    Metadata: { BuildMethod: makefile }
    Properties:
      Events:
        A: { Type: HttpApi, Properties: { ApiId: !Ref Api, Method: get, Path: "/v1/a/{id}" } }
        S: { Type: Schedule, Properties: { Schedule: rate(1 day) } }
      Policies:
        - Statement:
            - Effect: Allow
              Action: dynamodb:GetItem
              Resource: [!GetAtt Table.Arn, !Sub "${Table.Arn}/index/GSI1"]
  Api: { Type: AWS::Serverless::HttpApi }
  Bad:
    Type: AWS::S3::Bucket
    Properties:
      CorsConfiguration:
        CorsRules: [{ AllowedOrigins: [!ImportValue Other] }]
`

func TestResolvesIntrinsics(t *testing.T) {
	tpl, err := Parse([]byte(sample), map[string]string{"PortalUrl": "http://127.0.0.1:8080"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := tpl.Bucket("Bucket")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(b.CorsConfiguration.CorsRules[0].AllowedOrigins, " ")
	if got != "http://127.0.0.1:8080 http://127.0.0.1:8080/x" {
		t.Errorf("AllowedOrigins = %q; want the overridden PortalUrl", got)
	}
	fns, err := tpl.Functions()
	if err != nil {
		t.Fatal(err)
	}
	if len(fns) != 1 {
		t.Fatalf("Functions() = %d; want 1", len(fns))
	}
	f := fns[0]
	if f.BuildMethod != "makefile" || strings.Join(f.Routes, ",") != "GET /v1/a/{id}" || strings.Join(f.EventTypes, ",") != "HttpApi,Schedule" {
		t.Errorf("function = %+v", f)
	}
	if len(f.Statements) != 1 || strings.Join(f.Statements[0].Action, ",") != "dynamodb:GetItem" ||
		strings.Join(f.Statements[0].Resource, ",") != "Table.Arn,${Table.Arn}/index/GSI1" {
		t.Errorf("statements = %+v", f.Statements)
	}
}

func TestRefusesWhatItCannotResolve(t *testing.T) {
	tpl, err := Parse([]byte(sample), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tpl.Bucket("Bad"); err == nil || !strings.Contains(err.Error(), "!ImportValue") {
		t.Errorf("Bucket(Bad) error = %v; want the unsupported tag named", err)
	}
	if _, err := tpl.Table("Bucket"); err == nil {
		t.Errorf("Table(Bucket) = nil error; want a type mismatch")
	}
	if _, err := Parse([]byte("Resources:\n  X: !Ref [a\n"), nil); err == nil {
		t.Errorf("Parse(broken yaml) = nil error")
	}
}
