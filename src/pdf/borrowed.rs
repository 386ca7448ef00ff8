//! The built-in fonts handed to printpdf without a copy. They are `include_bytes!` data of
//! the binary; printpdf keeps a face's bytes as `rust_fontconfig::FontBytes`, which is either
//! an `Arc` of owned bytes or a file mapping. Copying a 4.6 MB face into an `Arc` was 15 % of
//! `tsushin pdf`'s time (the copy and the page faults of fresh memory), so on Linux the same
//! bytes are mapped again from the executable file: the kernel lends the pages the binary
//! already has in memory and nothing is copied. Where that cannot be done (another system, a
//! mapping that does not hold the bytes) the face is copied once, as before.

use std::sync::Arc;

use rust_fontconfig::FontBytes;

/// `bytes`, a built-in font, as printpdf takes it: mapped from the executable when possible.
pub fn font_bytes(bytes: &'static [u8]) -> FontBytes {
    #[cfg(target_os = "linux")]
    if let Some(map) = linux::map_from_executable(bytes) {
        return FontBytes::Mmapped(map);
    }
    FontBytes::Owned(Arc::from(bytes))
}

#[cfg(target_os = "linux")]
mod linux {
    use std::os::unix::fs::MetadataExt;

    /// The file mapping of the running executable that holds `bytes`, mapped once more.
    pub fn map_from_executable(bytes: &'static [u8]) -> Option<mmapio::Mmap> {
        let start = bytes.as_ptr() as usize;
        let end = start.checked_add(bytes.len())?;
        let exe = std::fs::File::open("/proc/self/exe").ok()?;
        let inode = exe.metadata().ok()?.ino();
        let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
        let offset = maps
            .lines()
            .find_map(|line| file_offset(line, start, end, inode))?;
        // SAFETY: the file is the running executable, which cannot be written while it runs
        // (ETXTBSY); replacing it gives a new inode and leaves this one, so the mapped bytes
        // cannot change while the mapping lives.
        let map = unsafe {
            mmapio::MmapOptions::new()
                .offset(offset)
                .len(bytes.len())
                .map(&exe)
        }
        .ok()?;
        same(&map, bytes).then_some(map)
    }

    /// Where in the file the memory `start..end` is, when the line of /proc/self/maps maps
    /// the file with this inode and holds all of it (inode 0: memory of no file).
    pub(super) fn file_offset(line: &str, start: usize, end: usize, inode: u64) -> Option<u64> {
        let mut fields = line.split_ascii_whitespace();
        let (lo, hi) = fields.next()?.split_once('-')?;
        let lo = usize::from_str_radix(lo, 16).ok()?;
        let hi = usize::from_str_radix(hi, 16).ok()?;
        let _permissions = fields.next()?;
        let offset = u64::from_str_radix(fields.next()?, 16).ok()?;
        let _device = fields.next()?;
        let line_inode: u64 = fields.next()?.parse().ok()?;
        (line_inode != 0 && line_inode == inode && lo <= start && end <= hi)
            .then(|| offset + (start - lo) as u64)
    }

    /// Whether the mapping shows the very bytes: 17 windows of 4 KiB spread over them, the
    /// first and the last included (the two map the same pages, so this reads no more).
    fn same(map: &[u8], bytes: &[u8]) -> bool {
        const WINDOW: usize = 4096;
        let len = bytes.len();
        map.len() == len
            && (0..=16).all(|i| {
                let at = len.saturating_sub(WINDOW) * i / 16;
                let to = (at + WINDOW).min(len);
                map[at..to] == bytes[at..to]
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SAMPLE: [u8; 20_000] = {
        let mut b = [0u8; 20_000];
        let mut i = 0;
        while i < b.len() {
            b[i] = (i * 7 % 251) as u8;
            i += 1;
        }
        b
    };

    #[test]
    fn a_builtin_font_is_mapped_from_the_executable_not_copied() {
        let bytes: &'static [u8] = &SAMPLE;
        let got = font_bytes(bytes);
        assert_eq!(got.as_slice(), bytes);
        #[cfg(target_os = "linux")]
        {
            assert!(matches!(got, FontBytes::Mmapped(_)), "copied");
            assert_ne!(got.as_slice().as_ptr(), bytes.as_ptr());
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn lines_of_proc_maps_are_read() {
        let line = "5600000000-5600100000 r--p 00200000 fd:01 4242   /usr/bin/tsushin";
        let f = |s, e, ino| linux::file_offset(line, s, e, ino);
        assert_eq!(f(0x5600000010, 0x5600000020, 4242), Some(0x200010));
        assert_eq!(
            f(0x5600000010, 0x5600100001, 4242),
            None,
            "runs past the end"
        );
        assert_eq!(f(0x5600000010, 0x5600000020, 7), None, "another file");
        let anon = "7f0000000000-7f0000001000 rw-p 00000000 00:00 0";
        assert_eq!(
            linux::file_offset(anon, 0x7f0000000000, 0x7f0000000010, 0),
            None
        );
    }
}
