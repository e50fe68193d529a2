package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"regexp"
	"slices"
	"time"

	"gorm.io/gorm/clause"
)

// Upload is an image someone attached to a post, or is about to. Its bytes
// live in the upload store under Key and ThumbKey; the row says whose it is
// and how large, so a page gives the image its size before it loads.
type Upload struct {
	ID          int64
	UserID      int64
	Hash        string // a digest of the display image: its name
	Ext         string // "png" or "jpg"
	Width       int
	Height      int
	ThumbExt    string
	ThumbWidth  int
	ThumbHeight int
	Bytes       int64
	// OCRFindings is what the personal-data guard found in the image's
	// text, as JSON (see Findings); empty when nothing was read or found.
	OCRFindings string `gorm:"column:ocr_findings"`
	CreatedAt   time.Time
}

// Key is the display image's name in the upload store and in its address.
func (u Upload) Key() string { return u.Hash + "." + u.Ext }

// ThumbKey is the thumbnail's name.
func (u Upload) ThumbKey() string { return u.Hash + ".thumb." + u.ThumbExt }

// Path is the image's address on the forum.
func (u Upload) Path() string { return UploadPrefix + u.Key() }

// Finding is a piece of personal data seen in an image: what it is and
// where, in the display image's pixels.
type Finding struct {
	Kind string          `json:"kind"`
	Box  image.Rectangle `json:"box"`
}

// Findings decodes OCRFindings.
func (u Upload) Findings() []Finding {
	if u.OCRFindings == "" {
		return nil
	}
	var f []Finding
	if json.Unmarshal([]byte(u.OCRFindings), &f) != nil {
		return nil
	}
	return f
}

// SetFindings encodes findings into OCRFindings.
func (u *Upload) SetFindings(f []Finding) {
	u.OCRFindings = ""
	if len(f) > 0 {
		b, _ := json.Marshal(f)
		u.OCRFindings = string(b)
	}
}

// UploadPrefix starts the address of every uploaded image.
const UploadPrefix = "/u/"

// MaxImagesPerPost is how many uploaded images one post may show.
const MaxImagesPerPost = 10

// UploadOrphanAge is how long an upload may wait to be attached to a post
// before the sweep deletes it.
const UploadOrphanAge = 24 * time.Hour

// uploadName matches an upload's file name: its display image or its
// thumbnail.
var uploadName = regexp.MustCompile(`^([0-9a-f]{32})(\.thumb)?\.(png|jpg)$`)

// uploadSource finds the uploaded images in a post's HTML, as the renderer
// writes them.
var uploadSource = regexp.MustCompile(`src="/u/([0-9a-f]{32})\.(?:png|jpg)"`)

// UploadHashes lists the uploads a post's HTML shows, each once, in order.
func UploadHashes(html string) []string { return digests(uploadSource, html) }

// sourceUpload finds the addresses of uploaded images in markdown.
var sourceUpload = regexp.MustCompile(`/u/([0-9a-f]{32})\.(?:png|jpg)`)

// SourceUploadHashes lists the uploads a markdown source names, each once,
// in order.
func SourceUploadHashes(source string) []string { return digests(sourceUpload, source) }

// digests lists the first group of each match of re in s, each once, in
// order.
func digests(re *regexp.Regexp, s string) []string {
	var hashes []string
	seen := map[string]bool{}
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			hashes = append(hashes, m[1])
		}
	}
	return hashes
}

// Reasons an upload is refused, as RefusedError.Reason.
const (
	RefuseUploadNewAccount = "upload_new_account" // new accounts may not post images
	RefuseUploadQuota      = "upload_quota"       // the day's uploads are used up
)

// MayUpload applies the posting rules to an upload: a limited account may
// not, nor a new one while new accounts may post no images, nor anyone past
// the day's quota.
func (s *Store) MayUpload(ctx context.Context, u User) error {
	now := time.Now().UTC()
	if err := refuseRestricted(u, now); err != nil {
		return err
	}
	rules, err := s.Rules(ctx)
	if err != nil {
		return err
	}
	if rules.NewMaxImages == 0 {
		newcomer, err := s.isNewAccount(u, rules, now)
		if err != nil {
			return fmt.Errorf("models: trust of user %d: %w", u.ID, err)
		}
		if newcomer {
			return &RefusedError{Reason: RefuseUploadNewAccount}
		}
	}
	if u.CanModerate() || rules.UploadsPerDay <= 0 {
		return nil
	}
	var oldest []time.Time
	err = s.db.WithContext(ctx).Model(&Upload{}).Where("user_id = ? AND created_at > ?", u.ID, now.Add(-24*time.Hour)).
		Order("created_at").Limit(rules.UploadsPerDay).Pluck("created_at", &oldest).Error
	if err != nil {
		return fmt.Errorf("models: uploads of user %d today: %w", u.ID, err)
	}
	if len(oldest) >= rules.UploadsPerDay {
		return &RefusedError{Reason: RefuseUploadQuota, RetryAfter: oldest[0].Add(24 * time.Hour).Sub(now),
			Detail: fmt.Sprint(rules.UploadsPerDay)}
	}
	return nil
}

// SaveUpload records an upload. The same image from the same person is one
// row: uploading it again returns the first.
func (s *Store) SaveUpload(ctx context.Context, u Upload) (Upload, error) {
	u.CreatedAt = time.Now().UTC()
	db := s.db.WithContext(ctx)
	err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&u).Error
	if err == nil {
		err = db.Where("user_id = ? AND hash = ?", u.UserID, u.Hash).Take(&u).Error
	}
	if err != nil {
		return Upload{}, fmt.Errorf("models: save upload %s: %w", u.Hash, err)
	}
	return u, nil
}

// UploadsOf returns the user's uploads among hashes, in their order.
func (s *Store) UploadsOf(ctx context.Context, userID int64, hashes []string) ([]Upload, error) {
	if len(hashes) == 0 {
		return nil, nil
	}
	var rows []Upload
	if err := s.db.WithContext(ctx).Where("user_id = ? AND hash IN ?", userID, hashes).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: uploads of user %d: %w", userID, err)
	}
	order := map[string]int{}
	for i, h := range hashes {
		order[h] = i
	}
	slices.SortFunc(rows, func(a, b Upload) int { return order[a.Hash] - order[b.Hash] })
	return rows, nil
}

// ImageSizes gives the width and height of uploaded images by hash, for
// the renderer to write into the page.
func (s *Store) ImageSizes(ctx context.Context, hashes []string) (map[string][2]int, error) {
	sizes := map[string][2]int{}
	if len(hashes) == 0 {
		return sizes, nil
	}
	var rows []Upload
	if err := s.db.WithContext(ctx).Select("hash", "width", "height").Where("hash IN ?", hashes).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: image sizes: %w", err)
	}
	for _, u := range rows {
		sizes[u.Hash] = [2]int{u.Width, u.Height}
	}
	return sizes, nil
}

// ServedImage is an uploaded image a viewer may see.
type ServedImage struct {
	Upload
	File string // the display image's or the thumbnail's name in the store
	// Public is true when an anonymous visitor may see it too: only then
	// may caches between the forum and the reader keep it.
	Public bool
}

// ImageFor answers whether viewer (nil: a visitor) may see the uploaded
// image with this file name, by the one visibility rule: an image is seen
// by whoever may read a post that shows it, and by whoever uploaded it.
// Anything else is ErrNotFound.
func (s *Store) ImageFor(ctx context.Context, viewer *User, name string) (ServedImage, error) {
	m := uploadName.FindStringSubmatch(name)
	if m == nil {
		return ServedImage{}, ErrNotFound
	}
	var rows []Upload
	if err := s.db.WithContext(ctx).Where("hash = ?", m[1]).Order("id").Find(&rows).Error; err != nil {
		return ServedImage{}, fmt.Errorf("models: image %s: %w", m[1], err)
	}
	if len(rows) == 0 {
		return ServedImage{}, ErrNotFound
	}
	img := ServedImage{Upload: rows[0]}
	img.File = img.Key()
	if m[2] != "" {
		img.File = img.ThumbKey()
	}
	if name != img.File {
		return ServedImage{}, ErrNotFound // the right digest, the wrong kind of file
	}
	ids := make([]int64, len(rows))
	for i, u := range rows {
		ids[i] = u.ID
	}
	public, err := s.imageShown(ctx, nil, ids)
	if err != nil || public {
		img.Public = public
		return img, err
	}
	for _, u := range rows {
		if viewer != nil && u.UserID == viewer.ID {
			return img, nil
		}
	}
	if viewer == nil {
		return ServedImage{}, ErrNotFound
	}
	shown, err := s.imageShown(ctx, viewer, ids)
	if err != nil {
		return ServedImage{}, err
	}
	if !shown {
		return ServedImage{}, ErrNotFound
	}
	return img, nil
}

// imageShown reports whether viewer may read a post showing one of the
// uploads.
func (s *Store) imageShown(ctx context.Context, viewer *User, uploadIDs []int64) (bool, error) {
	visible, args := visiblePostSQL(viewer, "posts", "threads")
	var n int64
	err := s.db.WithContext(ctx).Table("post_images").
		Joins("JOIN posts ON posts.id = post_images.post_id").
		Joins("JOIN threads ON threads.id = posts.thread_id").
		Where("post_images.upload_id IN ?", uploadIDs).Where(visible, args...).Limit(1).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("models: posts showing an image: %w", err)
	}
	return n > 0, nil
}

// attachImages records which of its author's uploads a post shows, after
// every write of its text: the images a post no longer shows are no longer
// its. Only the author's own uploads attach, so nobody can bring a hidden
// image back into view by pasting its address into a post of their own.
func (s *Store) attachImages(post Post, replace bool) error {
	hashes := UploadHashes(post.HTML)
	if replace {
		if err := s.db.Where("post_id = ?", post.ID).Delete(&postImage{}).Error; err != nil {
			return err
		}
	}
	if len(hashes) > 0 {
		err := s.db.Exec(`INSERT INTO post_images (post_id, upload_id)
			SELECT ?, id FROM uploads WHERE user_id = ? AND hash IN ? ON CONFLICT DO NOTHING`,
			post.ID, post.UserID, hashes).Error
		if err != nil {
			return err
		}
	}
	if post.Position != 1 || (len(hashes) == 0 && !replace) {
		return nil
	}
	// The question's first image of its own is its thread's in lists.
	var thumb Upload
	if len(hashes) > 0 {
		shown, err := s.UploadsOf(s.db.Statement.Context, post.UserID, hashes) // the write's own context
		if err != nil {
			return err
		}
		if len(shown) > 0 {
			thumb = shown[0]
		}
	}
	var key string
	if thumb.ID != 0 {
		key = thumb.ThumbKey()
	}
	return s.db.Exec(`UPDATE threads SET thumb = ?, thumb_width = ?, thumb_height = ? WHERE id = ?`,
		key, thumb.ThumbWidth, thumb.ThumbHeight, post.ThreadID).Error
}

// postImage is a row of post_images.
type postImage struct {
	PostID   int64
	UploadID int64
}

func (postImage) TableName() string { return "post_images" }

// SweepUploads deletes the uploads nobody attached to a post within
// UploadOrphanAge of uploading them, and returns the store keys no upload
// names any more, for the caller to delete from the upload store.
func (s *Store) SweepUploads(ctx context.Context, now time.Time) ([]string, error) {
	var orphans []Upload
	err := s.Tx(ctx, func(tx *Store) error {
		err := tx.db.Where("created_at < ? AND NOT EXISTS (SELECT 1 FROM post_images WHERE post_images.upload_id = uploads.id)",
			now.Add(-UploadOrphanAge)).Find(&orphans).Error
		if err != nil || len(orphans) == 0 {
			return err
		}
		ids := make([]int64, len(orphans))
		for i, u := range orphans {
			ids[i] = u.ID
		}
		return tx.db.Where("id IN ?", ids).Delete(&Upload{}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("models: sweep uploads: %w", err)
	}
	return s.unusedKeys(ctx, orphans)
}

// unusedKeys returns the store keys of uploads whose image no remaining
// upload row shares.
func (s *Store) unusedKeys(ctx context.Context, gone []Upload) ([]string, error) {
	if len(gone) == 0 {
		return nil, nil
	}
	hashes := make([]string, len(gone))
	for i, u := range gone {
		hashes[i] = u.Hash
	}
	// One read for the whole sweep: which of these images a row still names.
	var kept []string
	if err := s.db.WithContext(ctx).Model(&Upload{}).Where("hash IN ?", hashes).Distinct().Pluck("hash", &kept).Error; err != nil {
		return nil, fmt.Errorf("models: uploads still naming swept images: %w", err)
	}
	still := make(map[string]bool, len(kept))
	for _, h := range kept {
		still[h] = true
	}
	var keys []string
	for _, u := range gone {
		if !still[u.Hash] {
			still[u.Hash] = true // two swept rows of one image delete its files once
			keys = append(keys, u.Key(), u.ThumbKey())
		}
	}
	return keys, nil
}

// errNoSuchImage is a removal of an image the post does not show.
var errNoSuchImage = errors.New("models: the post shows no such image")

// RemoveImage takes one uploaded image out of a post, as a moderator's edit:
// the text it replaces is kept as a revision, the post no longer shows the
// image, and the audit log says who and why. The image stays served only
// where another post shows it.
func (s *Store) RemoveImage(ctx context.Context, mod User, postID int64, hash, reason, replacement string) (Post, error) {
	if err := mod.mayModerate(); err != nil {
		return Post{}, err
	}
	post, err := s.PostByID(ctx, &mod, postID)
	if err != nil {
		return Post{}, err
	}
	body, n := removeImageMarkdown(post.Source, hash, replacement)
	if n == 0 {
		return Post{}, fmt.Errorf("models: remove image %s from post %d: %w", hash, postID, errors.Join(ErrNotFound, errNoSuchImage))
	}
	html, err := s.md.Render(ctx, body)
	if err != nil {
		return Post{}, fmt.Errorf("models: render post %d without image: %w", postID, err)
	}
	err = s.Tx(ctx, func(tx *Store) error {
		if err := tx.applyEdit(mod, &post, PostEdit{Body: body}, html, time.Now().UTC()); err != nil {
			return err
		}
		return tx.audit(mod, "post.image.remove", "post", post.ID, reason)
	})
	if err != nil {
		return Post{}, fmt.Errorf("models: remove image from post %d: %w", postID, err)
	}
	return post, nil
}

// removeImageMarkdown replaces every markdown image of the upload in
// source (![alt](/u/hash.ext "title")) with replacement.
func removeImageMarkdown(source, hash, replacement string) (string, int) {
	re := regexp.MustCompile(`!\[[^\]]*\]\(\s*<?/u/` + regexp.QuoteMeta(hash) + `\.(?:png|jpg)>?(?:\s+"[^"]*")?\s*\)`)
	n := len(re.FindAllStringIndex(source, -1))
	return re.ReplaceAllLiteralString(source, replacement), n
}
