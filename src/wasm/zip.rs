//! Zip directories for the unpack worker (issue 18; the unpack module
//! only): the worker reads the archive's last bytes, its directory and each
//! member's local header from `Blob` slices, and these calls parse them
//! with the core's [`crate::unpack::zip`] (the CLI's reader too), so the
//! page and the CLI apply the same limits and say the same errors.

use super::*;
use crate::unpack::zip::{self, Directory, Limits, Member, Method};

fn zip_err(e: zip::ZipError) -> JsError {
    JsError::new(&e.to_string())
}

/// Bytes to read from the end of the archive first.
#[wasm_bindgen(js_name = zipTail)]
pub fn zip_tail() -> f64 {
    zip::TAIL as f64
}

/// Bytes of a member's local header to read.
#[wasm_bindgen(js_name = zipLocalHeader)]
pub fn zip_local_header() -> f64 {
    zip::LOCAL_HEADER as f64
}

/// Where the directory is: `{offset, len, entries}`, from the archive's
/// last bytes (`tail`) and its size.
#[wasm_bindgen(js_name = zipDirectory)]
pub fn zip_directory(tail: &[u8], size: f64) -> Result<JsValue, JsError> {
    let dir = zip::find_directory(tail, size as u64).map_err(zip_err)?;
    dir.check(&Limits::default()).map_err(zip_err)?;
    let out = js_sys::Object::new();
    let set = |k: &str, v: f64| js_sys::Reflect::set(&out, &k.into(), &v.into()).map(|_| ()).map_err(js_err);
    set("offset", dir.offset as f64)?;
    set("len", dir.len as f64)?;
    set("entries", dir.entries as f64)?;
    Ok(out.into())
}

fn parse(directory: &[u8], offset: f64, len: f64, entries: f64, size: f64) -> Result<Vec<Member>, JsError> {
    let dir = Directory { offset: offset as u64, len: len as u64, entries: entries as u64 };
    zip::members(directory, &dir, size as u64, &Limits::default()).map_err(zip_err)
}

/// The members the directory lists (its bytes, and `zipDirectory`'s
/// answer), limits checked: each `{index, name, method, compressed,
/// uncompressed, headerOffset, encrypted, dir}` (`method` 0 stored, 8
/// deflate, else another).
#[wasm_bindgen(js_name = zipMembers)]
pub fn zip_members(directory: &[u8], offset: f64, len: f64, entries: f64, size: f64) -> Result<Array, JsError> {
    let members = parse(directory, offset, len, entries, size)?;
    let list = Array::new();
    for (i, m) in members.iter().enumerate() {
        let out = js_sys::Object::new();
        let set = |k: &str, v: JsValue| js_sys::Reflect::set(&out, &k.into(), &v).map(|_| ()).map_err(js_err);
        set("index", (i as f64).into())?;
        set("name", m.name.as_str().into())?;
        set("method", f64::from(match m.method {
            Method::Stored => 0,
            Method::Deflated => 8,
            Method::Other(n) => n,
        }).into())?;
        set("compressed", (m.compressed as f64).into())?;
        set("uncompressed", (m.uncompressed as f64).into())?;
        set("headerOffset", (m.header_offset as f64).into())?;
        set("encrypted", m.encrypted.into())?;
        set("dir", m.is_dir().into())?;
        if let Err(e) = m.readable() {
            set("unreadable", e.to_string().into())?;
        }
        list.push(&out.into());
    }
    Ok(list)
}

/// Where member `index`'s data starts, from the first bytes of its local
/// header (the directory parsed again: it is small).
#[wasm_bindgen(js_name = zipDataOffset)]
pub fn zip_data_offset(directory: &[u8], offset: f64, len: f64, entries: f64, size: f64, index: u32, header: &[u8]) -> Result<f64, JsError> {
    let members = parse(directory, offset, len, entries, size)?;
    let member = members.get(index as usize).ok_or_else(|| JsError::new("no such member"))?;
    Ok(zip::data_offset(member, header).map_err(zip_err)? as f64)
}
