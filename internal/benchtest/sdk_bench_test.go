package benchtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	ossv2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	ossv1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/arcastore/arca/internal/arcatest"
	"github.com/arcastore/arca/internal/cosjson"
)

const objectSize = 4 << 10

func payload() []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, objectSize)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// client is one SDK's PUT and GET of a key in its bucket.
type client struct {
	name string
	put  func(ctx context.Context, key string, data []byte) error
	get  func(ctx context.Context, key string) ([]byte, error)
}

// clients returns a client per SDK, each with its own fresh bucket on s.
func clients(b *testing.B, s *arcatest.Server) []client {
	ctx := b.Context()
	var cs []client

	// cos-go-sdk-v5: virtual-host style, q-sign header signatures.
	cosBucket := arcatest.Bucket("bench")
	cc := s.COS(cosBucket)
	if _, err := cc.Bucket.Put(ctx, nil); err != nil {
		b.Fatalf("COS create bucket: %v", err)
	}
	cs = append(cs, client{"cos-go-sdk-v5",
		func(ctx context.Context, key string, data []byte) error {
			_, err := cc.Object.Put(ctx, key, bytes.NewReader(data), nil)
			return err
		},
		func(ctx context.Context, key string) ([]byte, error) {
			resp, err := cc.Object.Get(ctx, key, nil)
			if err != nil {
				return nil, err
			}
			defer resp.Body.Close()
			return io.ReadAll(resp.Body)
		}})

	// aliyun-oss-go-sdk, V1 and V4 signatures, virtual-host style.
	for _, v := range []struct {
		name string
		opts []ossv1.ClientOption
	}{
		{"aliyun-oss-go-sdk-V1", nil},
		{"aliyun-oss-go-sdk-V4", []ossv1.ClientOption{ossv1.AuthVersion(ossv1.AuthV4), ossv1.Region(arcatest.OSSRegion)}},
	} {
		name := arcatest.OSSBucket("bench")
		if err := s.OSSV1(true, v.opts...).CreateBucket(name); err != nil {
			b.Fatalf("%s create bucket: %v", v.name, err)
		}
		bk := s.OSSV1Bucket(name, true, v.opts...)
		cs = append(cs, client{v.name,
			func(ctx context.Context, key string, data []byte) error {
				return bk.PutObject(key, bytes.NewReader(data), ossv1.WithContext(ctx))
			},
			func(ctx context.Context, key string) ([]byte, error) {
				rc, err := bk.GetObject(key, ossv1.WithContext(ctx))
				if err != nil {
					return nil, err
				}
				defer rc.Close()
				return io.ReadAll(rc)
			}})
	}

	// alibabacloud-oss-go-sdk-v2: V4 signatures, virtual-host style.
	oc := s.OSSV2(true)
	ossBucket := arcatest.OSSBucket("bench")
	if _, err := oc.PutBucket(ctx, &ossv2.PutBucketRequest{Bucket: &ossBucket}); err != nil {
		b.Fatalf("OSS v2 create bucket: %v", err)
	}
	cs = append(cs, client{"alibabacloud-oss-go-sdk-v2",
		func(ctx context.Context, key string, data []byte) error {
			_, err := oc.PutObject(ctx, &ossv2.PutObjectRequest{Bucket: &ossBucket, Key: &key, Body: bytes.NewReader(data)})
			return err
		},
		func(ctx context.Context, key string) ([]byte, error) {
			res, err := oc.GetObject(ctx, &ossv2.GetObjectRequest{Bucket: &ossBucket, Key: &key})
			if err != nil {
				return nil, err
			}
			defer res.Body.Close()
			return io.ReadAll(res.Body)
		}})

	// aws-sdk-go-v2: SigV4 headers, virtual-host style, plain HTTP (the
	// SDK signs the body's SHA-256 and sends a CRC32 checksum).
	sc := s.S3(arcatest.S3Client{VirtualHost: true})
	s3Bucket := arcatest.Bucket("bench")
	if _, err := sc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &s3Bucket}); err != nil {
		b.Fatalf("S3 create bucket: %v", err)
	}
	cs = append(cs, client{"aws-sdk-go-v2",
		func(ctx context.Context, key string, data []byte) error {
			_, err := sc.PutObject(ctx, &s3.PutObjectInput{Bucket: &s3Bucket, Key: &key, Body: bytes.NewReader(data),
				ContentLength: aws.Int64(int64(len(data)))})
			return err
		},
		func(ctx context.Context, key string) ([]byte, error) {
			out, err := sc.GetObject(ctx, &s3.GetObjectInput{Bucket: &s3Bucket, Key: &key})
			if err != nil {
				return nil, err
			}
			defer out.Body.Close()
			return io.ReadAll(out.Body)
		}})
	return cs
}

// BenchmarkPutGet4KiB is one PUT of a new 4 KiB object and one GET of it
// per iteration, through each SDK.
func BenchmarkPutGet4KiB(b *testing.B) {
	s := arcatest.Start(b)
	data := payload()
	for _, c := range clients(b, s) {
		b.Run(c.name, func(b *testing.B) {
			ctx := b.Context()
			b.SetBytes(2 * objectSize)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				key := fmt.Sprintf("put-get/%08d", i)
				if err := c.put(ctx, key, data); err != nil {
					b.Fatalf("PUT %s: %v", key, err)
				}
				got, err := c.get(ctx, key)
				if err != nil {
					b.Fatalf("GET %s: %v", key, err)
				}
				if !bytes.Equal(got, data) {
					b.Fatalf("GET %s: %d bytes, not the %d put", key, len(got), len(data))
				}
			}
		})
	}
}

// BenchmarkCOSJSONUpload4KiB is one simple upload (op=upload) of a new
// 4 KiB file per iteration through the COS JSON API v2, as a client of
// seed 002 sends it: a multipart/form-data POST with a multi-use signature
// (made per request, as the SDKs do).
func BenchmarkCOSJSONUpload4KiB(b *testing.B) {
	s := arcatest.Start(b)
	name := arcatest.Bucket("bench")
	if _, err := s.COS(name).Bucket.Put(b.Context(), nil); err != nil {
		b.Fatalf("create bucket: %v", err)
	}
	bucketName := strings.TrimSuffix(name, "-"+arcatest.AppID)
	data := payload()
	b.SetBytes(objectSize)
	b.ReportAllocs()
	i := 0
	var body bytes.Buffer
	for b.Loop() {
		i++
		key := fmt.Sprintf("upload/%08d", i)
		body.Reset()
		mw := multipart.NewWriter(&body)
		mw.WriteField("op", "upload")
		mw.WriteField("insertOnly", "1")
		fw, _ := mw.CreateFormFile("filecontent", "upload.bin")
		fw.Write(data)
		mw.Close()
		now := time.Now().Unix()
		auth := cosjson.Sign(s.Root.SecretKey,
			cosjson.Original(arcatest.AppID, bucketName, s.Root.AccessKey, now+60, now, fmt.Sprint(rand.Uint32()), ""))
		req, err := http.NewRequestWithContext(b.Context(), "POST", s.URL()+"/files/v2/"+arcatest.AppID+"/"+bucketName+"/"+key, &body)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", auth)
		resp, err := s.Client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var res struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		err = json.NewDecoder(resp.Body).Decode(&res)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || res.Code != 0 {
			b.Fatalf("upload %s: %d %+v %v", key, resp.StatusCode, res, err)
		}
	}
}
