-- Images people attach to posts. The bytes live in the upload store (a
-- directory or an S3 bucket), named by a digest of the processed image; a
-- row says who uploaded which image and how large it is, so pages give it
-- its size before it loads. The same image uploaded twice by one person is
-- one row. ocr_findings holds what the personal-data guard found in the
-- text read from the image (JSON, in the display image's pixels).
CREATE TABLE uploads (
    id            INTEGER  PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    hash          TEXT     NOT NULL,
    ext           TEXT     NOT NULL,
    width         INTEGER  NOT NULL,
    height        INTEGER  NOT NULL,
    thumb_ext     TEXT     NOT NULL,
    thumb_width   INTEGER  NOT NULL,
    thumb_height  INTEGER  NOT NULL,
    bytes         INTEGER  NOT NULL,
    ocr_findings  TEXT     NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL,
    UNIQUE (user_id, hash)
);
CREATE INDEX uploads_hash ON uploads (hash);
CREATE INDEX uploads_created_at ON uploads (created_at);

-- Which post shows which of its author's uploads, kept with every write of
-- the post's text. An image is served to a reader who may read one of its
-- posts: it disappears with the post.
CREATE TABLE post_images (
    post_id   INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    upload_id INTEGER NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, upload_id)
);
CREATE INDEX post_images_upload ON post_images (upload_id);

-- A thread list shows a small copy of the first image its question shows,
-- sized before it loads: its file name in the upload store and its size.
ALTER TABLE threads ADD COLUMN thumb TEXT NOT NULL DEFAULT '';
ALTER TABLE threads ADD COLUMN thumb_width INTEGER NOT NULL DEFAULT 0;
ALTER TABLE threads ADD COLUMN thumb_height INTEGER NOT NULL DEFAULT 0;
