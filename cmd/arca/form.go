package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/arcastore/arca/internal/cos"
	"github.com/arcastore/arca/internal/oss/ossauth"
	"github.com/arcastore/arca/internal/s3/s3auth"
)

// formSpec is what `arca form` signs: the same inputs whatever the dialect.
type formSpec struct {
	Endpoint   string // the form's action URL (the bucket's URL)
	Bucket     string
	Key        string // may hold ${filename}
	MinSize    int64
	MaxSize    int64
	Expires    time.Duration
	Redirect   string
	Status     string
	AccessKey  string
	SecretKey  string
	Now        time.Time
	ContentTyp string
	OSSV4      bool   // OSS: sign with V4 instead of V1
	Region     string // OSS V4 and S3: the region of the credential scope
}

// signedForm is a form ready to post: its action and fields (the file
// field comes last, after these).
type signedForm struct {
	Action string            `json:"action"`
	Fields map[string]string `json:"fields"`
}

// form prints a ready HTML upload page (or, with -json, the signed fields for
// a web backend to hand to its pages) for a bucket: the built-in equivalent
// of the OSS form-upload document's signing script.
func form(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("form", flag.ContinueOnError)
	dialect := fs.String("dialect", "cos", "signature dialect: cos, oss or s3")
	ossV4 := fs.Bool("oss-v4", false, "oss: sign the form with V4 (OSS4-HMAC-SHA256) instead of V1")
	region := fs.String("region", "", "oss -oss-v4 and s3: region of the credential scope (any region is accepted); default cn-hangzhou (ARCA_OSS_REGION) for oss, us-east-1 (ARCA_S3_REGION) for s3")
	endpoint := fs.String("endpoint", env("ARCA_ENDPOINT", "http://127.0.0.1:9100"), "server URL; the form posts to <endpoint>/<bucket> unless -virtual-host")
	vhost := fs.Bool("virtual-host", false, "post to <bucket>.<endpoint host> instead of <endpoint>/<bucket>")
	bucket := fs.String("bucket", "", "bucket (required)")
	key := fs.String("key", "uploads/${filename}", "object key; ${filename} becomes the chosen file's name")
	minSize := fs.Int64("min-size", 0, "smallest file accepted, in bytes")
	maxSize := fs.Int64("max-size", 5<<30, "largest file accepted, in bytes")
	expires := fs.Duration("expires", time.Hour, "how long the form stays valid")
	redirect := fs.String("redirect", "", "success_action_redirect: where the browser goes after the upload")
	status := fs.String("status", "", "success_action_status: 200, 201 or 204 (without -redirect)")
	contentType := fs.String("content-type", "", "Content-Type field stored with the object")
	asJSON := fs.Bool("json", false, "print the action URL and signed fields as JSON instead of an HTML page")
	data := fs.String("data", env("ARCA_DATA", "./arca-data"), "data directory to read generated credentials from (ARCA_DATA)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bucket == "" {
		return errors.New("form: --bucket is required")
	}
	ak, sk, err := rootKeys(*data)
	if err != nil {
		return fmt.Errorf("form: %w", err)
	}
	u, err := url.Parse(*endpoint)
	if err != nil || u.Host == "" {
		return fmt.Errorf("form: bad --endpoint %q", *endpoint)
	}
	if *vhost {
		u.Host = *bucket + "." + u.Host
		u.Path = "/"
	} else {
		u.Path = "/" + *bucket
	}
	if *region == "" {
		*region = env("ARCA_OSS_REGION", "cn-hangzhou")
		if strings.EqualFold(*dialect, "s3") {
			*region = env("ARCA_S3_REGION", "us-east-1")
		}
	}
	spec := formSpec{
		Endpoint: u.String(), Bucket: *bucket, Key: *key, MinSize: *minSize, MaxSize: *maxSize,
		Expires: *expires, Redirect: *redirect, Status: *status, AccessKey: ak, SecretKey: sk,
		Now: time.Now(), ContentTyp: *contentType, OSSV4: *ossV4, Region: *region,
	}
	var sf *signedForm
	switch strings.ToLower(*dialect) {
	case "cos":
		sf, err = signCOSForm(spec)
	case "oss":
		sf, err = signOSSForm(spec)
	case "s3":
		sf, err = signS3Form(spec)
	default:
		return fmt.Errorf("form: unsupported dialect %q", *dialect)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(sf)
	}
	return writeFormPage(out, sf)
}

// keyPrefix is the part of a key template before ${filename}: the policy
// can only pin that much.
func keyPrefix(key string) (prefix string, exact bool) {
	if i := strings.Index(key, "${filename}"); i >= 0 {
		return key[:i], false
	}
	return key, true
}

// signCOSForm signs a COS POST Object form as the COS document describes.
func signCOSForm(s formSpec) (*signedForm, error) {
	start, end := s.Now.Add(-time.Minute), s.Now.Add(s.Expires)
	keyTime := fmt.Sprintf("%d;%d", start.Unix(), end.Unix())
	conds := []any{
		map[string]string{"bucket": s.Bucket},
		[]any{"content-length-range", s.MinSize, s.MaxSize},
		map[string]string{"q-sign-algorithm": "sha1"},
		map[string]string{"q-ak": s.AccessKey},
		map[string]string{"q-sign-time": keyTime},
	}
	fields := map[string]string{}
	if p, exact := keyPrefix(s.Key); exact {
		conds = append(conds, []any{"eq", "$key", p})
	} else {
		conds = append(conds, []any{"starts-with", "$key", p})
	}
	fields["key"] = s.Key
	if s.Redirect != "" {
		fields["success_action_redirect"] = s.Redirect
		conds = append(conds, []any{"eq", "$success_action_redirect", s.Redirect})
	} else if s.Status != "" {
		fields["success_action_status"] = s.Status
		conds = append(conds, []any{"eq", "$success_action_status", s.Status})
	}
	if s.ContentTyp != "" {
		fields["Content-Type"] = s.ContentTyp
		conds = append(conds, []any{"eq", "$Content-Type", s.ContentTyp})
	}
	policy, err := json.Marshal(map[string]any{
		"expiration": end.UTC().Format("2006-01-02T15:04:05.000Z"),
		"conditions": conds,
	})
	if err != nil {
		return nil, err
	}
	for k, v := range cos.PostFormFields(s.AccessKey, s.SecretKey, policy, start, end) {
		fields[k] = v
	}
	return &signedForm{Action: s.Endpoint, Fields: fields}, nil
}

// signOSSForm signs an OSS PostObject form as OSS's PostObject and form
// upload documents describe: V1 (OSSAccessKeyId, policy, Signature) or V4
// (x-oss-signature-version, x-oss-credential, x-oss-date, policy,
// x-oss-signature), the policy pinning the bucket, the key (or its prefix
// before ${filename}), the size range and, for V4, the signature fields.
func signOSSForm(s formSpec) (*signedForm, error) {
	end := s.Now.Add(s.Expires)
	conds := []any{
		map[string]string{"bucket": s.Bucket},
		[]any{"content-length-range", s.MinSize, s.MaxSize},
	}
	fields := map[string]string{"key": s.Key}
	if p, exact := keyPrefix(s.Key); exact {
		conds = append(conds, []any{"eq", "$key", p})
	} else {
		conds = append(conds, []any{"starts-with", "$key", p})
	}
	if s.Redirect != "" {
		fields["success_action_redirect"] = s.Redirect
		conds = append(conds, []any{"eq", "$success_action_redirect", s.Redirect})
	} else if s.Status != "" {
		fields["success_action_status"] = s.Status
		conds = append(conds, []any{"eq", "$success_action_status", s.Status})
	}
	if s.ContentTyp != "" {
		fields["x-oss-content-type"] = s.ContentTyp
		conds = append(conds, []any{"eq", "$x-oss-content-type", s.ContentTyp})
	}
	creds := ossauth.Credentials{AccessKey: s.AccessKey, SecretKey: s.SecretKey}
	if s.OSSV4 {
		if s.Region == "" {
			return nil, errors.New("form: -oss-v4 needs a -region")
		}
		if s.Expires > ossauth.MaxExpiresV4 {
			return nil, errors.New("form: a V4 form is valid for at most 7 days")
		}
		for k, v := range ossauth.PostV4Fields(creds, s.Region, s.Now) {
			fields[k] = v
			conds = append(conds, map[string]string{k: v})
		}
	}
	doc, err := json.Marshal(map[string]any{
		"expiration": end.UTC().Format("2006-01-02T15:04:05.000Z"),
		"conditions": conds,
	})
	if err != nil {
		return nil, err
	}
	policy := base64.StdEncoding.EncodeToString(doc)
	fields["policy"] = policy
	if s.OSSV4 {
		fields[ossauth.FieldSignatureV4] = ossauth.SignPostV4(policy, s.SecretKey, ossauth.NewScope(s.Now, s.Region))
	} else {
		fields[ossauth.FieldAccessKeyID] = s.AccessKey
		fields[ossauth.FieldSignature] = ossauth.SignPostV1(policy, s.SecretKey)
	}
	return &signedForm{Action: s.Endpoint, Fields: fields}, nil
}

// signS3Form signs an S3 browser-based upload form with a SigV4 POST
// policy (x-amz-algorithm, x-amz-credential, x-amz-date, policy,
// x-amz-signature). As S3 requires, the policy names every field the form
// carries: the bucket, the key (or its prefix before ${filename}), the
// size range, the redirect or status, the content type and the signature
// fields.
func signS3Form(s formSpec) (*signedForm, error) {
	end := s.Now.Add(s.Expires)
	now := s.Now.UTC()
	date := now.Format("20060102")
	fields := map[string]string{
		"key":              s.Key,
		"x-amz-algorithm":  "AWS4-HMAC-SHA256",
		"x-amz-credential": s.AccessKey + "/" + date + "/" + s.Region + "/s3/aws4_request",
		"x-amz-date":       now.Format("20060102T150405Z"),
	}
	conds := []any{
		map[string]string{"bucket": s.Bucket},
		[]any{"content-length-range", s.MinSize, s.MaxSize},
	}
	if p, exact := keyPrefix(s.Key); exact {
		conds = append(conds, []any{"eq", "$key", p})
	} else {
		conds = append(conds, []any{"starts-with", "$key", p})
	}
	for _, k := range []string{"x-amz-algorithm", "x-amz-credential", "x-amz-date"} {
		conds = append(conds, map[string]string{k: fields[k]})
	}
	if s.Redirect != "" {
		fields["success_action_redirect"] = s.Redirect
		conds = append(conds, []any{"eq", "$success_action_redirect", s.Redirect})
	} else if s.Status != "" {
		fields["success_action_status"] = s.Status
		conds = append(conds, []any{"eq", "$success_action_status", s.Status})
	}
	if s.ContentTyp != "" {
		fields["Content-Type"] = s.ContentTyp
		conds = append(conds, []any{"eq", "$Content-Type", s.ContentTyp})
	}
	doc, err := json.Marshal(map[string]any{
		"expiration": end.UTC().Format("2006-01-02T15:04:05.000Z"),
		"conditions": conds,
	})
	if err != nil {
		return nil, err
	}
	policy := base64.StdEncoding.EncodeToString(doc)
	fields["policy"] = policy
	fields["x-amz-signature"] = s3auth.PostPolicySignatureV4(policy, s.SecretKey, date, s.Region)
	return &signedForm{Action: s.Endpoint, Fields: fields}, nil
}

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Upload to {{.Action}}</title></head>
<body>
<form id="upload" method="post" enctype="multipart/form-data" action="{{.Action}}">
{{range .Fields}}  <input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}  <input type="file" name="file" id="file">
  <input type="submit" id="submit" value="Upload">
</form>
</body>
</html>
`))

func writeFormPage(out io.Writer, sf *signedForm) error {
	type field struct{ Name, Value string }
	var fields []field
	names := make([]string, 0, len(sf.Fields))
	for k := range sf.Fields {
		names = append(names, k)
	}
	// The key first, the signature fields last, all before the file.
	sort.Slice(names, func(i, j int) bool {
		return rank(names[i]) < rank(names[j]) || rank(names[i]) == rank(names[j]) && names[i] < names[j]
	})
	for _, n := range names {
		fields = append(fields, field{n, sf.Fields[n]})
	}
	return pageTmpl.Execute(out, struct {
		Action string
		Fields []field
	}{sf.Action, fields})
}

func rank(name string) int {
	switch {
	case name == "key":
		return 0
	case name == "policy" || strings.HasPrefix(name, "q-") || name == "Signature" || name == "OSSAccessKeyId" || strings.HasPrefix(name, "x-oss-signature") || strings.HasPrefix(name, "x-oss-credential") || name == "x-oss-date" ||
		strings.HasPrefix(name, "x-amz-"):
		return 2
	}
	return 1
}

// rootKeys reads the root keys from the environment or the data directory.
func rootKeys(dataDir string) (string, string, error) {
	ak, sk := os.Getenv("ARCA_ROOT_ACCESS_KEY"), os.Getenv("ARCA_ROOT_SECRET_KEY")
	if ak != "" && sk != "" {
		return ak, sk, nil
	}
	b, err := os.ReadFile(dataDir + "/credentials.json")
	if err != nil {
		return "", "", fmt.Errorf("no ARCA_ROOT_ACCESS_KEY/ARCA_ROOT_SECRET_KEY and no generated credentials: %w", err)
	}
	var c struct {
		AccessKey string `json:"access_key"`
		SecretKey string `json:"secret_key"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return "", "", err
	}
	return c.AccessKey, c.SecretKey, nil
}
