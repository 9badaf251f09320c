//! Content-addressed storage of evidence files on the local disk.
//!
//! An upload is streamed into a temporary file under `tmp/` while its SHA-256 and size are computed
//! ([`BlobWriter`]); a size limit stops it early. A finished upload is a [`StagedBlob`], which is moved into
//! place as `sha256/<first two hex>/<hex>` only when the request is complete and valid ([`BlobStore::commit`]).
//! Dropping a writer or staged blob removes its temporary file, so a failed or interrupted upload leaves
//! nothing behind. The database row that cites a blob is written after the blob is in place; a crash between the
//! two leaves a blob that no row cites, which [`BlobStore::sweep`] removes at the next start.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Where evidence files live.
#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

/// Why an upload was refused.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// The file is larger than the limit.
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("evidence storage: {0}")]
    Io(#[from] io::Error),
}

/// An upload in progress.
#[derive(Debug)]
pub struct BlobWriter {
    file: Option<File>,
    temp: TempFile,
    hasher: Sha256,
    size: u64,
    limit: u64,
    head: Vec<u8>,
}

/// How many leading bytes are kept in memory for content sniffing.
pub const HEAD_BYTES: usize = 8 * 1024;

/// A complete upload, not yet in place.
#[derive(Debug)]
pub struct StagedBlob {
    pub sha256: String,
    pub size: u64,
    /// The first bytes, for sniffing the content type.
    pub head: Vec<u8>,
    temp: TempFile,
}

impl StagedBlob {
    /// The temporary file, for reading metadata before the blob is committed.
    pub fn path(&self) -> &Path {
        &self.temp.path
    }
}

/// A blob moved into place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommittedBlob {
    pub sha256: String,
    /// False when the same content was already stored (the upload was a copy of existing evidence).
    pub newly_created: bool,
}

/// A file removed when dropped unless it was kept.
#[derive(Debug)]
struct TempFile {
    path: PathBuf,
    keep: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// What [`BlobStore::sweep`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub temporary: usize,
    pub unreferenced: usize,
}

fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl BlobStore {
    /// Opens (creating) the store under `root`.
    pub fn open(root: impl Into<PathBuf>) -> io::Result<BlobStore> {
        let root = root.into();
        fs::create_dir_all(root.join("tmp"))?;
        fs::create_dir_all(root.join("sha256"))?;
        Ok(BlobStore { root })
    }

    /// The directory the store lives in.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Starts an upload of at most `limit` bytes.
    pub fn writer(&self, limit: u64) -> io::Result<BlobWriter> {
        let name = format!("{}.part", uuid::Uuid::now_v7().simple());
        let path = self.root.join("tmp").join(name);
        let file = File::options().write(true).create_new(true).open(&path)?;
        Ok(BlobWriter {
            file: Some(file),
            temp: TempFile { path, keep: false },
            hasher: Sha256::new(),
            size: 0,
            limit,
            head: Vec::new(),
        })
    }

    /// Where the blob with this hash lives; `None` for anything that is not a SHA-256 in lower-case hex, so a
    /// caller cannot be tricked into reading outside the store.
    pub fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        is_sha256_hex(sha256).then(|| self.root.join("sha256").join(&sha256[..2]).join(sha256))
    }

    /// Whether the blob exists.
    pub fn contains(&self, sha256: &str) -> bool {
        self.path_of(sha256).is_some_and(|path| path.is_file())
    }

    /// Reads a whole blob.
    pub fn read(&self, sha256: &str) -> io::Result<Vec<u8>> {
        let path = self.path_of(sha256).ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "bad hash"))?;
        fs::read(path)
    }

    /// Moves a staged upload into place (durably: the file is synced before the rename and the directory after).
    pub fn commit(&self, mut staged: StagedBlob) -> io::Result<CommittedBlob> {
        let target = self.path_of(&staged.sha256).expect("hash computed here");
        if target.is_file() {
            return Ok(CommittedBlob { sha256: staged.sha256.clone(), newly_created: false });
        }
        let dir = target.parent().expect("two levels below the root");
        fs::create_dir_all(dir)?;
        fs::rename(&staged.temp.path, &target)?;
        staged.temp.keep = true;
        File::open(dir)?.sync_all()?;
        Ok(CommittedBlob { sha256: staged.sha256.clone(), newly_created: true })
    }

    /// Removes a blob (used to undo a commit whose database write failed).
    pub fn remove(&self, sha256: &str) -> io::Result<()> {
        match self.path_of(sha256) {
            Some(path) => match fs::remove_file(path) {
                Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
                _ => Ok(()),
            },
            None => Ok(()),
        }
    }

    /// Every stored blob's hash.
    pub fn list(&self) -> io::Result<Vec<String>> {
        let mut out = Vec::new();
        for prefix in fs::read_dir(self.root.join("sha256"))? {
            let prefix = prefix?;
            if !prefix.file_type()?.is_dir() {
                continue;
            }
            for entry in fs::read_dir(prefix.path())? {
                let name = entry?.file_name().to_string_lossy().into_owned();
                if is_sha256_hex(&name) {
                    out.push(name);
                }
            }
        }
        out.sort();
        Ok(out)
    }

    /// Removes temporary files and every blob not in `referenced`. Run at start-up, before requests are served.
    pub fn sweep(&self, referenced: &HashSet<String>) -> io::Result<SweepReport> {
        let mut report = SweepReport::default();
        for entry in fs::read_dir(self.root.join("tmp"))? {
            fs::remove_file(entry?.path())?;
            report.temporary += 1;
        }
        for sha256 in self.list()? {
            if !referenced.contains(&sha256) {
                self.remove(&sha256)?;
                report.unreferenced += 1;
            }
        }
        Ok(report)
    }
}

impl BlobWriter {
    /// Appends a chunk; fails (and the upload is void) once the size passes the limit.
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), BlobError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(BlobError::TooLarge { limit: self.limit });
        }
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        self.file.as_mut().expect("open until finished").write_all(chunk)?;
        Ok(())
    }

    /// Bytes written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Completes the upload: the data is flushed to disk and the hash is known.
    pub fn finish(mut self) -> io::Result<StagedBlob> {
        let file = self.file.take().expect("open until finished");
        file.sync_all()?;
        drop(file);
        let hasher = std::mem::take(&mut self.hasher);
        let temp = TempFile { path: std::mem::take(&mut self.temp.path), keep: false };
        self.temp.keep = true; // the path moved into the staged blob
        Ok(StagedBlob {
            sha256: data_encoding::HEXLOWER.encode(&hasher.finalize()),
            size: self.size,
            head: std::mem::take(&mut self.head),
            temp,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_commit_dedupe_and_sweep() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        let mut writer = store.writer(1024).unwrap();
        writer.write(b"hello ").unwrap();
        writer.write(b"world").unwrap();
        let staged = writer.finish().unwrap();
        assert_eq!(staged.sha256, "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
        let committed = store.commit(staged).unwrap();
        assert!(committed.newly_created);
        assert_eq!(store.read(&committed.sha256).unwrap(), b"hello world");

        let mut again = store.writer(1024).unwrap();
        again.write(b"hello world").unwrap();
        assert!(!store.commit(again.finish().unwrap()).unwrap().newly_created);
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0, "no temporary file left");

        // An abandoned upload leaves nothing once dropped; one left by a crash is swept.
        let mut abandoned = store.writer(1024).unwrap();
        abandoned.write(b"half").unwrap();
        drop(abandoned);
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
        fs::write(dir.path().join("tmp/crash.part"), b"x").unwrap();
        let report = store.sweep(&HashSet::new()).unwrap();
        assert_eq!(report, SweepReport { temporary: 1, unreferenced: 1 });
        assert!(store.list().unwrap().is_empty());
    }

    #[test]
    fn the_limit_stops_an_upload_and_hashes_cannot_escape_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        let mut writer = store.writer(4).unwrap();
        assert!(matches!(writer.write(b"12345"), Err(BlobError::TooLarge { limit: 4 })));
        drop(writer);
        assert!(store.path_of("../../etc/passwd").is_none());
        assert!(store.path_of(&"A".repeat(64)).is_none());
    }
}
