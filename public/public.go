// Package public holds the stylesheet, scripts and icons, embedded in the
// binary and served under names that carry a hash of their content, so
// browsers and CDNs may keep them for a year and still never see a stale one.
package public

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"
)

//go:embed css js icon.svg
var files embed.FS

// Prefix is where assets are served.
const Prefix = "/static/"

// Asset is one embedded file.
type Asset struct {
	URL         string
	ContentType string
	Body        []byte
}

// Assets maps logical names ("css/hiroba.css") to hashed URLs and back.
type Assets struct {
	byName map[string]*Asset
	byURL  map[string]*Asset
}

// Load reads every embedded file once.
func Load() (*Assets, error) {
	a := &Assets{byName: map[string]*Asset{}, byURL: map[string]*Asset{}}
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		url := Prefix + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		ctype := mime.TypeByExtension(ext)
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		asset := &Asset{URL: url, ContentType: ctype, Body: body}
		a.byName[name] = asset
		a.byURL[url] = asset
		return nil
	})
	return a, err
}

// URL is the hashed address of a logical name; an unknown name is a
// programming error that the view tests catch, so it yields an obvious path.
func (a *Assets) URL(name string) string {
	if asset, ok := a.byName[name]; ok {
		return asset.URL
	}
	return Prefix + "missing/" + name
}

// Lookup finds the asset served at a URL path.
func (a *Assets) Lookup(urlPath string) (*Asset, bool) {
	asset, ok := a.byURL[urlPath]
	return asset, ok
}
