package tooltest

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRclone drives rclone's S3 backend (provider Other, path style,
// 5 MiB upload cutoff and chunks) through the everyday workflow, with
// rclone check comparing hashes as well as sizes.
func TestRclone(t *testing.T) {
	t.Parallel()
	rclone := findTool(t, "rclone", "rclone")
	r := newRig(t)
	conf := r.writeFile(filepath.Join(r.home, "rclone.conf"), `[arca]
type = s3
provider = Other
env_auth = false
access_key_id = `+r.s.Root.AccessKey+`
secret_access_key = `+r.s.Root.SecretKey+`
endpoint = `+r.s.URL()+`
region = us-east-1
force_path_style = true
upload_cutoff = 5M
chunk_size = 5M
`)
	run := func(args ...string) string {
		t.Helper()
		return r.run(nil, rclone, append([]string{"--config", conf, "--retries", "1", "--low-level-retries", "1"}, args...)...)
	}

	const bucket, prefix = "rclone-tools", "photos/"
	remote := "arca:" + bucket + "/" + prefix
	run("mkdir", "arca:"+bucket)
	mustContain(t, "rclone lsd", run("lsd", "arca:"), bucket)

	// Copy a tree up: a multipart upload among the files.
	src, local := filepath.Join(r.work, "src"), initialTree()
	writeTree(t, src, local)
	run("copy", src, remote)
	sameTree(t, "objects after rclone copy up", r.remoteTree(bucket, prefix), local)
	run("check", src, remote) // sizes and hashes (MD5, from ETags or rclone's metadata)

	// List: one level, then recursively.
	mustContain(t, "rclone lsf", run("lsf", remote), "sub/\n", "a.txt\n", "big.bin\n")
	out := run("lsf", "-R", "--files-only", remote)
	if got := strings.Count(out, "\n"); got != len(local) {
		t.Errorf("rclone lsf -R lists %d files, want %d:\n%s", got, len(local), out)
	}
	for name := range local {
		mustContain(t, "rclone lsf -R", out, name+"\n")
	}

	// Copy the tree down.
	down := filepath.Join(r.work, "down")
	run("copy", remote, down)
	sameTree(t, "files after rclone copy down", readTree(t, down), local)

	// Sync up after local edits, then down after edits on the server.
	localChanges(t, src, local)
	run("sync", src, remote)
	sameTree(t, "objects after rclone sync up", r.remoteTree(bucket, prefix), local)
	r.remoteChanges(bucket, prefix)
	run("sync", remote, down)
	sameTree(t, "files after rclone sync down", readTree(t, down), r.remoteTree(bucket, prefix))

	// A pre-signed URL (rclone link), fetched by a plain client.
	checkPresigned(t, run("link", "--expire", "5m", remote+"sub/deep/x+y=z & ü.txt"), local["sub/deep/x+y=z & ü.txt"])

	// Remove recursively, then the bucket with what is left in it.
	run("delete", remote)
	if left := r.remoteTree(bucket, ""); len(left) != 0 {
		t.Fatalf("objects left after rclone delete: %d", len(left))
	}
	r.put(bucket, "last", []byte("x"))
	run("purge", "arca:"+bucket)
	r.bucketGone(bucket)
}
