//! The rules of a file name a Windows file share can hold: device names, forbidden and control
//! characters, trailing dots and spaces. Front matter checks slugs with them and the site checks
//! and makes output names with them, so they live below both.

/// Device names Windows reserves, whatever the extension (`con.txt` is `CON`).
const DEVICES: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7",
    "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6",
    "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
];

/// Characters Windows forbids in a file name (besides control characters).
const FORBIDDEN: &str = "<>:\"/\\|?*";

/// Whether `name` (one path segment) is a Windows device name, with or without extension.
pub fn is_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("").trim_end_matches(' ');
    DEVICES.iter().any(|d| d.eq_ignore_ascii_case(stem))
}

/// Why `name` (one path segment) cannot be a file name on a Windows share; `None` if it can.
pub fn problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("the name is empty".into());
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Some(format!(
            "it contains the control character U+{:04X}",
            u32::from(c)
        ));
    }
    if let Some(c) = name.chars().find(|c| FORBIDDEN.contains(*c)) {
        return Some(format!(
            "it contains `{c}`, which Windows does not allow in file names (< > : \" / \\ | ? *)"
        ));
    }
    if name.ends_with('.') || name.ends_with(' ') {
        return Some("it ends with a dot or a space, which Windows drops".into());
    }
    if is_reserved(name) {
        let stem = name.split('.').next().unwrap_or(name);
        return Some(format!(
            "`{stem}` is a device name on Windows (CON, PRN, AUX, NUL, COM1–9, LPT1–9), with any extension"
        ));
    }
    if name.starts_with('.') {
        return Some("it has no name before the extension".into());
    }
    None
}

/// `name` made safe: forbidden and control characters become `_`, trailing dots and spaces
/// go, a device name gets a `_` after its stem; `fallback` when nothing is left.
pub fn make_safe(name: &str, fallback: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || FORBIDDEN.contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let mut safe = cleaned
        .trim_end_matches(['.', ' '])
        .trim_start_matches('.')
        .to_owned();
    if safe.is_empty() {
        safe = fallback.to_owned();
    }
    if is_reserved(&safe) {
        let at = safe.find('.').unwrap_or(safe.len());
        safe.insert(at, '_');
    }
    safe
}
