package tooltest

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestS3cmd drives s3cmd (SigV4, path style through host_base and
// host_bucket without %(bucket)s, 5 MiB multipart chunks) through the
// everyday workflow; a listing and a download with --signature-v2 check
// the SigV2 path it still offers, and signurl makes a SigV2 pre-signed
// URL.
func TestS3cmd(t *testing.T) {
	t.Parallel()
	s3cmd := findTool(t, "s3cmd", "s3cmd")
	r := newRig(t)
	hostport := r.s.Addr()
	conf := r.writeFile(filepath.Join(r.home, "s3cfg"), `[default]
access_key = `+r.s.Root.AccessKey+`
secret_key = `+r.s.Root.SecretKey+`
host_base = `+hostport+`
host_bucket = `+hostport+`
bucket_location = us-east-1
use_https = False
signature_v2 = False
enable_multipart = True
multipart_chunk_size_mb = 5
progress_meter = False
`)
	run := func(args ...string) string {
		t.Helper()
		return r.run(nil, s3cmd, append([]string{"-c", conf}, args...)...)
	}

	const bucket, prefix = "s3cmd-tools", "photos/"
	url := "s3://" + bucket + "/" + prefix
	run("mb", "s3://"+bucket)
	mustContain(t, "s3cmd ls", run("ls"), "s3://"+bucket)

	// Put a tree, recursively ("src/": its contents): a multipart upload
	// among the files.
	src, local := filepath.Join(r.work, "src"), initialTree()
	writeTree(t, src, local)
	run("put", "--recursive", src+"/", url)
	sameTree(t, "objects after s3cmd put --recursive", r.remoteTree(bucket, prefix), local)

	// List: one level, then recursively (SigV2 for a change).
	mustContain(t, "s3cmd ls", run("ls", url), "DIR  "+url+"sub/", " "+url+"a.txt\n", " "+url+"big.bin\n")
	out := run("--signature-v2", "ls", "--recursive", url)
	for name, data := range local {
		mustContain(t, "s3cmd ls --recursive", out, strconv.Itoa(len(data))+"  "+url+name+"\n")
	}

	// Get the tree, recursively.
	down := filepath.Join(r.work, "down")
	if err := os.Mkdir(down, 0o755); err != nil {
		t.Fatal(err)
	}
	run("get", "--recursive", url, down+"/")
	sameTree(t, "files after s3cmd get --recursive", readTree(t, down), local)

	// Sync up after local edits, then down after edits on the server.
	localChanges(t, src, local)
	run("sync", "--delete-removed", src+"/", url)
	sameTree(t, "objects after s3cmd sync --delete-removed up", r.remoteTree(bucket, prefix), local)
	r.remoteChanges(bucket, prefix)
	run("sync", "--delete-removed", url, down+"/")
	sameTree(t, "files after s3cmd sync --delete-removed down", readTree(t, down), r.remoteTree(bucket, prefix))

	// A pre-signed URL (SigV2 query), fetched by a plain client.
	checkPresigned(t, run("signurl", url+"sub/deep/x+y=z & ü.txt", "+300"), local["sub/deep/x+y=z & ü.txt"])

	// Remove recursively, then the bucket.
	run("del", "--recursive", "--force", url)
	if left := r.remoteTree(bucket, ""); len(left) != 0 {
		t.Fatalf("objects left after s3cmd del --recursive: %d", len(left))
	}
	run("rb", "s3://"+bucket)
	r.bucketGone(bucket)
}
