//! The core's modules in layers: a module may use modules of its own layer
//! or of the layers below it, never above, and no two modules may use each
//! other through any path. A new module must be placed here. A module is a
//! file of `src/<layer dir>/` or a folder below it (`read::fast` is
//! `src/read/fast/*.rs`); `use crate::Name` of a name that `lib.rs`
//! re-exports counts as a use of the module it comes from.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Bottom first.
const LAYERS: &[(&str, &[&str])] = &[
    ("scalars and the schema", &[
        "text::number", "text::date", "text::cell", "text::encoding", "text::transcode",
        "schema::field", "schema::locale", "schema::aliases", "schema::totals", "schema::metric", "schema::columns", "schema::platform", "error",
    ]),
    ("the top of a file: encoding, delimiter, header, columns", &["read::plan"]),
    ("what a file is: zip members, workbook sheets as CSV", &["unpack::zip", "unpack::sheet", "unpack"]),
    ("one row's values, or why it is skipped", &["row::record", "row::accepted"]),
    ("keys to slots, sums inline", &["group::key", "group::day_key", "group::day_pairs", "group::day_window", "group::table"]),
    ("what an accepted row does; what a range accumulates", &["agg::quality", "agg::partial", "agg::accept", "agg::sink", "agg::daily", "agg::normalize"]),
    ("the fast line parser", &["read::fast"]),
    ("the byte-range reader", &["read::range"]),
    ("ranges, merge, wire form, one stream", &["run::split", "run::codec", "run::job", "run::files"]),
    ("rankings, series, anomalies", &["derive::rank", "derive::series", "derive::sorted_window", "derive::float_window", "derive::anomaly", "derive::hints"]),
    ("the report and its text", &["report::csv", "report", "report::campaign_list", "report::platforms", "report::daily", "report::hints", "report::dates"]),
    ("click logs: names, times, NDJSON fields", &["clicks::columns", "clicks::timestamp", "clicks::json"]),
    ("click logs: the top of a file, rows from chunks, a row judged", &["clicks::plan", "clicks::source", "clicks::valid"]),
    ("click logs: keys, rules, users", &["clicks::keys", "clicks::rules", "clicks::users"]),
    ("click logs: pass 1, between the passes, pass 2", &["clicks::scan", "clicks::settle", "clicks::tally"]),
    ("click logs: the passes over ranges, the files, the query", &["clicks::job", "clicks::codec", "clicks::report", "clicks::stats", "clicks"]),
    ("shells", &["wasm", "wasm::stream", "wasm::ranges", "wasm::result", "wasm::list", "wasm::normalize", "wasm::daily", "wasm::clicks", "wasm::sheets", "wasm::zip", "wasm::feed"]),
];

/// Paths used after `crate::` in the code of `text` (comments and
/// `#[cfg(test)]` modules left out), as segments: `use crate::{a::B, c};`
/// gives `[a, B]` and `[c]`.
fn uses(text: &str) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    let mut lines = text.lines().peekable();
    let ident = |s: &str| -> String { s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect() };
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") && lines.peek().is_some_and(|n| n.trim_start().starts_with("mod ")) {
            break; // the tests module closes the file's code
        }
        if t.starts_with("//") {
            continue;
        }
        let code = t.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + 7..];
            let mut path = Vec::new();
            let mut r = rest;
            loop {
                if let Some(list) = r.strip_prefix('{') {
                    // `prefix::{a::b, c}`: one path per item.
                    let inner = &list[..list.find('}').unwrap_or(list.len())];
                    for item in inner.split(',') {
                        let mut p = path.clone();
                        p.extend(item.trim().split("::").map(ident).filter(|s| !s.is_empty()));
                        if !p.is_empty() {
                            out.insert(p);
                        }
                    }
                    path.clear();
                    break;
                }
                let name = ident(r);
                if name.is_empty() {
                    break;
                }
                r = &r[name.len()..];
                path.push(name);
                match r.strip_prefix("::") {
                    Some(more) => r = more,
                    None => break,
                }
            }
            if !path.is_empty() {
                out.insert(path);
            }
        }
    }
    out
}

/// The module a `src` file belongs to: `text/number.rs` → `text::number`,
/// `group/table/long.rs` → `group::table`, `report/mod.rs` → `report`;
/// `None` for `lib.rs`, the binaries and test-only files.
fn module_of(rel: &Path) -> Option<String> {
    let parts: Vec<String> = rel.with_extension("").iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if parts[0] == "lib" || parts[0] == "bin" || parts.last().is_some_and(|p| p == "tests") {
        return None;
    }
    let mut parts: Vec<String> = parts.into_iter().filter(|p| p != "mod").collect();
    parts.truncate(2);
    Some(parts.join("::"))
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Names `lib.rs` re-exports, and the module each comes from.
fn reexports(src: &Path, modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let mut out = BTreeMap::new();
    for path in uses(&lib.replace("pub use ", "use crate::")) {
        if let Some(m) = resolve(&path, modules, &BTreeMap::new()) {
            out.insert(path.last().unwrap().clone(), m);
        }
    }
    out
}

/// The module a used path points into.
fn resolve(path: &[String], modules: &BTreeSet<String>, names: &BTreeMap<String, String>) -> Option<String> {
    for n in [2, 1] {
        if path.len() >= n && modules.contains(&path[..n].join("::")) {
            return Some(path[..n].join("::"));
        }
    }
    names.get(&path[0]).cloned()
}

/// Every core module's uses of other modules.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut by_module: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for f in all {
        let rel = f.strip_prefix(&src).unwrap().to_path_buf();
        let text = std::fs::read_to_string(&f).unwrap();
        // A folder's mod.rs that only declares its files is not a module.
        let declares_only = rel.ends_with("mod.rs")
            && rel.components().count() == 2
            && text.lines().all(|l| l.is_empty() || l.starts_with("//") || l.starts_with("pub mod ") || l.starts_with("mod "));
        if let Some(m) = module_of(&rel).filter(|_| !declares_only) {
            by_module.entry(m).or_default().push(f);
        }
    }
    let modules: BTreeSet<String> = by_module.keys().cloned().collect();
    let names = reexports(&src, &modules);
    let mut g = BTreeMap::new();
    for (m, fs) in &by_module {
        let mut deps = BTreeSet::new();
        for f in fs {
            for path in uses(&std::fs::read_to_string(f).unwrap()) {
                if let Some(d) = resolve(&path, &modules, &names).filter(|d| d != m) {
                    deps.insert(d);
                }
            }
        }
        g.insert(m.clone(), deps);
    }
    g
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, mods)| mods.contains(&module))
}

#[test]
fn every_module_uses_only_its_layer_and_those_below() {
    let g = graph();
    let mut wrong = Vec::new();
    for (module, deps) in &g {
        let Some(mine) = layer_of(module) else {
            wrong.push(format!("{module}: in no layer (place it in tests/layers.rs)"));
            continue;
        };
        for dep in deps {
            match layer_of(dep) {
                Some(theirs) if theirs > mine => {
                    wrong.push(format!("{module} ({}) uses {dep} ({}), a layer above", LAYERS[mine].0, LAYERS[theirs].0))
                }
                None if g.contains_key(dep) => wrong.push(format!("{module} uses {dep}, which is in no layer")),
                _ => {}
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_module_uses_itself_through_others() {
    let g = graph();
    // Depth-first search for a back edge.
    fn visit<'a>(m: &'a str, g: &'a BTreeMap<String, BTreeSet<String>>, state: &mut BTreeMap<&'a str, u8>, path: &mut Vec<&'a str>) -> Option<Vec<String>> {
        match state.get(m) {
            Some(1) => {
                let at = path.iter().position(|p| *p == m).unwrap();
                let mut cycle: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
                cycle.push(m.to_string());
                return Some(cycle);
            }
            Some(_) => return None,
            None => {}
        }
        state.insert(m, 1);
        path.push(m);
        for dep in g.get(m).into_iter().flatten() {
            if g.contains_key(dep) {
                if let Some(c) = visit(dep, g, state, path) {
                    return Some(c);
                }
            }
        }
        path.pop();
        state.insert(m, 2);
        None
    }
    let mut state = BTreeMap::new();
    for m in g.keys() {
        if let Some(cycle) = visit(m, &g, &mut state, &mut Vec::new()) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}

/// The check itself finds a use, and skips comments and test modules.
#[test]
fn uses_are_read_from_code_only() {
    let text = "use crate::a::X;\n/// [`crate::b`]\nfn f() { crate::c::g(); } // crate::d\nuse crate::{e, f::G};\nuse crate::i::{j::K, l};\n#[cfg(test)]\nmod tests {\n use crate::h;\n}\n";
    let got: Vec<String> = uses(text).into_iter().map(|p| p.join("::")).collect();
    assert_eq!(got, ["a::X", "c::g", "e", "f::G", "i::j::K", "i::l"]);
}
