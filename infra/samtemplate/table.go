package samtemplate

import "go.yaml.in/yaml/v3"

// KeyElement is one element of a key schema.
type KeyElement struct {
	AttributeName string `yaml:"AttributeName"`
	KeyType       string `yaml:"KeyType"`
}

// Table is what an AWS::DynamoDB::Table declares about its shape.
type Table struct {
	BillingMode          string `yaml:"BillingMode"`
	AttributeDefinitions []struct {
		AttributeName string `yaml:"AttributeName"`
		AttributeType string `yaml:"AttributeType"`
	} `yaml:"AttributeDefinitions"`
	KeySchema              []KeyElement `yaml:"KeySchema"`
	GlobalSecondaryIndexes []struct {
		IndexName  string       `yaml:"IndexName"`
		KeySchema  []KeyElement `yaml:"KeySchema"`
		Projection struct {
			ProjectionType   string   `yaml:"ProjectionType"`
			NonKeyAttributes []string `yaml:"NonKeyAttributes"`
		} `yaml:"Projection"`
	} `yaml:"GlobalSecondaryIndexes"`
	TimeToLiveSpecification struct {
		AttributeName string `yaml:"AttributeName"`
		Enabled       bool   `yaml:"Enabled"`
	} `yaml:"TimeToLiveSpecification"`
	PointInTimeRecoverySpecification struct {
		PointInTimeRecoveryEnabled bool `yaml:"PointInTimeRecoveryEnabled"`
	} `yaml:"PointInTimeRecoverySpecification"`
	SSESpecification struct {
		SSEEnabled bool `yaml:"SSEEnabled"`
	} `yaml:"SSESpecification"`
}

// Table returns the table resource with the given logical id.
func (t *Template) Table(id string) (*Table, error) {
	r, err := t.resource(id, "AWS::DynamoDB::Table")
	if err != nil {
		return nil, err
	}
	var tb Table
	if err := t.decode(&r.Properties, &tb); err != nil {
		return nil, err
	}
	return &tb, nil
}

// CORSRule is one rule of a bucket's CORS configuration.
type CORSRule struct {
	AllowedMethods []string `yaml:"AllowedMethods"`
	AllowedOrigins []string `yaml:"AllowedOrigins"`
	AllowedHeaders []string `yaml:"AllowedHeaders"`
	ExposedHeaders []string `yaml:"ExposedHeaders"`
	MaxAge         int32    `yaml:"MaxAge"`
}

// Bucket is what an AWS::S3::Bucket declares that the local stack applies.
type Bucket struct {
	VersioningConfiguration struct {
		Status string `yaml:"Status"`
	} `yaml:"VersioningConfiguration"`
	CorsConfiguration struct {
		CorsRules []CORSRule `yaml:"CorsRules"`
	} `yaml:"CorsConfiguration"`
	PublicAccessBlockConfiguration map[string]bool `yaml:"PublicAccessBlockConfiguration"`
	BucketEncryption               yaml.Node       `yaml:"BucketEncryption"`
}

// Bucket returns the bucket resource with the given logical id.
func (t *Template) Bucket(id string) (*Bucket, error) {
	r, err := t.resource(id, "AWS::S3::Bucket")
	if err != nil {
		return nil, err
	}
	var b Bucket
	if err := t.decode(&r.Properties, &b); err != nil {
		return nil, err
	}
	return &b, nil
}
