package oss

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"time"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/httpx"
)

// A bucket's WORM retention policy (InitiateBucketWorm and its kin): for
// RetentionPeriodInDays after its last modification an object can be
// neither overwritten nor deleted; OSS answers 409 FileImmutable. A new
// policy is InProgress, and protects, for 24 hours; CompleteBucketWorm
// locks it, after which it can only be extended. The policy is the
// bucket's record under Configs["oss-worm"]; the checks are made here,
// before the core is called, with a forbid-overwrite guard so that an
// object created meanwhile is not replaced.

const wormConfigKey = "oss-worm"

const (
	wormInProgress = "InProgress"
	wormLocked     = "Locked"
	wormWindow     = 24 * time.Hour
	maxWormDays    = 25550 // 70 years
)

type worm struct {
	ID      string    `json:"id"`
	State   string    `json:"st"`
	Days    int       `json:"d"`
	Created time.Time `json:"t"`
}

func wormOf(b *core.Bucket) *worm {
	raw, ok := b.Configs[wormConfigKey]
	if !ok {
		return nil
	}
	var w worm
	if json.Unmarshal(raw, &w) != nil {
		return nil
	}
	return &w
}

// active reports whether the policy is in force: locked, or in progress
// and not expired.
func (w *worm) active(now time.Time) bool {
	return w.State == wormLocked || now.Before(w.Created.Add(wormWindow))
}

var (
	errNoSuchWorm = &Error{"NoSuchWORMConfiguration", 404, "The WORM Configuration does not exist.", "", nil}
	errWormLocked = &Error{"WORMConfigurationLocked", 409, "The WORM configuration is locked.", "", nil}
	errWormExists = &Error{"WORMConfigurationLocked", 409, "The bucket already has a WORM configuration; abort it (if in progress) first.", "", nil}
)

// wormWrite checks a write of key against the bucket's retention policy:
// a protected object cannot be replaced. When the key is free, it sets
// *forbid so that an object created in between is not replaced either,
// and the returned fix reports that as FileImmutable. In a versioned
// bucket a write replaces nothing, so it is always allowed.
func (c *call) wormWrite(b *core.Bucket, key string, forbid *bool) (fix func(error) error, err error) {
	fix = func(err error) error { return err }
	w := wormOf(b)
	if w == nil || !w.active(c.h.now()) || b.Versioning != core.VersioningOff {
		return fix, nil
	}
	cur, err := c.h.store.GetObject(c.r.Context(), b.Name, key, "")
	switch {
	case err == nil:
		if c.protected(b, cur) {
			return nil, errFileImmutable
		}
		return fix, nil
	case !errors.Is(err, core.ErrNoSuchKey):
		return nil, err
	}
	if !*forbid {
		*forbid = true
		fix = func(err error) error {
			if errors.Is(err, core.ErrObjectExists) {
				return errFileImmutable
			}
			return err
		}
	}
	return fix, nil
}

// checkWormDelete refuses to delete a protected object or version. A
// delete that adds a delete marker removes nothing and is allowed.
func (c *call) checkWormDelete(b *core.Bucket, key, version string) error {
	w := wormOf(b)
	if w == nil || !w.active(c.h.now()) || (version == "" && b.Versioning != core.VersioningOff) {
		return nil
	}
	o, err := c.h.store.GetObject(c.r.Context(), b.Name, key, version)
	if err == nil && c.protected(b, o) {
		return errFileImmutable
	}
	return nil
}

type wormDays struct {
	RetentionPeriodInDays int `xml:"RetentionPeriodInDays"`
}

func (c *call) readWormDays(root string) (int, error) {
	var in struct {
		XMLName xml.Name
		wormDays
	}
	if err := c.readXML(&in); err != nil {
		return 0, err
	}
	if in.XMLName.Local != root {
		return 0, errMalformedXML
	}
	if d := in.RetentionPeriodInDays; d < 1 || d > maxWormDays {
		return 0, invalidArgument("", "RetentionPeriodInDays", itoa(int64(d)), "RetentionPeriodInDays must be 1 to %d.", maxWormDays)
	}
	return in.RetentionPeriodInDays, nil
}

func (c *call) setWorm(b *core.Bucket, w *worm) error {
	_, err := c.h.store.UpdateBucket(c.r.Context(), b.Name, func(nb *core.Bucket) error {
		if w == nil {
			delete(nb.Configs, wormConfigKey)
			return nil
		}
		raw, _ := json.Marshal(w)
		nb.Configs[wormConfigKey] = raw
		return nil
	})
	return err
}

func (c *call) initiateWorm() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.requireOwner(b); err != nil {
		return err
	}
	days, err := c.readWormDays("InitiateWormConfiguration")
	if err != nil {
		return err
	}
	if w := wormOf(b); w != nil && w.active(c.h.now()) {
		return errWormExists
	}
	var id [16]byte
	rand.Read(id[:])
	w := &worm{ID: hex.EncodeToString(id[:]), State: wormInProgress, Days: days, Created: c.h.now().UTC()}
	if err := c.setWorm(b, w); err != nil {
		return err
	}
	c.w.Header().Set("x-oss-worm-id", w.ID)
	return c.empty(200)
}

func (c *call) getWorm() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.requireOwner(b); err != nil {
		return err
	}
	w := wormOf(b)
	if w == nil || !w.active(c.h.now()) {
		return errNoSuchWorm
	}
	type out struct {
		XMLName               xml.Name `xml:"WormConfiguration"`
		WormID                string   `xml:"WormId"`
		State                 string   `xml:"State"`
		RetentionPeriodInDays int      `xml:"RetentionPeriodInDays"`
		CreationDate          string   `xml:"CreationDate"`
		ExpirationDate        string   `xml:"ExpirationDate,omitempty"`
	}
	o := out{WormID: w.ID, State: w.State, RetentionPeriodInDays: w.Days, CreationDate: httpx.ISOTime(w.Created)}
	if w.State == wormInProgress {
		o.ExpirationDate = httpx.ISOTime(w.Created.Add(wormWindow))
	}
	return c.writeXML(200, o)
}

// wormFor returns the bucket's policy if the request names it (wormId).
func (c *call) wormFor(b *core.Bucket) (*worm, error) {
	w := wormOf(b)
	if w == nil || !w.active(c.h.now()) {
		return nil, errNoSuchWorm
	}
	if id := c.q.Get("wormId"); id != w.ID {
		return nil, invalidArgument("", "wormId", id, "The wormId does not name the bucket's WORM configuration.")
	}
	return w, nil
}

func (c *call) abortWorm() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.requireOwner(b); err != nil {
		return err
	}
	w := wormOf(b)
	if w == nil || !w.active(c.h.now()) {
		return errNoSuchWorm
	}
	if w.State == wormLocked {
		return errWormLocked
	}
	if err := c.setWorm(b, nil); err != nil {
		return err
	}
	return c.empty(http.StatusNoContent)
}

func (c *call) completeWorm() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.requireOwner(b); err != nil {
		return err
	}
	w, err := c.wormFor(b)
	if err != nil {
		return err
	}
	if w.State != wormLocked {
		w.State = wormLocked
		if err := c.setWorm(b, w); err != nil {
			return err
		}
	}
	return c.empty(200)
}

func (c *call) extendWorm() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.requireOwner(b); err != nil {
		return err
	}
	w, err := c.wormFor(b)
	if err != nil {
		return err
	}
	days, err := c.readWormDays("ExtendWormConfiguration")
	if err != nil {
		return err
	}
	if w.State != wormLocked {
		return errorf("InvalidWORMState", 409, "Only a locked WORM configuration can be extended.")
	}
	if days <= w.Days {
		return invalidArgument("", "RetentionPeriodInDays", itoa(int64(days)), "An extension must lengthen the retention period (now %d days).", w.Days)
	}
	w.Days = days
	if err := c.setWorm(b, w); err != nil {
		return err
	}
	return c.empty(200)
}
