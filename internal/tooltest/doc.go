// Package tooltest runs the S3 command-line tools people already use
// against a running Arca: aws cli, rclone and s3cmd as subprocesses, and
// minio-go in process. Each test starts a server with arcatest, writes the
// tool's own configuration files into t.TempDir() (never the user's home;
// HOME points there too, and AWS_*/RCLONE_* variables of the environment
// are dropped), and drives the everyday commands: make a bucket, copy a
// tree up and down recursively (a multipart upload included), list, sync
// both ways with deletions and updates, pre-sign a URL fetched by a plain
// HTTP client, and remove recursively.
//
// A tool missing from the machine skips its test, unless
// ARCA_REQUIRE_TOOLS=1 (CI sets it), when it fails. ARCA_AWS_CLI, if set,
// names the aws executable to use; otherwise Debian's /usr/bin/aws is
// preferred to another aws on PATH.
package tooltest
