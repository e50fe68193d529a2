package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"mime/multipart"
	"path"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"hiroba/models"
	"hiroba/models/blobs"
	"hiroba/models/images"
	"hiroba/models/ocr"
	"hiroba/views"
)

// Screenshots: people attach images to posts, from the form's file input
// (without a script) or from the composer's editor, which blacks out what
// they mark and sends the edited image (POST /uploads). Either way the
// server decodes and re-encodes every image (nothing of the original file
// but its pixels is kept), reads its text for personal data when it can,
// and stores it under a digest of its bytes. Posts name images by that
// address; an image is served to whoever may read a post showing it.

// imageField is the form field of the files a post form attaches.
const imageField = "images"

// refusedUpload is an upload the forum does not take, with the reason in
// the reader's language and the status to answer with.
type refusedUpload struct {
	msg    string
	status int
}

func (r *refusedUpload) Error() string { return r.msg }

// createUpload takes one image from the composer's script and answers with
// the markdown that shows it.
func (h *Handler) createUpload(c *fiber.Ctx) error {
	user := currentUser(c)
	t := h.catalog.In(language(c))
	c.Set(fiber.HeaderCacheControl, "no-store")
	if user == nil {
		return c.Status(fiber.StatusForbidden).JSON(fiber.Map{"error": t.T("images.sign_in")})
	}
	file, err := c.FormFile("image")
	if err != nil {
		return c.Status(fiber.StatusUnprocessableEntity).JSON(fiber.Map{"error": t.T("images.refused_empty")})
	}
	up, err := h.receiveImage(c, *user, file)
	var refused *refusedUpload
	if errors.As(err, &refused) {
		return c.Status(refused.status).JSON(fiber.Map{"error": refused.msg})
	}
	if err != nil {
		return err
	}
	alt := altText(c.FormValue("alt"), file.Filename)
	return c.JSON(fiber.Map{"markdown": imageMarkdown(alt, up), "url": up.Path(), "width": up.Width, "height": up.Height})
}

// attachFormImages stores the images a post form sent (the path without a
// script) and adds each to the end of the body, described by its file
// name. A form that brought images comes back to its author before anything
// is posted, with the images in its text and its preview, to check their
// descriptions; a refused file comes back with the reason beside the field.
// Either way it returns the status to answer with; 0 means the form sent no
// images and carries on.
func (h *Handler) attachFormImages(c *fiber.Ctx, form *views.PostForm) (int, error) {
	mf, err := c.MultipartForm()
	if err != nil {
		return 0, nil // not multipart: a form from before images, or a script
	}
	var files []*multipart.FileHeader
	for _, f := range mf.File[imageField] {
		if f.Size > 0 || f.Filename != "" {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return 0, nil // the file input was left empty
	}
	t := h.catalog.In(language(c))
	if currentUser(c) == nil {
		return 0, fiber.ErrForbidden
	}
	if have := len(models.SourceUploadHashes(form.Body)); have+len(files) > models.MaxImagesPerPost {
		form.Errors = map[string]string{imageField: t.T("refused.too_many_images", "Detail", models.MaxImagesPerPost)}
		return fiber.StatusUnprocessableEntity, nil
	}
	for _, f := range files {
		up, err := h.receiveImage(c, *currentUser(c), f)
		var refused *refusedUpload
		if errors.As(err, &refused) {
			form.Errors = map[string]string{imageField: t.T("images.refused_file", "Name", f.Filename, "Reason", refused.msg)}
			return refused.status, nil
		}
		if err != nil {
			return 0, err
		}
		form.Body = strings.TrimRight(form.Body, "\n") + "\n\n" + imageMarkdown(altText("", f.Filename), up) + "\n"
		form.ImagesAdded++
	}
	return h.previewForm(c, form)
}

// receiveImage runs the posting rules for an upload, processes the image
// and stores it.
func (h *Handler) receiveImage(c *fiber.Ctx, user models.User, file *multipart.FileHeader) (models.Upload, error) {
	ctx, t := c.UserContext(), h.catalog.In(language(c))
	if h.cfg.Uploads == nil {
		return models.Upload{}, &refusedUpload{msg: t.T("images.unavailable"), status: fiber.StatusServiceUnavailable}
	}
	err := h.store.MayUpload(ctx, user)
	if msg, status, refused := h.refusal(c, t, err); refused {
		return models.Upload{}, &refusedUpload{msg: msg, status: status}
	}
	if err != nil {
		return models.Upload{}, err
	}
	limits := images.DefaultLimits
	if file.Size > limits.MaxBytes {
		return models.Upload{}, h.imageRefusal(t, &images.Refusal{Reason: images.ReasonBytes})
	}
	data, err := readFile(file, limits.MaxBytes)
	if err != nil {
		return models.Upload{}, err
	}
	processed, err := h.process(ctx, data)
	if err != nil {
		return models.Upload{}, h.imageRefusal(t, err)
	}
	return h.storeImage(ctx, user, processed, true)
}

// process decodes and re-encodes an image when a slot is free.
func (h *Handler) process(ctx context.Context, data []byte) (images.Processed, error) {
	select {
	case h.imageSlots <- struct{}{}:
		defer func() { <-h.imageSlots }()
	case <-ctx.Done():
		return images.Processed{}, ctx.Err()
	}
	return images.Process(data, images.DefaultLimits)
}

// readFile reads an uploaded file, at most max bytes of it.
func readFile(file *multipart.FileHeader, max int64) ([]byte, error) {
	f, err := file.Open()
	if err != nil {
		return nil, fmt.Errorf("handlers: open upload: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("handlers: read upload: %w", err)
	}
	return data, nil
}

// imageRefusal turns the image pipeline's refusal into the message beside
// the field.
func (h *Handler) imageRefusal(t views.Translator, err error) error {
	var r *images.Refusal
	if !errors.As(err, &r) {
		return err
	}
	status := fiber.StatusUnprocessableEntity
	if r.Reason == images.ReasonBytes {
		status = fiber.StatusRequestEntityTooLarge
	}
	return &refusedUpload{msg: t.T("images.refused_" + r.Reason), status: status}
}

// storeImage keeps a processed image: its text read for personal data
// (when read is set and the server can read images), its files in the
// upload store, and its row.
func (h *Handler) storeImage(ctx context.Context, user models.User, p images.Processed, read bool) (models.Upload, error) {
	sum := sha256.Sum256(p.Display.Data)
	up := models.Upload{
		UserID: user.ID, Hash: hex.EncodeToString(sum[:16]), Ext: p.Display.Ext, Width: p.Display.Width, Height: p.Display.Height,
		ThumbExt: p.Thumb.Ext, ThumbWidth: p.Thumb.Width, ThumbHeight: p.Thumb.Height, Bytes: int64(len(p.Display.Data)),
	}
	if read {
		up.SetFindings(h.readImage(ctx, user, p.Display.Data))
	}
	if err := h.cfg.Uploads.Put(ctx, up.Key(), p.Display.Data, p.Display.ContentType); err != nil {
		return models.Upload{}, err
	}
	if err := h.cfg.Uploads.Put(ctx, up.ThumbKey(), p.Thumb.Data, p.Thumb.ContentType); err != nil {
		return models.Upload{}, err
	}
	return h.store.SaveUpload(ctx, up)
}

// readImage reads the text in an image and asks the personal-data guard
// about it. Reading is a help, not a gate: when the server cannot read
// images, or this person's previous image is still being read, or the time
// runs out, the image goes on unread (the editor in the page is the first
// line of defence).
func (h *Handler) readImage(ctx context.Context, user models.User, data []byte) []models.Finding {
	if h.cfg.OCR == nil || h.cfg.Guard == nil {
		return nil
	}
	res, err := h.cfg.OCR.Read(ctx, user.ID, data)
	if err != nil {
		if !errors.Is(err, ocr.ErrBusy) && !errors.Is(err, context.Canceled) {
			h.log.Warn("read text in an image", slog.Any("error", err))
		}
		return nil
	}
	var found []models.Finding
	for _, r := range ocr.Regions(h.cfg.Guard, res) {
		// The reader's boxes hug the letters; a margin of a third of a
		// line covers their edges and what a blur would leave.
		pad := max(r.Box.Dy()/3, 3)
		found = append(found, models.Finding{Kind: string(r.Kind), Box: r.Box.Inset(-pad)})
	}
	return found
}

// blackOut paints over what the guard found in an image and stores the
// result as a new upload of the same person.
func (h *Handler) blackOut(ctx context.Context, user models.User, up models.Upload) (models.Upload, error) {
	r, _, err := h.cfg.Uploads.Get(ctx, up.Key())
	if err != nil {
		return models.Upload{}, err
	}
	data, err := io.ReadAll(r)
	r.Close()
	if err != nil {
		return models.Upload{}, fmt.Errorf("handlers: read image %s: %w", up.Key(), err)
	}
	var boxes []image.Rectangle
	for _, f := range up.Findings() {
		boxes = append(boxes, f.Box)
	}
	painted, err := images.BlackOut(data, boxes)
	if err != nil {
		return models.Upload{}, err
	}
	processed, err := h.process(ctx, painted.Data)
	if err != nil {
		return models.Upload{}, err
	}
	return h.storeImage(ctx, user, processed, false)
}

// serveUpload sends an uploaded image to a reader who may see it. Addresses
// that are not an image's are a profile's: the next route has them.
func (h *Handler) serveUpload(c *fiber.Ctx) error {
	name := c.Params("name")
	if !strings.Contains(name, ".") {
		return c.Next() // usernames never hold a dot
	}
	keepOut(c)
	img, err := h.store.ImageFor(c.UserContext(), currentUser(c), name)
	if err != nil {
		return err // not found, for an image nobody may show this reader
	}
	if c.Get(fiber.HeaderIfNoneMatch) == `"`+img.Hash+`"` {
		return c.SendStatus(fiber.StatusNotModified)
	}
	// Read whole (a display image is a few hundred kilobytes): the
	// response is written after the handler returns, when the request's
	// context, which an S3 read is bound to, has ended.
	r, _, err := h.cfg.Uploads.Get(c.UserContext(), img.File)
	if errors.Is(err, blobs.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	data, err := io.ReadAll(r)
	r.Close()
	if err != nil {
		return fmt.Errorf("handlers: read image %s: %w", img.File, err)
	}
	c.Set(fiber.HeaderContentType, contentTypes[path.Ext(img.File)])
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentDisposition, "inline")
	c.Set(fiber.HeaderETag, `"`+img.Hash+`"`)
	// A digest names the bytes, so they never change under an address; but
	// only what every visitor may see may be kept by shared caches: an
	// image on a hidden post must leave with the post.
	if img.Public {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "private, no-cache")
	}
	return c.Send(data)
}

// contentTypes are the only types the forum serves images as.
var contentTypes = map[string]string{".png": "image/png", ".jpg": "image/jpeg"}

// altText is an image's description: what the person wrote, or the file's
// name without its extension, kept to one line without markdown's brackets.
func altText(alt, filename string) string {
	alt = strings.TrimSpace(alt)
	if alt == "" {
		base := path.Base(strings.ReplaceAll(filename, `\`, "/"))
		alt = strings.TrimSuffix(base, path.Ext(base))
	}
	alt = strings.Join(strings.Fields(altUnsafe.ReplaceAllString(utils.CopyString(alt), " ")), " ")
	if r := []rune(alt); len(r) > 200 {
		alt = strings.TrimSpace(string(r[:200]))
	}
	return alt
}

// altUnsafe is what would end an image's description early or break its
// line in markdown.
var altUnsafe = regexp.MustCompile(`[\[\]\\\r\n\t]+`)

// imageMarkdown is the markdown that shows an upload.
func imageMarkdown(alt string, up models.Upload) string {
	return "![" + alt + "](" + up.Path() + ")"
}

// removeImage takes one image out of a post, for a moderator.
func (h *Handler) removeImage(c *fiber.Ctx) error {
	user := currentUser(c)
	if user == nil {
		return fiber.ErrForbidden
	}
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	t := h.catalog.In(language(c))
	post, err := h.store.RemoveImage(c.UserContext(), *user, int64(id), c.FormValue("image"), c.FormValue("reason"), "*"+t.T("images.removed_text")+"*")
	if err != nil {
		return err
	}
	h.flash(c, "flash.image_removed")
	return h.redirectToPost(c, post)
}
