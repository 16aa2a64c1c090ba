//! A capture file mapped into memory read-only, so a file of hundreds of megabytes is not
//! copied before it is parsed (the kernel pages it in as the reader walks it). Falls back to
//! reading the file when mapping is not possible — and always on Windows, where the file is read
//! into memory whole.

use std::fs::File;
use std::path::Path;

pub enum MappedFile {
    #[cfg_attr(not(unix), allow(dead_code))]
    Mapped {
        address: *mut std::ffi::c_void,
        len: usize,
    },
    Read(Vec<u8>),
}

impl MappedFile {
    pub fn open(path: &Path) -> std::io::Result<Self> {
        let file = File::open(path)?;
        let len = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
        if len == 0 {
            return Ok(MappedFile::Read(Vec::new()));
        }
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            // SAFETY: a fresh read-only private mapping of a file we hold open; the slice handed
            // out lives no longer than `self`, which unmaps it on drop. If another program
            // truncates the file meanwhile, reads past the end fault, as with any mmap reader.
            let address = unsafe {
                libc::mmap(std::ptr::null_mut(), len, libc::PROT_READ, libc::MAP_PRIVATE, file.as_raw_fd(), 0)
            };
            if address != libc::MAP_FAILED {
                // Read ahead: the reader walks the file once, front to back.
                // SAFETY: advice on the mapping just made; failure only loses the hint.
                unsafe {
                    libc::madvise(address, len, libc::MADV_SEQUENTIAL);
                    libc::madvise(address, len, libc::MADV_WILLNEED);
                }
                return Ok(MappedFile::Mapped { address, len });
            }
        }
        std::fs::read(path).map(MappedFile::Read)
    }

    pub fn bytes(&self) -> &[u8] {
        match self {
            // SAFETY: the mapping is `len` bytes long and stays valid until drop.
            MappedFile::Mapped { address, len } => unsafe { std::slice::from_raw_parts(*address as *const u8, *len) },
            MappedFile::Read(bytes) => bytes,
        }
    }
}

impl AsRef<[u8]> for MappedFile {
    fn as_ref(&self) -> &[u8] {
        self.bytes()
    }
}

// SAFETY: the mapping is read-only and private, so sharing or moving it between threads can
// race with nothing; it is unmapped once, when the last owner drops it.
unsafe impl Send for MappedFile {}
unsafe impl Sync for MappedFile {}

impl Drop for MappedFile {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let MappedFile::Mapped { address, len } = self {
            // SAFETY: unmapping exactly what `open` mapped, once.
            unsafe {
                libc::munmap(*address, *len);
            }
        }
    }
}
