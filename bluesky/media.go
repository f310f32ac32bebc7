package bluesky

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	_ "image/gif" // image.DecodeConfig reads the sizes of these formats
	_ "image/jpeg"
	_ "image/png"
	"net/http"

	"gears"
)

// blobRef is a blob as a record refers to it.
type blobRef struct {
	Type     string `json:"$type"`
	Ref      cidRef `json:"ref"`
	MimeType string `json:"mimeType"`
	Size     int64  `json:"size"`
}

type cidRef struct {
	Link string `json:"$link"`
}

// uploadBlob uploads one image (com.atproto.repo.uploadBlob) and returns
// the reference the record embeds. Uploading the same bytes twice gives
// the same reference, so a retry may upload again.
func (cn *Connector) uploadBlob(ctx context.Context, server string, a *account, c gears.Credentials, m gears.OutgoingMedia) (blobRef, error) {
	const nsid = "com.atproto.repo.uploadBlob"
	var out struct {
		Blob blobRef `json:"blob"`
	}
	err := cn.authed(ctx, server, a, c, func(s session) error {
		return cn.do(ctx, server, call{method: http.MethodPost, nsid: nsid, token: s.access, raw: m.Data, contentType: mediaType(m.ContentType), quota: a}, &out)
	})
	if err != nil {
		return blobRef{}, err
	}
	b := out.Blob
	if b.Type != "blob" || !validCID(b.Ref.Link) || b.Size <= 0 || b.MimeType == "" || len(b.MimeType) > 128 {
		return blobRef{}, &gears.RemoteError{Network: gears.Bluesky, Kind: gears.RemoteTemporary, Status: http.StatusOK,
			Message: "the answer of " + nsid + " is not a blob reference"}
	}
	return b, nil
}

// validCID accepts the base32 CIDs a PDS makes (bafk…, bafy…).
func validCID(s string) bool {
	if len(s) < 8 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// imageSize returns an image's width and height from its header, for the
// aspect ratio Bluesky's app lays images out with.
func imageSize(data []byte) (w, h int, ok bool) {
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
		return cfg.Width, cfg.Height, cfg.Width > 0 && cfg.Height > 0
	}
	return webpSize(data)
}

// webpSize reads the size of a WebP image (lossy VP8, lossless VP8L, or
// extended VP8X), which the standard library does not decode.
func webpSize(b []byte) (w, h int, ok bool) {
	if len(b) < 30 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return 0, 0, false
	}
	switch string(b[12:16]) {
	case "VP8X":
		w = 1 + int(b[24]) | int(b[25])<<8 | int(b[26])<<16
		h = 1 + int(b[27]) | int(b[28])<<8 | int(b[29])<<16
	case "VP8L":
		if b[20] != 0x2f {
			return 0, 0, false
		}
		v := binary.LittleEndian.Uint32(b[21:25])
		w, h = int(v&0x3fff)+1, int(v>>14&0x3fff)+1
	case "VP8 ":
		if b[23] != 0x9d || b[24] != 0x01 || b[25] != 0x2a {
			return 0, 0, false
		}
		w = int(binary.LittleEndian.Uint16(b[26:28]) & 0x3fff)
		h = int(binary.LittleEndian.Uint16(b[28:30]) & 0x3fff)
	default:
		return 0, 0, false
	}
	return w, h, w > 0 && h > 0
}
