package store

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"gears"
)

// MediaService implements gears.MediaService, keeping files in the database.
type MediaService struct{ db *DB }

var _ gears.MediaService = (*MediaService)(nil)

// NewMediaService returns the media library of db.
func NewMediaService(db *DB) *MediaService { return &MediaService{db: db} }

// sniff recognises a file's type from its first bytes.
func sniff(data []byte) string {
	ct := http.DetectContentType(data)
	ct, _, _ = strings.Cut(ct, ";")
	return ct
}

// UploadMedia adds a file to the library.
func (s *MediaService) UploadMedia(ctx context.Context, wsID int64, up gears.MediaUpload) (*gears.Media, error) {
	var m *gears.Media
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		ct := sniff(up.Data)
		if err := up.Validate(ct); err != nil {
			return err
		}
		var id int64
		err := tx.queryRow(`INSERT INTO media (workspace_id, filename, content_type, size, alt, data, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, wsID, up.Filename, ct, len(up.Data), up.Alt, up.Data, millis(tx.now())).Scan(&id)
		if err != nil {
			return gears.Internal("upload media: %w", err)
		}
		m, err = findMedia(tx, wsID, id)
		return err
	})
	return m, err
}

const mediaColumns = `id, filename, content_type, size, alt, created_at`

func scanMedia(row interface{ Scan(...any) error }) (*gears.Media, error) {
	var m gears.Media
	var created int64
	if err := row.Scan(&m.ID, &m.Filename, &m.ContentType, &m.Size, &m.Alt, &created); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, gears.ErrNotFound
		}
		return nil, gears.Internal("scan media: %w", err)
	}
	m.CreatedAt = fromMillis(created)
	return &m, nil
}

func findMedia(tx *Tx, wsID, id int64) (*gears.Media, error) {
	return scanMedia(tx.queryRow(`SELECT `+mediaColumns+` FROM media WHERE id = ? AND workspace_id = ?`, id, wsID))
}

// FindMedia lists the library, newest first.
func (s *MediaService) FindMedia(ctx context.Context, wsID int64) ([]*gears.Media, error) {
	var list []*gears.Media
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		var err error
		list, err = queryAll(tx, "find media", scanMedia, `SELECT `+mediaColumns+` FROM media WHERE workspace_id = ? ORDER BY id DESC`, wsID)
		return err
	})
	return list, err
}

// MediaData returns a file with its bytes.
func (s *MediaService) MediaData(ctx context.Context, wsID, id int64) (*gears.Media, []byte, error) {
	var m *gears.Media
	var data []byte
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionView); err != nil {
			return err
		}
		var err error
		if m, err = findMedia(tx, wsID, id); err != nil {
			return err
		}
		if err := tx.queryRow(`SELECT data FROM media WHERE id = ?`, id).Scan(&data); err != nil {
			return gears.Internal("media data: %w", err)
		}
		return nil
	})
	return m, data, err
}

// SetAlt changes a file's alt text.
func (s *MediaService) SetAlt(ctx context.Context, wsID, id int64, alt string) (*gears.Media, error) {
	alt = strings.TrimSpace(alt)
	if utf8.RuneCountInString(alt) > gears.MaxAltText {
		return nil, gears.Invalid("alt", "media.alt_too_long", gears.MaxAltText)
	}
	var m *gears.Media
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE media SET alt = ? WHERE id = ? AND workspace_id = ?`, alt, id, wsID)
		if err != nil {
			return gears.Internal("set alt: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gears.ErrNotFound
		}
		m, err = findMedia(tx, wsID, id)
		return err
	})
	return m, err
}

// DeleteMedia removes a file from the library.
func (s *MediaService) DeleteMedia(ctx context.Context, wsID, id int64) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := authorize(tx, wsID, gears.ActionEdit); err != nil {
			return err
		}
		rows, err := tx.query(`SELECT media_ids FROM posts WHERE workspace_id = ? AND deleted = ? AND media_ids <> ''
			AND status NOT IN ('published', 'cancelled')`, wsID, false)
		if err != nil {
			return gears.Internal("media in use: %w", err)
		}
		for rows.Next() {
			var ids string
			if err := rows.Scan(&ids); err != nil {
				rows.Close()
				return gears.Internal("media in use: %w", err)
			}
			for _, used := range splitIDs(ids) {
				if used == id {
					rows.Close()
					return gears.Errorf(gears.ECONFLICT, "media.in_use")
				}
			}
		}
		rows.Close()
		res, err := tx.exec(`DELETE FROM media WHERE id = ? AND workspace_id = ?`, id, wsID)
		if err != nil {
			return gears.Internal("delete media: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return gears.ErrNotFound
		}
		return nil
	})
}
