package tooltest

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestAWSCLI drives `aws s3` through the
// everyday workflow. The CLI is configured with its own config and
// credentials files (path-style addressing, 5 MiB multipart threshold and
// parts) and the endpoint flag.
func TestAWSCLI(t *testing.T) {
	t.Parallel()
	aws := findTool(t, "aws cli", os.Getenv("ARCA_AWS_CLI"), "/usr/bin/aws", "aws")
	r := newRig(t)
	cfg := r.writeFile(filepath.Join(r.home, "aws", "config"), `[default]
region = us-east-1
output = text
s3 =
    addressing_style = path
    multipart_threshold = 5MB
    multipart_chunksize = 5MB
`)
	creds := r.writeFile(filepath.Join(r.home, "aws", "credentials"), "[default]\naws_access_key_id = "+r.s.Root.AccessKey+
		"\naws_secret_access_key = "+r.s.Root.SecretKey+"\n")
	env := []string{"AWS_CONFIG_FILE=" + cfg, "AWS_SHARED_CREDENTIALS_FILE=" + creds}
	ep := []string{"--endpoint-url", r.s.URL()}
	run := func(args ...string) string {
		t.Helper()
		return r.run(env, aws, append(args, ep...)...)
	}

	const bucket, prefix = "aws-cli-tools", "photos/"
	mustContain(t, "aws s3 mb", run("s3", "mb", "s3://"+bucket), "make_bucket: "+bucket)

	// Copy a tree up, recursively: a multipart upload among the files.
	src, local := filepath.Join(r.work, "src"), initialTree()
	writeTree(t, src, local)
	run("s3", "cp", "--recursive", "--only-show-errors", src, "s3://"+bucket+"/"+prefix)
	sameTree(t, "objects after aws s3 cp --recursive up", r.remoteTree(bucket, prefix), local)

	// List: one level (common prefixes as PRE), then recursively.
	out := run("s3", "ls", "s3://"+bucket+"/"+prefix)
	mustContain(t, "aws s3 ls", out, "PRE sub/", " a.txt", " big.bin")
	out = run("s3", "ls", "--recursive", "s3://"+bucket+"/"+prefix)
	for name, data := range local {
		mustContain(t, "aws s3 ls --recursive", out, strconv.Itoa(len(data))+" "+prefix+name)
	}

	// Copy the tree down, recursively.
	down := filepath.Join(r.work, "down")
	run("s3", "cp", "--recursive", "--only-show-errors", "s3://"+bucket+"/"+prefix, down)
	sameTree(t, "files after aws s3 cp --recursive down", readTree(t, down), local)

	// Sync up after local edits: the changed file is uploaded again, the
	// removed one deleted, the new one added.
	localChanges(t, src, local)
	run("s3", "sync", "--delete", "--only-show-errors", src, "s3://"+bucket+"/"+prefix)
	sameTree(t, "objects after aws s3 sync --delete up", r.remoteTree(bucket, prefix), local)

	// Sync down after edits on the server.
	r.remoteChanges(bucket, prefix)
	run("s3", "sync", "--delete", "--only-show-errors", "s3://"+bucket+"/"+prefix, down)
	sameTree(t, "files after aws s3 sync --delete down", readTree(t, down), r.remoteTree(bucket, prefix))

	// A pre-signed URL, fetched by a plain client.
	checkPresigned(t, run("s3", "presign", "s3://"+bucket+"/"+prefix+"sub/deep/x+y=z & ü.txt", "--expires-in", "300"),
		local["sub/deep/x+y=z & ü.txt"])

	// Remove recursively, then the bucket.
	run("s3", "rm", "--recursive", "--only-show-errors", "s3://"+bucket+"/"+prefix)
	if left := r.remoteTree(bucket, ""); len(left) != 0 {
		t.Fatalf("objects left after aws s3 rm --recursive: %d", len(left))
	}
	r.put(bucket, "last", []byte("x"))
	run("s3", "rb", "--force", "s3://"+bucket)
	r.bucketGone(bucket)
}
