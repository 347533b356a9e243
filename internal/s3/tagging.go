package s3

import (
	"encoding/json"
	"encoding/xml"
	"net/url"
	"sort"
	"unicode/utf8"

	"github.com/arcastore/arca/internal/core"
)

// Tag limits (object-tagging, CostAllocTagging): keys of 1 to 128
// characters, values up to 256, at most 10 per object and 50 per bucket,
// no key twice.
const (
	maxTagKey        = 128
	maxTagValue      = 256
	maxObjectTags    = 10
	maxBucketTags    = 50
	tagsConfigKey    = "tags"
	errTagCountObj   = "Object tags cannot be greater than 10"
	errTagCountBuckt = "Bucket tag count cannot be greater than 50"
)

type xmlTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type tagging struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ Tagging"`
	TagSet  []xmlTag `xml:"TagSet>Tag"`
}

type inTagging struct {
	XMLName xml.Name `xml:"Tagging"`
	TagSet  *struct {
		Tags []xmlTag `xml:"Tag"`
	} `xml:"TagSet"`
}

// checkTags validates a tag set and returns it as a map (nil when empty).
func checkTags(tags []xmlTag, max int) (map[string]string, error) {
	if len(tags) > max {
		msg := errTagCountObj
		if max == maxBucketTags {
			msg = errTagCountBuckt
		}
		return nil, errorf("BadRequest", 400, "%s", msg)
	}
	if len(tags) == 0 {
		return nil, nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		if n := utf8.RuneCountInString(t.Key); n == 0 || n > maxTagKey || !utf8.ValidString(t.Key) {
			return nil, errorf("InvalidTag", 400, "The TagKey you have provided is invalid")
		}
		if utf8.RuneCountInString(t.Value) > maxTagValue || !utf8.ValidString(t.Value) {
			return nil, errorf("InvalidTag", 400, "The TagValue you have provided is invalid")
		}
		if _, dup := m[t.Key]; dup {
			return nil, errorf("InvalidTag", 400, "Cannot provide multiple Tags with the same key")
		}
		m[t.Key] = t.Value
	}
	return m, nil
}

// parseTagHeader reads x-amz-tagging (or a form's tagging field in query
// form): key1=value1&key2=value2, URL-encoded.
func parseTagHeader(v string) (map[string]string, error) {
	if v == "" {
		return nil, nil
	}
	q, err := url.ParseQuery(v)
	if err != nil {
		return nil, invalidArgument("x-amz-tagging", v, "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
	}
	var tags []xmlTag
	for k, vs := range q {
		if len(vs) > 1 {
			return nil, errorf("InvalidTag", 400, "Cannot provide multiple Tags with the same key")
		}
		tags = append(tags, xmlTag{Key: k, Value: vs[0]})
	}
	return checkTags(tags, maxObjectTags)
}

// tagSet renders tags sorted by key.
func tagSet(m map[string]string) tagging {
	t := tagging{TagSet: []xmlTag{}}
	for k, v := range m {
		t.TagSet = append(t.TagSet, xmlTag{Key: k, Value: v})
	}
	sort.Slice(t.TagSet, func(i, j int) bool { return t.TagSet[i].Key < t.TagSet[j].Key })
	return t
}

// readTags reads a Tagging document.
func (c *call) readTags(max int) (map[string]string, error) {
	var in inTagging
	if err := c.readXML(&in); err != nil {
		return nil, err
	}
	if in.TagSet == nil {
		return nil, errMalformedXML
	}
	return checkTags(in.TagSet.Tags, max)
}

// --- object tagging ---

func (c *call) getObjectTagging() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	o, err := c.h.store.GetObject(c.r.Context(), b.Name, c.req.Key, c.version())
	if err != nil {
		return err
	}
	if err := c.allowObject(b, o, core.PermRead); err != nil {
		return err
	}
	c.setVersionHeader(b, o)
	return writeXML(c.w, 200, tagSet(o.Tags))
}

func (c *call) putObjectTagging() error {
	return c.setObjectTags(true)
}

func (c *call) deleteObjectTagging() error {
	return c.setObjectTags(false)
}

func (c *call) setObjectTags(put bool) error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.allowBucket(b, core.PermWrite); err != nil {
		return err
	}
	var tags map[string]string
	if put {
		if tags, err = c.readTags(maxObjectTags); err != nil {
			return err
		}
	}
	o, err := c.h.store.SetObjectTags(c.r.Context(), b.Name, c.req.Key, c.version(), tags)
	if err != nil {
		return err
	}
	c.setVersionHeader(b, o)
	if put {
		return c.empty(200)
	}
	return c.empty(204)
}

// --- bucket tagging ---

func bucketTags(b *core.Bucket) map[string]string {
	raw, ok := b.Configs[tagsConfigKey]
	if !ok {
		return nil
	}
	var m map[string]string
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}

func (c *call) getBucketTagging() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.ownerOnly(b); err != nil {
		return err
	}
	tags := bucketTags(b)
	if tags == nil {
		return errNoSuchTagSet
	}
	return writeXML(c.w, 200, tagSet(tags))
}

func (c *call) putBucketTagging() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.ownerOnly(b); err != nil {
		return err
	}
	tags, err := c.readTags(maxBucketTags)
	if err != nil {
		return err
	}
	if tags == nil {
		tags = map[string]string{}
	}
	raw, _ := json.Marshal(tags)
	if _, err := c.h.store.UpdateBucket(c.r.Context(), b.Name, func(nb *core.Bucket) error {
		nb.Configs[tagsConfigKey] = raw
		return nil
	}); err != nil {
		return err
	}
	return c.empty(204)
}

func (c *call) deleteBucketTagging() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.ownerOnly(b); err != nil {
		return err
	}
	if _, err := c.h.store.UpdateBucket(c.r.Context(), b.Name, func(nb *core.Bucket) error {
		delete(nb.Configs, tagsConfigKey)
		return nil
	}); err != nil {
		return err
	}
	return c.empty(204)
}
