package gears

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Media is a file of a workspace's media library.
type Media struct {
	ID          int64     `json:"id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	Alt         string    `json:"alt"`
	CreatedAt   time.Time `json:"created_at"`
}

// MediaUpload is a file to add to the library.
type MediaUpload struct {
	Filename string
	Alt      string
	Data     []byte
}

// Media limits of the library; networks have their own, checked per post.
const (
	MaxMediaSize = 16 << 20
	MaxAltText   = 1500
)

// MediaTypes are the types the library accepts, recognised from the bytes
// themselves, never from the name or the browser's word.
var MediaTypes = []string{"image/jpeg", "image/png", "image/gif", "image/webp"}

// Validate checks the upload; the content type is found by the caller
// from the data.
func (m *MediaUpload) Validate(contentType string) error {
	if len(m.Data) == 0 {
		return Invalid("file", "media.empty")
	}
	if len(m.Data) > MaxMediaSize {
		return Invalid("file", "media.too_large", MaxMediaSize>>20)
	}
	ok := false
	for _, t := range MediaTypes {
		ok = ok || t == contentType
	}
	if !ok {
		return Invalid("file", "media.type", strings.Join(MediaTypes, ", "))
	}
	m.Alt = strings.TrimSpace(m.Alt)
	if utf8.RuneCountInString(m.Alt) > MaxAltText {
		return Invalid("alt", "media.alt_too_long", MaxAltText)
	}
	m.Filename = strings.TrimSpace(m.Filename)
	if m.Filename == "" || utf8.RuneCountInString(m.Filename) > 200 || !utf8.ValidString(m.Filename) {
		m.Filename = "upload"
	}
	return nil
}

// MediaService keeps a workspace's media library.
type MediaService interface {
	UploadMedia(ctx context.Context, wsID int64, m MediaUpload) (*Media, error)
	FindMedia(ctx context.Context, wsID int64) ([]*Media, error)
	MediaData(ctx context.Context, wsID, id int64) (*Media, []byte, error)
	SetAlt(ctx context.Context, wsID, id int64, alt string) (*Media, error)
	DeleteMedia(ctx context.Context, wsID, id int64) error
}
