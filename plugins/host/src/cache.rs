//! The on-disk cache of compiled plugins.
//!
//! Loading precompiled code skips all of WebAssembly's validation, so the
//! host only ever loads artifacts it wrote itself. Each artifact starts
//! with an HMAC-SHA256 of its content under a key only the host holds;
//! the HMAC also covers the cache key, so two genuine artifacts cannot be
//! swapped. An artifact is named after the plugin's SHA-256, the engine's
//! version and compilation settings and this format's version, so a new
//! engine or new settings never read an old artifact.

use std::fs;
use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use wasmtime::Engine;

use crate::error::HostError;

type HmacSha256 = Hmac<Sha256>;

/// Marks the start of an artifact; bump the digit when the layout changes.
const MAGIC: &[u8; 16] = b"em-plugin-code1\n";
const MAC_LEN: usize = 32;

/// The cache folder and the key that authenticates its artifacts.
#[derive(Debug)]
pub(crate) struct CodeCache {
    dir: PathBuf,
    key: [u8; 32],
    /// Digest of everything besides the plugin that decides what the
    /// compiled code is.
    engine_fingerprint: [u8; 32],
}

/// What reading the cache found.
#[derive(Debug)]
pub(crate) enum Lookup {
    /// No artifact for this plugin yet.
    Missing,
    /// An artifact this host wrote; its payload is the compiled code.
    Found(Vec<u8>),
    /// An artifact whose HMAC does not match: it was moved aside.
    Tampered { path: PathBuf, set_aside: PathBuf },
}

/// Feeds `std::hash::Hash` output into SHA-256, which, unlike the standard
/// library's hasher, gives the same digest in every build.
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn finish(&self) -> u64 {
        let digest = self.0.clone().finalize();
        u64::from_le_bytes(digest[..8].try_into().unwrap_or_default())
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

impl CodeCache {
    /// Opens (creating if needed) the cache in `dir`, with the key in
    /// `key_file` or in `dir/host.key`.
    pub(crate) fn open(
        dir: &Path,
        key_file: Option<&Path>,
        engine: &Engine,
    ) -> Result<CodeCache, HostError> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| HostError::Cache { path, source }
        };
        fs::create_dir_all(dir).map_err(io(dir))?;
        let key_path = key_file.map_or_else(|| dir.join("host.key"), Path::to_owned);
        let key = read_or_create_key(&key_path)?;
        let mut hasher = Sha256Hasher(Sha256::new());
        std::hash::Hash::hash(&engine.precompile_compatibility_hash(), &mut hasher);
        hasher.write(MAGIC);
        Ok(CodeCache {
            dir: dir.to_owned(),
            key,
            engine_fingerprint: hasher.0.finalize().into(),
        })
    }

    /// Where the artifact of the plugin with this SHA-256 lives.
    pub(crate) fn path_for(&self, plugin_sha256: &[u8; 32]) -> PathBuf {
        let mut name = Sha256::new();
        name.update(self.engine_fingerprint);
        name.update(plugin_sha256);
        self.dir
            .join(format!("{}.cwasm", hex::encode(name.finalize())))
    }

    fn mac(&self, plugin_sha256: &[u8; 32], payload: &[u8]) -> HmacSha256 {
        // A key of any length is valid for HMAC, so this cannot fail.
        let mut mac = HmacSha256::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!());
        mac.update(&self.engine_fingerprint);
        mac.update(plugin_sha256);
        mac.update(payload);
        mac
    }

    /// Reads the artifact of a plugin, checking that this host wrote it.
    pub(crate) fn lookup(&self, plugin_sha256: &[u8; 32]) -> std::io::Result<Lookup> {
        let path = self.path_for(plugin_sha256);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Lookup::Missing),
            Err(e) => return Err(e),
        };
        let genuine = bytes.len() >= MAGIC.len() + MAC_LEN
            && bytes.starts_with(MAGIC)
            && self
                .mac(plugin_sha256, &bytes[MAGIC.len() + MAC_LEN..])
                .verify_slice(&bytes[MAGIC.len()..MAGIC.len() + MAC_LEN])
                .is_ok();
        if genuine {
            let mut payload = bytes;
            payload.drain(..MAGIC.len() + MAC_LEN);
            return Ok(Lookup::Found(payload));
        }
        // Keep the file for whoever investigates, out of the way of the
        // next load, which compiles the plugin again.
        let set_aside = path.with_extension("cwasm.rejected");
        fs::rename(&path, &set_aside)?;
        Ok(Lookup::Tampered { path, set_aside })
    }

    /// Writes the artifact of a plugin, atomically: a reader sees the old
    /// file, no file, or the whole new one.
    pub(crate) fn store(&self, plugin_sha256: &[u8; 32], payload: &[u8]) -> std::io::Result<()> {
        let path = self.path_for(plugin_sha256);
        let tag = self.mac(plugin_sha256, payload).finalize().into_bytes();
        // A random name, so that two hosts storing the same plugin at once
        // never write into one temporary file.
        let mut nonce = [0; 8];
        getrandom::fill(&mut nonce).map_err(|e| std::io::Error::other(e.to_string()))?;
        let tmp = path.with_extension(format!("tmp-{}", hex::encode(nonce)));
        let mut file = fs::File::create_new(&tmp)?;
        file.write_all(MAGIC)?;
        file.write_all(&tag)?;
        file.write_all(payload)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, &path)
    }
}

fn read_or_create_key(path: &Path) -> Result<[u8; 32], HostError> {
    let io = |source| HostError::Cache {
        path: path.to_owned(),
        source,
    };
    match fs::read(path) {
        Ok(bytes) => <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| HostError::CacheKey {
            path: path.to_owned(),
            len: bytes.len(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut key = [0; 32];
            getrandom::fill(&mut key).map_err(|e| io(std::io::Error::other(e.to_string())))?;
            // The key is written whole to a private file, then linked into
            // place: a host starting at the same moment sees either no key
            // or all of it, and exactly one key wins.
            let mut nonce = [0; 8];
            getrandom::fill(&mut nonce).map_err(|e| io(std::io::Error::other(e.to_string())))?;
            let tmp = path.with_extension(format!("tmp-{}", hex::encode(nonce)));
            let mut options = fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut file = options.open(&tmp).map_err(io)?;
            file.write_all(&key).map_err(io)?;
            file.sync_all().map_err(io)?;
            drop(file);
            let linked = fs::hard_link(&tmp, path);
            // The temporary name is only a staging step; failing to remove
            // it leaves a stray file and nothing worse.
            let _ = fs::remove_file(&tmp);
            match linked {
                Ok(()) => Ok(key),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read_or_create_key(path),
                Err(e) => Err(io(e)),
            }
        }
        Err(e) => Err(io(e)),
    }
}
